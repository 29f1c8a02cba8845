"""The layer rule (docs/architecture.md), checked over every import in the project's packages,
including imports inside functions and under TYPE_CHECKING: each layer imports only the layers
below it, and no module imports itself back through others (no import circles).

    core                                   the foundation: imports nothing of the project
    devices  photo  backend  backend_client  each imports core only
    flows                                  the services: core, devices, photo, backend_client
    terminal                               the composition root without a screen: all of the above
    kiosk                                  the Kivy shell: all of the above (and the only kivy importer)

main.py, bench/ and tests/ may import anything.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import pytest

from core.config import PROJECT_ROOT

LOWER = ("core",)
PEERS = ("devices", "photo", "backend", "backend_client")
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    **{peer: frozenset(LOWER) for peer in PEERS},
    "flows": frozenset({"core", "devices", "photo", "backend_client"}),
    "terminal": frozenset({"core", *PEERS, "flows"}),
    "kiosk": frozenset({"core", *PEERS, "flows", "terminal"}),
}
PACKAGES = tuple(ALLOWED)

# The exceptions kept on purpose: (importing module, imported module) -> why.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("devices.camera.scenes", "photo.samples"):
        "the simulated camera plays portraits composed by the photo samples (simulator only, never in a hall)",
    ("flows.demo_cards", "backend.seed"):
        "the simulators' demo ID cards are the reference back end's demo people, read from its seed data",
}
# Third-party packages only one layer may import.
ONLY_IN = {"kivy": "kiosk"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(module: str, path: Path, modules: Iterable[str] = (), type_only: bool = True) -> set[str]:
    """Every module `module` imports, at any depth of its code (functions, and TYPE_CHECKING
    blocks unless `type_only` is False). `from a import b` counts as importing the module
    `a.b` when that is one of `modules`, else `a`."""
    known = set(modules)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = set() if type_only else {id(n) for n in ast.walk(tree) if _is_type_checking_block(n)}
    found = set()
    for node in _walk(tree, skipped):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return found


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _walk(node: ast.AST, skipped: set[int]):
    yield node
    for child in ast.iter_child_nodes(node):
        if id(child) not in skipped:
            yield from _walk(child, skipped)


def layer_of(module: str) -> str:
    return module.split(".")[0]


def graph(type_only: bool = True) -> dict[str, set[str]]:
    """Project module -> the project modules it imports (with or without type-only imports)."""
    modules = project_modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for target in imports_of(module, path, modules, type_only):
            if target in modules and target != module:
                edges[module].add(target)
    return edges


def test_the_project_is_where_the_rule_looks() -> None:
    modules = project_modules()
    assert {layer_of(m) for m in modules} == set(PACKAGES)
    assert len(modules) > 150


def test_each_layer_imports_only_the_layers_below_it() -> None:
    against = []
    for module, targets in graph().items():
        for target in sorted(targets):
            source_layer, target_layer = layer_of(module), layer_of(target)
            if source_layer == target_layer or target_layer in ALLOWED[source_layer]:
                continue
            if (module, target) in EXCEPTIONS:
                continue
            against.append(f"{module} -> {target}")
    assert against == [], "imports against the layer rule (docs/architecture.md):\n" + "\n".join(against)


def test_every_named_exception_is_still_needed() -> None:
    edges = graph()
    stale = [f"{source} -> {target}" for source, target in EXCEPTIONS if target not in edges.get(source, ())]
    assert stale == [], f"exceptions no longer used: remove them from the rule: {stale}"


@pytest.mark.parametrize("package, owner", ONLY_IN.items())
def test_a_third_party_package_stays_in_its_layer(package: str, owner: str) -> None:
    users = sorted(module for module, path in project_modules().items()
                   if layer_of(module) != owner
                   and any(name == package or name.startswith(package + ".") for name in imports_of(module, path)))
    assert users == [], f"{package} is imported outside {owner}/: {users}"


def test_no_import_circles() -> None:
    """At run time (a type-only import under TYPE_CHECKING, for an annotation, is no circle)."""
    edges = graph(type_only=False)
    circles = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert circles == [], "import circles:\n" + "\n".join(circles)


def test_the_rule_catches_an_import_inside_a_function(tmp_path: Path) -> None:
    """GIVEN a core module importing the shell inside a function, THEN the walker sees it."""
    source = tmp_path / "probe.py"
    source.write_text("def later():\n    from kiosk.app import KioskApp\n    import terminal.runtime\n")
    assert {"kiosk.app", "terminal.runtime"} <= imports_of("core.probe", source, project_modules())
