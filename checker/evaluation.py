"""Evaluate compiled rules on records in one pass."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from checker.findings import Finding, fingerprint
from checker.records import Record
from checker.rules.model import Rule


def evaluate(records: Iterable[Record], rules: Sequence[Rule]) -> Iterator[Finding]:
    """Yield a finding for every rule that fires on every record, record by record.

    Reads ``records`` once and keeps nothing, so a caller that streams records and
    consumes findings as they come never keeps all of either in memory.
    """
    checks = [(rule, rule.matches) for rule in rules]
    for record in records:
        for rule, matches in checks:
            if matches(record):
                yield Finding(
                    rule_id=rule.id,
                    severity=rule.severity,
                    dst_ip=record.DstIP,
                    fingerprint=fingerprint(rule.id, record.DstIP),
                    evidence=rule.evidence(record),
                )
