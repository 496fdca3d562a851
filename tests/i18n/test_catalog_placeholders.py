"""Every Chinese translation keeps the placeholders of its English message, in every format."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from checker.i18n import DOMAIN, LOCALE_DIR

#: %-style conversions with or without a name, flags, width and precision (``%(rate).1f``, ``%d``),
#: and the ``{task.fields[...]}`` fields of rich's progress columns.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdfr]|\{[^{}]+\}")


def test_chinese_keeps_every_placeholder() -> None:
    with open(LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as stream:
        catalog = read_po(stream)

    mismatched = []
    for entry in catalog:
        if not entry.id:
            continue
        english = entry.id[-1] if isinstance(entry.id, tuple) else entry.id
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for chinese in translations:
            if sorted(PLACEHOLDER.findall(chinese)) != sorted(PLACEHOLDER.findall(english)):
                mismatched.append((english, chinese))

    assert mismatched == []
