"""Every message key the code uses has a real translation in both catalogs."""

from __future__ import annotations

import re

import pytest

from core.config import PROJECT_ROOT
from core.i18n import LANGUAGES, Translator

SOURCE_DIRS = ("kiosk", "devices", "flows", "photo", "backend")
# N_("key"), app.t("key", ...), _("key") and translate("key" ...) with a literal dotted key.
KEY_USE = re.compile(r"""(?:\bN_|\bapp\.t|\b_|\.translate)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_{}]+)+)["']""")


def used_keys() -> set[str]:
    keys = set()
    for folder in SOURCE_DIRS:
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".kv"):
                keys.update(KEY_USE.findall(path.read_text(encoding="utf-8")))
    return keys


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def test_code_uses_keys_at_all():
    assert "home.instruction" in used_keys()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_key_is_translated(translator, language):
    missing = sorted(key for key in used_keys() if not translator.has(key, language))
    assert missing == [], f"keys without a {language} translation: {missing}"


def test_switching_language_changes_the_text(translator):
    translator.set_language("zh_CN")
    chinese = translator.translate("home.instruction")
    translator.set_language("en")
    assert translator.translate("home.instruction") != chinese
    assert translator.translate("home.instruction", "zh_CN") == chinese


def test_unsupported_language_is_refused(translator):
    with pytest.raises(ValueError):
        translator.set_language("fr")
