"""Values of coded record fields that the API reference documents, and a check against them.

A value outside these sets is kept as data, because the API may add codes. But a rule that
compares with ``equals: Uncovered`` silently misses ``uncovered``, so such values are named
in a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from checker.i18n import _
from checker.records import Record

logger = logging.getLogger(__name__)

#: Documented values of each coded field; ``TagList[].ClassId`` is the ClassId of every tag.
DOCUMENTED: Mapping[str, frozenset[str]] = {
    "AclCoverage": frozenset({"Uncovered", "FullCoverage"}),
    "AclStatus": frozenset({"Normal", "Abnormal", "normal", "abnormal"}),
    "CategoryClassId": frozenset({"Trusted", "Suspicious", "Malicious"}),
    "CategoryId": frozenset({"Aliyun", "NotAliyun"}),
    "SecuritySuggest": frozenset({"pass", "alert", "drop"}),
    "TagList[].ClassId": frozenset({"Trusted", "Suspicious", "Malicious"}),
}
#: Unexpected values named per field before the rest are only counted.
MAX_SHOWN_VALUES = 5


def observed_values(records: Sequence[Record]) -> dict[str, set[str]]:
    """Return the distinct values of each coded field in ``records``."""
    return {
        "AclCoverage": {record.AclCoverage for record in records},
        "AclStatus": {record.AclStatus for record in records},
        "CategoryClassId": {record.CategoryClassId for record in records},
        "CategoryId": {record.CategoryId for record in records},
        "SecuritySuggest": {record.SecuritySuggest for record in records},
        "TagList[].ClassId": {tag.ClassId for record in records for tag in record.TagList},
    }


def merge_observed(into: dict[str, set[str]], values: Mapping[str, set[str]]) -> None:
    """Add the values of one chunk to the values seen so far."""
    for name, seen in values.items():
        into.setdefault(name, set()).update(seen)


def warn_about_undocumented(observed: Mapping[str, set[str]]) -> None:
    """Log one warning per coded field that contains values outside its documented set.

    The empty text is a field the record left out, so it is not reported.
    """
    for name, documented in DOCUMENTED.items():
        unexpected = sorted(observed.get(name, set()) - documented - {""})
        if not unexpected:
            continue
        shown = ", ".join(repr(value) for value in unexpected[:MAX_SHOWN_VALUES])
        if len(unexpected) > MAX_SHOWN_VALUES:
            shown = _("%(shown)s and %(more)d more") % {"shown": shown, "more": len(unexpected) - MAX_SHOWN_VALUES}
        logger.warning(
            _(
                "%(field)s holds values that the API reference does not document: %(values)s; "
                "rules that compare %(field)s with the documented values (%(documented)s) do not match them"
            ),
            {"field": name, "values": shown, "documented": ", ".join(sorted(documented))},
        )
