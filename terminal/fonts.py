"""Finding the CJK font. Without one every Chinese character renders as a box, so the
kiosk refuses to start and says which package to install."""

from __future__ import annotations

from pathlib import Path

from core.config import PROJECT_ROOT

FONT_LIST = PROJECT_ROOT / "assets" / "fonts.txt"


class FontMissing(RuntimeError):
    pass


def candidate_fonts(list_file: Path = FONT_LIST) -> list[Path]:
    lines = list_file.read_text(encoding="utf-8").splitlines()
    return [Path(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


def find_cjk_font(list_file: Path = FONT_LIST) -> Path:
    for path in candidate_fonts(list_file):
        if path.is_file():
            return path
    raise FontMissing(
        "No CJK font found (looked for: " + ", ".join(map(str, candidate_fonts(list_file))) + "). "
        "Install one: apt-get install fonts-wqy-microhei")
