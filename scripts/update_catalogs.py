"""Regenerate the message catalogs: extract messages, update each language's .po, compile .mo.

Usage (from anywhere; needs Babel, which the test extras install)::

    .venv/bin/python scripts/update_catalogs.py

Run it after adding or changing a ``_()``, ``ngettext()`` or ``{{ _() }}`` message, translate
the new entries in ``checker/locale/LANG/LC_MESSAGES/cfw-checker.po``, and run it again so
that the compiled ``.mo`` matches. A test fails while a .mo is stale or a message is missing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from checker import __version__

REPOSITORY = Path(__file__).resolve().parents[1]
LOCALE_DIR = REPOSITORY / "checker" / "locale"
DOMAIN = "cfw-checker"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("zh",)


def run_babel(*arguments: str) -> None:
    """Run one ``pybabel`` command in the repository folder."""
    CommandLineInterface().run(["pybabel", "--quiet", *arguments])


def main() -> int:
    """Extract, update and compile every catalog; return the exit code."""
    LOCALE_DIR.mkdir(exist_ok=True)
    # Relative paths keep the source locations in the catalogs the same on every machine.
    os.chdir(REPOSITORY)
    run_babel(
        "extract", "--mapping-file", str(REPOSITORY / "babel.cfg"), "--output-file", str(TEMPLATE),
        "--project", "cfw-checker", "--version", __version__, "--sort-by-file", "--width", "100", ".",
    )
    for language in LANGUAGES:
        catalog = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if catalog.exists() else "init"
        run_babel(
            command, "--input-file", str(TEMPLATE), "--output-dir", str(LOCALE_DIR), "--domain", DOMAIN,
            "--locale", language, "--width", "100", *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []),
        )
    run_babel("compile", "--directory", str(LOCALE_DIR), "--domain", DOMAIN, "--statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
