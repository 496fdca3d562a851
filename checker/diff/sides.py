"""Load one side of a diff: a ``results.json`` as it is, or a records file scanned with the policies."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from checker.baseline import StoredFinding, StoredResults, is_results_document, read_results
from checker.findings import canonical_ip
from checker.i18n import _
from checker.records import Record
from checker.result import RuleStatus, ScanResult
from checker.scan import ScanOptions, run_scan
from checker.sources.file import read_bytes

#: Rule statuses of ``results.json`` that mean the rule ran over the records.
EVALUATED_STATUSES = frozenset({RuleStatus.PASSED.value, RuleStatus.FAILED.value})


@dataclass(frozen=True)
class Side:
    """One side of a diff: its findings and, for a records file, its records by canonical DstIP."""

    path: str
    #: ``results`` for a results.json, ``records`` for an export that was scanned.
    kind: str
    findings: tuple[StoredFinding, ...]
    records: dict[str, Record] | None = None
    #: Ids of the rules that ran on this side (status passed or failed, not skipped).
    evaluated_rules: frozenset[str] = frozenset()
    #: Why this side's records are incomplete, or None when they are complete.
    partial_reason: str | None = None
    #: Records the side's scan evaluated, or None when a results.json lacks ``summary.records_scanned``.
    records_scanned: int | None = None


def load_side(path: str, *, policies: Sequence[str], waivers: str | None = None, allow_partial: bool = False) -> Side:
    """Read ``path``: a results.json (recognised by its ``schema_version``) or records to scan.

    A records file that is incomplete raises unless ``allow_partial`` is set; a results.json
    is read as it is, and the caller decides what to do with its ``partial_reason``.

    Raises:
        InputError: the file cannot be read, is neither a results.json nor a valid export, or
            is an incomplete export without ``allow_partial``.
    """
    data = read_bytes(path, None)
    if is_results_document(data):
        return _results_side(path, read_results(path, data))

    options = ScanOptions(
        inputs=(path,), policies=tuple(policies), fail_on=None, waivers=waivers, allow_partial=allow_partial
    )
    result = run_scan(options)
    records = _records_of(path, allow_partial)
    return Side(
        path,
        "records",
        _stored_findings(result),
        records,
        evaluated_rules=frozenset(outcome.rule.id for outcome in result.outcomes if outcome.status is not RuleStatus.SKIPPED),
        partial_reason=result.partial_reason,
        records_scanned=result.records_scanned,
    )


def _results_side(path: str, stored: StoredResults) -> Side:
    summary = stored.summary
    partial_reason = None
    if summary.get("partial") is True:
        reason = summary.get("partial_reason")
        partial_reason = reason if isinstance(reason, str) and reason else _("summary.partial is true")
    scanned = summary.get("records_scanned")
    return Side(
        path,
        "results",
        tuple(stored.findings),
        evaluated_rules=frozenset(rule.id for rule in stored.rules if rule.status in EVALUATED_STATUSES),
        partial_reason=partial_reason,
        records_scanned=scanned if isinstance(scanned, int) else None,
    )


def _records_of(path: str, allow_partial: bool) -> dict[str, Record]:
    from checker.sources.loader import load_records

    # The scan of the same file has already logged its warnings; a second read would repeat them.
    with _silenced(logging.getLogger("checker.sources.loader")):
        loaded = load_records([path], stdin=None, allow_partial=allow_partial)
    return {canonical_ip(record.DstIP): record for record in loaded.records}


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _silenced(logger: logging.Logger) -> Iterator[None]:
    """Drop the log records that ``logger`` itself emits while the block runs."""
    drop = _DropAll()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _stored_findings(result: ScanResult) -> tuple[StoredFinding, ...]:
    return tuple(
        StoredFinding(
            rule_id=finding.rule_id,
            severity=finding.severity,
            dst_ip=finding.dst_ip,
            fingerprint=finding.fingerprint,
            evidence=finding.evidence,
            waived_by=finding.waived_by,
        )
        for finding in result.findings
    )
