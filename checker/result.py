"""The outcome of one scan: what was read, what was evaluated, what fired, and the verdict.

Every report writer takes a :class:`ScanResult` and nothing else.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from checker.findings import Finding
from checker.records import Record
from checker.rules import PolicyFile, Rule
from checker.severity import DESCENDING, Severity

#: Version of the ``results.json`` contract; bump the major part on incompatible changes.
SCHEMA_VERSION = "1.0"


class RuleStatus(str, enum.Enum):
    """Outcome of one rule over all records."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class InputInfo:
    """One input that records were read from."""

    #: Path as given, or ``-`` for standard input.
    path: str
    #: ``response``, ``pages``, ``records``, ``jsonl`` or ``snapshot``.
    shape: str
    sha256: str
    records: int
    #: Sum of the ``TotalCount`` values the input declared, or None when it declared none.
    declared_total: int | None = None
    request_ids: tuple[str, ...] = ()
    #: The ``source`` section of a snapshot written by ``cfw-checker fetch``, if any.
    provenance: dict[str, Any] | None = None
    #: Records dropped because an earlier page already held their DstIP.
    duplicates_merged: int = 0


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's status and its findings."""

    rule: Rule
    status: RuleStatus
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Gate:
    """The pass or fail decision of a scan."""

    #: Lowest severity that fails the gate, or None for ``--fail-on never``.
    fail_on: Severity | None
    #: Findings at or above ``fail_on``.
    failing: int
    #: Id of the rule with the most severe failing findings (most findings breaks ties).
    worst_rule: str | None

    @property
    def passed(self) -> bool:
        """True when no finding reaches the threshold."""
        return self.failing == 0


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs about one scan."""

    tool_version: str
    #: UTC time the scan finished, ISO 8601 with ``Z``.
    generated_at: str
    inputs: tuple[InputInfo, ...]
    policy_files: tuple[PolicyFile, ...]
    outcomes: tuple[RuleOutcome, ...]
    records_scanned: int
    gate: Gate
    #: Records that have at least one finding, by DstIP, for the reports' detail views.
    records_by_ip: dict[str, Record] = field(default_factory=dict)
    #: Why the input is partial (accepted with ``--allow-partial``), or None when complete.
    partial_reason: str | None = None
    #: Language of report labels: ``en`` or ``zh``.
    lang: str = "en"
    #: Wall time of loading and evaluation, in seconds.
    duration_seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        """All findings, most severe first, then by rule id and DstIP."""
        everything = [finding for outcome in self.outcomes for finding in outcome.findings]
        everything.sort(key=lambda finding: (-finding.severity.rank, finding.rule_id, finding.dst_ip))
        return everything

    @property
    def rules_evaluated(self) -> int:
        """Number of rules that ran (not skipped)."""
        return sum(1 for outcome in self.outcomes if outcome.status is not RuleStatus.SKIPPED)

    def counts_by_severity(self) -> dict[Severity, int]:
        """Return the number of findings per severity, highest first, zeros included."""
        counts = Counter(finding.severity for outcome in self.outcomes for finding in outcome.findings)
        return {severity: counts.get(severity, 0) for severity in DESCENDING}
