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
SCHEMA_VERSION = "1.1"


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
    #: True with ``--fail-on-new-only``: only findings new against the baseline count.
    new_only: bool = False
    #: Expired waivers that fail the gate (``--fail-on-expired-waivers``); 0 otherwise.
    expired_waivers: int = 0

    @property
    def passed(self) -> bool:
        """True when no finding reaches the threshold and no expired waiver fails the gate."""
        return self.failing == 0 and self.expired_waivers == 0

    def counts(self, finding: Finding) -> bool:
        """Tell whether ``finding`` counts against the gate.

        Waived findings never count. With ``new_only``, only findings marked ``new`` against
        the baseline count.
        """
        if self.fail_on is None or finding.waived_by is not None:
            return False
        if self.new_only and finding.baseline != "new":
            return False
        return finding.severity.at_least(self.fail_on)


@dataclass(frozen=True)
class WaiverSummary:
    """A waiver as the reports list it: expired, or matching nothing."""

    id: str
    #: Expiry, ISO 8601 in UTC with ``Z``.
    expires: str
    reason: str
    owner: str | None = None
    ticket: str | None = None


@dataclass(frozen=True)
class WaiverUse:
    """How a waivers file took part in a scan."""

    #: Path of the waivers file as given.
    file: str
    #: Number of waivers in the file.
    total: int
    #: True with ``--ignore-waivers``: the file was validated but no waiver was applied.
    ignored: bool = False
    #: True with ``--fail-on-expired-waivers``.
    fail_on_expired: bool = False


@dataclass(frozen=True)
class ResolvedFinding:
    """A finding of the baseline that the current scan no longer has."""

    rule_id: str
    severity: Severity
    dst_ip: str
    fingerprint: str


@dataclass(frozen=True)
class BaselineComparison:
    """The baseline a scan was compared with, and what it no longer finds."""

    #: Path of the baseline ``results.json`` as given.
    file: str
    #: Baseline findings of rules evaluated in this scan that no current finding matches.
    resolved: tuple[ResolvedFinding, ...] = ()


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
    #: Waivers whose expiry has passed; they no longer apply.
    expired_waivers: tuple[WaiverSummary, ...] = ()
    #: Waivers in force that matched no finding.
    unused_waivers: tuple[WaiverSummary, ...] = ()
    #: The waivers file of the scan, or None when none was given.
    waivers: WaiverUse | None = None
    #: The baseline comparison, or None when no baseline was given.
    baseline: BaselineComparison | None = None

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

    @property
    def waived_findings(self) -> int:
        """Number of findings that a waiver suppresses."""
        return sum(1 for outcome in self.outcomes for finding in outcome.findings if finding.waived_by is not None)

    def baseline_counts(self) -> dict[str, int]:
        """Return the number of ``new`` and ``existing`` findings against the baseline."""
        counts = Counter(finding.baseline for outcome in self.outcomes for finding in outcome.findings)
        return {"new": counts.get("new", 0), "existing": counts.get("existing", 0)}

    def counts_by_severity(self) -> dict[Severity, int]:
        """Return the number of findings per severity, highest first, zeros included."""
        counts = Counter(finding.severity for outcome in self.outcomes for finding in outcome.findings)
        return {severity: counts.get(severity, 0) for severity in DESCENDING}
