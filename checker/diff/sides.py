"""Load one side of a diff: a ``results.json`` as it is, or a records file scanned with the policies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.baseline import StoredFinding, StoredResults, is_results_document, read_results
from checker.findings import canonical_ip
from checker.records import Record
from checker.result import ScanResult
from checker.scan import ScanOptions, run_scan
from checker.sources.file import read_bytes


@dataclass(frozen=True)
class Side:
    """One side of a diff: its findings and, for a records file, its records by canonical DstIP."""

    path: str
    #: ``results`` for a results.json, ``records`` for an export that was scanned.
    kind: str
    findings: tuple[StoredFinding, ...]
    records: dict[str, Record] | None = None


def load_side(path: str, *, policies: Sequence[str], waivers: str | None = None) -> Side:
    """Read ``path``: a results.json (told apart by its ``schema_version``) or records to scan.

    Raises:
        InputError: the file cannot be read or is neither a results.json nor a valid export.
    """
    data = read_bytes(path, None)
    if is_results_document(data):
        stored = read_results(path, data)
        return Side(path, "results", tuple(stored.findings))

    options = ScanOptions(inputs=(path,), policies=tuple(policies), fail_on=None, waivers=waivers)
    records = _records_of(path)
    result = run_scan(options)
    return Side(path, "records", _stored_findings(result), records)


def _records_of(path: str) -> dict[str, Record]:
    from checker.sources.loader import load_records

    loaded = load_records([path], stdin=None, allow_partial=False)
    return {canonical_ip(record.DstIP): record for record in loaded.records}


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

