"""The scan pipeline: policies, records, evaluation, gate. No I/O besides reading inputs."""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from checker import __version__
from checker.evaluation import evaluate
from checker.findings import Finding
from checker.records import Record
from checker.result import Gate, RuleOutcome, RuleStatus, ScanResult
from checker.rules import PolicySet, Rule, load_policies, select_rules
from checker.severity import Severity
from checker.sources.loader import LoadedRecords, load_records


@dataclass(frozen=True)
class ScanOptions:
    """What to scan, with which rules, and where the gate sits."""

    inputs: Sequence[str]
    policies: Sequence[str] = ("builtin",)
    param_overrides: Mapping[str, str] = field(default_factory=dict)
    rules: Sequence[str] = ()
    skip_rules: Sequence[str] = ()
    tags: Sequence[str] = ()
    skip_tags: Sequence[str] = ()
    severities: Sequence[Severity] = ()
    #: Lowest severity that fails the gate; None turns the gate off.
    fail_on: Severity | None = Severity.HIGH
    allow_partial: bool = False
    lang: str = "en"


def run_scan(options: ScanOptions, *, stdin: BinaryIO | None = None) -> ScanResult:
    """Load policies and records, evaluate every selected rule, and decide the gate.

    Policies load first, so a broken policy fails before any input is read. Raises
    :class:`checker.errors.InputError` on policy or input errors.
    """
    started = time.perf_counter()
    policy_set = load_policies(options.policies, param_overrides=options.param_overrides)
    selected = select_rules(
        policy_set,
        rules=options.rules,
        skip_rules=options.skip_rules,
        tags=options.tags,
        skip_tags=options.skip_tags,
        severities=frozenset(options.severities),
    )
    loaded = load_records(options.inputs, stdin=stdin, allow_partial=options.allow_partial)

    findings_by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in evaluate(loaded.records, selected):
        findings_by_rule[finding.rule_id].append(finding)

    outcomes = _outcomes(policy_set, selected, findings_by_rule)
    result = _result(options, policy_set, loaded, outcomes)
    return dataclasses.replace(result, duration_seconds=time.perf_counter() - started)


def _outcomes(
    policy_set: PolicySet, selected: Sequence[Rule], findings_by_rule: Mapping[str, list[Finding]]
) -> tuple[RuleOutcome, ...]:
    selected_ids = {rule.id for rule in selected}
    outcomes: list[RuleOutcome] = []
    for rule in policy_set.rules:
        if rule.id not in selected_ids:
            outcomes.append(RuleOutcome(rule, RuleStatus.SKIPPED))
            continue
        findings = tuple(sorted(findings_by_rule.get(rule.id, ()), key=lambda finding: finding.dst_ip))
        status = RuleStatus.FAILED if findings else RuleStatus.PASSED
        outcomes.append(RuleOutcome(rule, status, findings))
    return tuple(outcomes)


def decide_gate(outcomes: Sequence[RuleOutcome], fail_on: Severity | None) -> Gate:
    """Count the findings at or above ``fail_on`` and name the worst rule among them."""
    if fail_on is None:
        return Gate(fail_on=None, failing=0, worst_rule=None)

    failing = 0
    worst: tuple[int, int, str] | None = None
    for outcome in outcomes:
        count = sum(1 for finding in outcome.findings if finding.severity.at_least(fail_on))
        if not count:
            continue
        failing += count
        key = (outcome.rule.severity.rank, count, outcome.rule.id)
        if worst is None or key[:2] > worst[:2]:
            worst = key
    return Gate(fail_on=fail_on, failing=failing, worst_rule=worst[2] if worst else None)


def _result(
    options: ScanOptions, policy_set: PolicySet, loaded: LoadedRecords, outcomes: tuple[RuleOutcome, ...]
) -> ScanResult:
    firing_ips = {finding.dst_ip for outcome in outcomes for finding in outcome.findings}
    records_by_ip: dict[str, Record] = {
        record.DstIP: record for record in loaded.records if record.DstIP in firing_ips
    }
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return ScanResult(
        tool_version=__version__,
        generated_at=now.isoformat().replace("+00:00", "Z"),
        inputs=loaded.inputs,
        policy_files=policy_set.files,
        outcomes=outcomes,
        records_scanned=len(loaded.records),
        gate=decide_gate(outcomes, options.fail_on),
        records_by_ip=records_by_ip,
        partial_reason=loaded.partial_reason,
        lang=options.lang,
    )
