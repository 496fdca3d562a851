"""The data that ``report.html`` embeds once as JSON, for its findings table and detail view.

Records and findings are written as arrays in a fixed column order that the data itself
declares (``columns``), because a report of 100,000 findings would otherwise repeat every
field name 100,000 times. The JSON text is escaped so that it can sit inside a
``<script type="application/json">`` element whatever the records contain: see
:func:`script_json`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

import msgspec

from checker.findings import Finding
from checker.records import AddressGroup, ApplicationPort, Record, Tag
from checker.result import ScanResult
from checker.severity import DESCENDING

#: Finding attributes that waivers and a baseline set. Findings without them show no marks.
MARK_FIELDS = ("waived_by", "waiver_owner", "waiver_expires", "baseline")

# Characters that must not appear literally in the text of a script element. "<" could
# start "</script>" or "<!--", and the others are escaped too so that the text stays inert
# if someone pastes it into HTML or into JavaScript source (U+2028 and U+2029 end a line
# there). JSON.parse() turns each escape back into the character.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@functools.cache
def column_names(struct: type[msgspec.Struct]) -> list[str]:
    """Return the field names of ``struct`` in declaration order, the order of its arrays."""
    return [field.name for field in msgspec.structs.fields(struct)]


def script_json(value: Any) -> str:
    """Return ``value`` as JSON text that cannot end or break out of its script element."""
    try:
        text = msgspec.json.encode(value).decode("utf-8")
    except UnicodeEncodeError:
        # A record read with a lenient parser can hold a lone surrogate, which UTF-8 cannot
        # encode. ensure_ascii writes it as a \\udXXX escape that JSON.parse() accepts.
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


#: Findings embedded in one page, the most severe first. The page grows by 280 to 450 bytes a
#: finding in the benchmarks, and bench/html_bench.py measured it usable at this size.
#: results.json contains every finding.
MAX_EMBEDDED_FINDINGS = 100_000


def build_data(result: ScanResult, labels: dict[str, str], severity_labels: dict[str, str]) -> dict[str, Any]:
    """Return the embedded data of ``result``: columns, rules, records, findings and labels.

    ``labels`` are the translated texts that the script shows; ``severity_labels`` maps each
    severity value to its translated name. At most :data:`MAX_EMBEDDED_FINDINGS` findings
    are embedded, and ``omitted`` counts the rest.
    """
    rule_index = {outcome.rule.id: index for index, outcome in enumerate(result.outcomes)}
    every_finding = result.findings
    findings = every_finding[:MAX_EMBEDDED_FINDINGS]
    record_index: dict[str, int] = {}
    records: list[list[Any]] = []
    rows: list[list[Any]] = []
    for finding in findings:
        index = record_index.get(finding.dst_ip)
        if index is None:
            index = record_index[finding.dst_ip] = len(records)
            records.append(_record_row(finding.dst_ip, result.records_by_ip.get(finding.dst_ip)))
        rows.append(_finding_row(finding, rule_index.get(finding.rule_id, -1), index))

    return {
        "lang": result.lang,
        "labels": labels,
        "severities": [{"id": severity.value, "label": severity_labels[severity.value]} for severity in DESCENDING],
        "columns": {
            "record": column_names(Record),
            "tag": column_names(Tag),
            "port": column_names(ApplicationPort),
            "addressGroup": column_names(AddressGroup),
        },
        "rules": [_rule_entry(outcome.rule.id, outcome.rule.localized(result.lang).title, outcome.rule.severity.value)
                  for outcome in result.outcomes],
        "records": records,
        "findings": rows,
        "omitted": len(every_finding) - len(findings),
        "marks": _marks_in_use(findings),
    }


def _rule_entry(rule_id: str, title: str, severity: str) -> dict[str, str]:
    return {"id": rule_id, "title": title, "severity": severity}


def _record_row(dst_ip: str, record: Record | None) -> list[Any]:
    """Return the record's values in column order, or only the DstIP when the result lacks it."""
    if record is None:
        return [dst_ip]
    row = list(msgspec.structs.astuple(record))
    for position, value in enumerate(row):
        if isinstance(value, list):
            row[position] = [
                msgspec.structs.astuple(item) if isinstance(item, msgspec.Struct) else item for item in value
            ]
    return row


def _finding_row(finding: Finding, rule: int, record: int) -> list[Any]:
    """Return ``[rule index, record index, severity, evidence]``, plus the marks when set."""
    evidence = msgspec.to_builtins(finding.evidence, enc_hook=str)
    row: list[Any] = [rule, record, finding.severity.value, evidence]
    marks = finding_marks(finding)
    if marks:
        row.append(marks)
    return row


def finding_marks(finding: Finding) -> dict[str, str]:
    """Return the waiver and baseline marks that ``finding`` carries, without the unset ones."""
    values = {
        "waived_by": finding.waived_by,
        "waiver_owner": finding.waiver_owner,
        "waiver_expires": finding.waiver_expires,
        "baseline": finding.baseline,
    }
    return {name: value for name, value in values.items() if value}


def _marks_in_use(findings: Iterable[Finding]) -> list[str]:
    """Return the mark names that at least one finding carries, in :data:`MARK_FIELDS` order."""
    used: set[str] = set()
    for finding in findings:
        used.update(finding_marks(finding))
        if len(used) == len(MARK_FIELDS):
            break
    return [name for name in MARK_FIELDS if name in used]
