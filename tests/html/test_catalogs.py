"""The gettext catalogs: compiled .mo in step with the .po, every message translated, placeholders kept."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from checker.i18n import DOMAIN, LOCALE_DIR, translations_for

REPOSITORY = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh",)
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")


def read_catalog(language: str) -> Catalog:
    with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as stream:
        return read_po(stream)


def extracted_messages() -> set[str]:
    """Return the singular msgid of every message that the sources mark, as babel.cfg extracts them."""
    with open(REPOSITORY / "babel.cfg", encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    messages: set[str] = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(REPOSITORY), method_map, options_map
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def translations(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_up_to_date(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(language))

    committed = (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()

    assert compiled.getvalue() == committed, "run scripts/update_catalogs.py and commit the .mo"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_translated(language: str) -> None:
    catalog = read_catalog(language)
    translated = {singular(message) for message in catalog if message.id and all(translations(message))}
    fuzzy = sorted(singular(message) for message in catalog if message.id and message.fuzzy)

    missing = sorted(extracted_messages() - translated)

    assert missing == [], "run scripts/update_catalogs.py and translate the new messages"
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_kept(language: str) -> None:
    mismatched = []
    for message in read_catalog(language):
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(singular(message)))
        for text in translations(message):
            if sorted(PLACEHOLDER.findall(text)) != expected:
                mismatched.append((singular(message), text))

    assert mismatched == []


def test_chinese_has_one_plural_form() -> None:
    catalog = read_catalog("zh")

    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert translations_for("zh").ngettext("%(count)d record", "%(count)d records", 1) == "%(count)d 条记录"
    assert translations_for("zh").ngettext("%(count)d record", "%(count)d records", 7) == "%(count)d 条记录"


def test_chinese_terms() -> None:
    zh = translations_for("zh")

    assert [zh.gettext(name) for name in ("critical", "high", "medium", "low", "info")] == [
        "严重",
        "高",
        "中",
        "低",
        "提示",
    ]
    assert zh.gettext("Address books") == "地址簿"
    assert zh.gettext("Threat intelligence tags") == "威胁情报标签"
    assert zh.gettext("Access control") == "访问控制"


def test_english_has_no_catalog() -> None:
    assert translations_for("en").gettext("Findings") == "Findings"
