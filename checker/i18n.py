"""Message catalogs for user-facing text (CLI messages, report labels).

Texts are marked with :func:`_` (or ``{% trans %}`` in templates) and translated through
gettext catalogs in ``checker/locale/LANG/LC_MESSAGES/cfw-checker.mo``. English is the
source language; a language without a compiled catalog falls back to English.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "cfw-checker"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("en", "zh")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def default_language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """Pick ``zh`` when ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starts with ``zh``, else ``en``."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def translations_for(lang: str) -> gettext.NullTranslations:
    """Return the catalog of ``lang``, or English when no catalog is compiled for it."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def set_language(lang: str) -> None:
    """Switch the process-wide language of :func:`_` and :func:`ngettext`."""
    global _translations, _language
    _translations = translations_for(lang)
    _language = lang


def current_language() -> str:
    """Return the language set by :func:`set_language` (``en`` until then)."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a plural form chosen by ``count``."""
    return _translations.ngettext(singular, plural, count)
