"""Translations: gettext catalogs (assets/locale/<lang>/LC_MESSAGES/kiosk.po), keyed by message keys.

Flows and devices speak in message keys (`"idcard.no_card"`), never in sentences; the screen
translates them with the citizen's chosen language. Catalogs are edited as .po files,
extracted with Babel (`make catalogs`), and compiled here when the .mo is missing or stale.
"""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.config import PROJECT_ROOT

LOCALE_DIR = PROJECT_ROOT / "assets" / "locale"
DOMAIN = "kiosk"
LANGUAGES = ("zh_CN", "en")
FALLBACK_LANGUAGE = "en"

log = logging.getLogger(__name__)


def N_(key: str) -> str:
    """Mark a message key for extraction without translating it (flows use this)."""
    return key


def compile_catalog(po_path: Path) -> bytes:
    """Compile a .po file to .mo bytes, writing the .mo beside it when it is missing or stale."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return mo_path.read_bytes()
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    data = buffer.getvalue()
    try:
        mo_path.write_bytes(data)
    except OSError:  # a read-only install still works, compiled in memory each start
        log.debug("cannot cache compiled catalog %s", mo_path)
    return data


def load_catalog(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.GNUTranslations:
    po_path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        raise FileNotFoundError(f"translation catalog missing: {po_path}")
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(po_path)))


class Translator:
    """Holds every catalog and the language in use. Unknown keys show as the key itself,
    which a test (tests/test_i18n_catalogs.py) forbids for every key the code uses."""

    def __init__(self, locale_dir: Path = LOCALE_DIR, languages: tuple[str, ...] = LANGUAGES) -> None:
        self._catalogs = {lang: load_catalog(lang, locale_dir) for lang in languages}
        self.language = languages[0]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._catalogs)

    def set_language(self, language: str) -> None:
        if language not in self._catalogs:
            raise ValueError(f"unsupported language {language!r}; supported: {', '.join(self._catalogs)}")
        self.language = language

    def translate(self, key: str, language: str | None = None, **values: Any) -> str:
        """Translate `key` and fill `{placeholders}` from `values`."""
        catalog = self._catalogs[language or self.language]
        text = catalog.gettext(key)
        if values:
            try:
                text = text.format(**values)
            except (KeyError, IndexError, ValueError):
                log.warning("translation of %s lacks or mangles a placeholder", key)
        return text

    def has(self, key: str, language: str) -> bool:
        return self._catalogs[language].gettext(key) != key


_translator: Translator | None = None


def translator() -> Translator:
    """The process-wide translator, loaded on first use."""
    global _translator
    if _translator is None:
        _translator = Translator()
    return _translator


def _(key: str, **values: Any) -> str:
    """Translate a message key in the session's current language."""
    return translator().translate(key, **values)
