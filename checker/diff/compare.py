"""Compare two sides of a diff: findings by fingerprint, and records by destination."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checker.baseline import StoredFinding
from checker.diff.sides import Side
from checker.i18n import _
from checker.records import Record
from checker.severity import Severity


@dataclass(frozen=True)
class DestinationChange:
    """A destination present on both sides whose ACL coverage or tags changed."""

    dst_ip: str
    coverage_before: str
    coverage_after: str
    tags_gained: tuple[str, ...] = ()
    tags_lost: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordChanges:
    """Record-level changes; only available when both sides are records files."""

    new_destinations: tuple[str, ...]
    removed_destinations: tuple[str, ...]
    #: Destinations whose AclCoverage changed, or whose TagList gained or lost a TagId.
    changed: tuple[DestinationChange, ...]


@dataclass(frozen=True)
class DiffResult:
    """New, resolved and unchanged findings, and the record changes when both sides are records."""

    before: Side
    after: Side
    new: tuple[StoredFinding, ...]
    resolved: tuple[StoredFinding, ...]
    unchanged: tuple[StoredFinding, ...]
    records: RecordChanges | None
    #: Findings of either side whose rule was not evaluated on both sides, so neither new nor resolved.
    not_compared: tuple[StoredFinding, ...] = ()
    #: Why a side cannot be trusted to be complete, one sentence per side; empty when both are.
    incomplete: tuple[str, ...] = ()

    @property
    def not_compared_rules(self) -> tuple[str, ...]:
        """Return the sorted ids of the rules whose findings were not compared."""
        return tuple(sorted({finding.rule_id for finding in self.not_compared}))

    def failing(self, fail_on: Severity | None) -> tuple[StoredFinding, ...]:
        """Return the new, unwaived findings at or above ``fail_on`` (none when it is None)."""
        if fail_on is None:
            return ()
        return tuple(
            finding for finding in self.new if finding.waived_by is None and finding.severity.at_least(fail_on)
        )


def compare_sides(before: Side, after: Side) -> DiffResult:
    """Compare the findings of ``before`` and ``after`` by fingerprint, and their records by DstIP.

    Only findings of rules evaluated on both sides are compared. A rule skipped on one side
    gives no evidence that its findings appeared or went away, so its findings go to
    ``not_compared`` instead of ``new`` or ``resolved``.
    """
    compared_rules = before.evaluated_rules & after.evaluated_rules
    before_prints = {finding.fingerprint for finding in before.findings}
    after_prints = {finding.fingerprint for finding in after.findings}
    before_compared = [finding for finding in before.findings if finding.rule_id in compared_rules]
    after_compared = [finding for finding in after.findings if finding.rule_id in compared_rules]

    new = tuple(_ordered(finding for finding in after_compared if finding.fingerprint not in before_prints))
    resolved = tuple(_ordered(finding for finding in before_compared if finding.fingerprint not in after_prints))
    unchanged = tuple(_ordered(finding for finding in after_compared if finding.fingerprint in before_prints))
    not_compared = _not_compared(before, after, compared_rules)

    records = None
    if before.records is not None and after.records is not None:
        records = _record_changes(before.records, after.records)
    return DiffResult(before, after, new, resolved, unchanged, records, not_compared, incomplete_sides(before, after))


def incomplete_sides(before: Side, after: Side) -> tuple[str, ...]:
    """Describe each side whose findings may be missing: a partial side, or an empty AFTER.

    An empty BEFORE is not listed, because it makes every finding new, and that fails the
    gate instead of hiding a finding.
    """
    notes: list[str] = []
    for label, side in ((_("BEFORE"), before), (_("AFTER"), after)):
        if side.partial_reason is not None:
            notes.append(
                _("%(side)s %(path)s is partial: %(reason)s")
                % {"side": label, "path": side.path, "reason": side.partial_reason.strip().rstrip(".")}
            )
    if after.records_scanned == 0 and before.findings:
        notes.append(
            _("AFTER %(path)s contains no records, so every finding of BEFORE would count as resolved")
            % {"path": after.path}
        )
    return tuple(notes)


def _not_compared(before: Side, after: Side, compared_rules: frozenset[str]) -> tuple[StoredFinding, ...]:
    seen: set[str] = set()
    skipped: list[StoredFinding] = []
    for finding in (*after.findings, *before.findings):
        if finding.rule_id in compared_rules or finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        skipped.append(finding)
    return tuple(_ordered(skipped))


def _ordered(findings: Iterable[StoredFinding]) -> list[StoredFinding]:
    return sorted(findings, key=lambda finding: (-finding.severity.rank, finding.rule_id, finding.dst_ip))


def _record_changes(before: dict[str, Record], after: dict[str, Record]) -> RecordChanges:
    new = tuple(sorted(after[ip].DstIP for ip in after.keys() - before.keys()))
    removed = tuple(sorted(before[ip].DstIP for ip in before.keys() - after.keys()))
    changed: list[DestinationChange] = []
    for ip in sorted(before.keys() & after.keys()):
        old, current = before[ip], after[ip]
        old_tags = {tag.TagId for tag in old.TagList}
        new_tags = {tag.TagId for tag in current.TagList}
        if old.AclCoverage == current.AclCoverage and old_tags == new_tags:
            continue
        changed.append(
            DestinationChange(
                dst_ip=current.DstIP,
                coverage_before=old.AclCoverage,
                coverage_after=current.AclCoverage,
                tags_gained=tuple(sorted(new_tags - old_tags)),
                tags_lost=tuple(sorted(old_tags - new_tags)),
            )
        )
    return RecordChanges(new, removed, tuple(changed))
