"""The scan pipeline: policies, records, evaluation, gate. No I/O besides reading inputs."""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from checker import __version__
from checker.baseline import StoredResults, compare_with_baseline, read_results
from checker.errors import InputError
from checker.findings import Finding
from checker.i18n import _
from checker.parallel import EvaluatedInputs, RuleSelection, evaluate_inputs
from checker.records import Record
from checker.result import BaselineComparison, Gate, RuleOutcome, RuleStatus, ScanResult, WaiverUse
from checker.rules import PolicySet, Rule
from checker.severity import Severity
from checker.sources.file import DEFAULT_CHUNK_RECORDS
from checker.waivers import WaiverFile, WaiverOutcome, apply_waivers, load_waivers


def utc_now() -> datetime.datetime:
    """Return the current time in UTC, as an aware datetime."""
    return datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class ScanOptions:
    """Options of one scan: the inputs, the rules, the waivers and baseline, and the gate."""

    inputs: Sequence[str]
    policies: Sequence[str] = ("builtin",)
    param_overrides: Mapping[str, str] = field(default_factory=dict)
    rules: Sequence[str] = ()
    skip_rules: Sequence[str] = ()
    tags: Sequence[str] = ()
    skip_tags: Sequence[str] = ()
    severities: Sequence[Severity] = ()
    #: Ids or globs of rules to evaluate although their file disables them.
    enable_rules: Sequence[str] = ()
    #: Lowest severity that fails the gate; None turns the gate off.
    fail_on: Severity | None = Severity.HIGH
    allow_partial: bool = False
    lang: str = "en"
    #: Waivers file to apply, or None.
    waivers: str | None = None
    #: Validate the waivers file but apply none of its waivers (for audits).
    ignore_waivers: bool = False
    #: An expired waiver fails the gate.
    fail_on_expired_waivers: bool = False
    #: Earlier ``results.json`` that marks findings new or existing, or None.
    baseline: str | None = None
    #: Only findings new against the baseline count for the gate.
    fail_on_new_only: bool = False
    #: Source of the current time, for waiver expiry and ``generated_at``; tests pass a fixed one.
    clock: Callable[[], datetime.datetime] = utc_now
    #: Worker processes that evaluate the records; None picks one per CPU for large inputs.
    jobs: int | None = None
    #: Records decoded and evaluated at a time; the findings do not depend on it.
    chunk_records: int = DEFAULT_CHUNK_RECORDS


@dataclass(frozen=True)
class _GateInputs:
    """The waivers file and the baseline of a run, read before any record."""

    waiver_file: WaiverFile | None
    baseline: StoredResults | None


def run_scan(options: ScanOptions, *, stdin: BinaryIO | None = None) -> ScanResult:
    """Load policies, waivers, baseline and records, evaluate every selected rule, and decide the gate.

    Policies, waivers and the baseline load first, so a broken file fails before any input
    is read. Raises :class:`checker.errors.InputError` on policy, waiver or input errors.
    """
    started = time.perf_counter()
    # Workers compile their rules from the same selection, so both sides agree.
    policy_set, selected = _rule_selection(options).load()
    if not selected:
        # A gate that evaluates nothing would pass whatever the records hold.
        raise InputError(
            _(
                "no rule is left to evaluate: the selection options exclude every enabled rule; "
                "check --rule, --skip-rule, --tag, --skip-tag and --severity, and use --enable-rule "
                "for a rule that its file disables"
            )
        )
    gate_inputs = _read_gate_inputs(options, policy_set)
    scanned = evaluate_inputs(
        options.inputs,
        stdin=stdin,
        allow_partial=options.allow_partial,
        rules=selected,
        selection=_rule_selection(options),
        jobs=options.jobs,
        chunk_records=options.chunk_records,
    )
    findings = scanned.findings
    records_by_ip = scanned.records_by_ip
    now = options.clock()
    waived = _apply_waivers(options, gate_inputs.waiver_file, findings, records_by_ip, now)
    findings = waived.findings if waived is not None else findings
    comparison = None
    if gate_inputs.baseline is not None and options.baseline is not None:
        evaluated = {rule.id for rule in selected}
        findings, comparison = compare_with_baseline(findings, options.baseline, gate_inputs.baseline, evaluated)

    findings_by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        findings_by_rule[finding.rule_id].append(finding)
    outcomes = _outcomes(policy_set, selected, findings_by_rule)
    result = _result(options, policy_set, scanned, outcomes, now)
    result = _with_gate_inputs(result, options, gate_inputs, waived, comparison)
    return dataclasses.replace(result, duration_seconds=time.perf_counter() - started)


def _rule_selection(options: ScanOptions) -> RuleSelection:
    return RuleSelection(
        policies=tuple(options.policies),
        param_overrides=dict(options.param_overrides),
        rules=tuple(options.rules),
        skip_rules=tuple(options.skip_rules),
        tags=tuple(options.tags),
        skip_tags=tuple(options.skip_tags),
        severities=tuple(options.severities),
        enable=tuple(options.enable_rules),
    )


def _read_gate_inputs(options: ScanOptions, policy_set: PolicySet) -> _GateInputs:
    if options.fail_on_new_only and options.baseline is None:
        raise InputError(_("--fail-on-new-only needs --baseline: pass the results.json of an earlier scan"))
    waiver_file = None
    if options.waivers is not None:
        waiver_file = load_waivers(options.waivers, [rule.id for rule in policy_set.rules])
    baseline = read_results(options.baseline) if options.baseline is not None else None
    return _GateInputs(waiver_file, baseline)


def _apply_waivers(
    options: ScanOptions,
    waiver_file: WaiverFile | None,
    findings: list[Finding],
    records_by_ip: Mapping[str, Record],
    now: datetime.datetime,
) -> WaiverOutcome | None:
    if waiver_file is None or options.ignore_waivers:
        return None
    return apply_waivers(findings, records_by_ip, waiver_file.waivers, now)


def _with_gate_inputs(
    result: ScanResult,
    options: ScanOptions,
    gate_inputs: _GateInputs,
    waived: WaiverOutcome | None,
    comparison: BaselineComparison | None,
) -> ScanResult:
    """Add the waiver and baseline sections to ``result`` and decide the gate with them."""
    waiver_use = None
    if gate_inputs.waiver_file is not None and options.waivers is not None:
        waiver_use = WaiverUse(
            file=options.waivers,
            total=len(gate_inputs.waiver_file.waivers),
            ignored=options.ignore_waivers,
            fail_on_expired=options.fail_on_expired_waivers,
        )
    expired = tuple(waiver.summary() for waiver in waived.expired) if waived is not None else ()
    unused = tuple(waiver.summary() for waiver in waived.unused) if waived is not None else ()
    gate = decide_gate(
        result.outcomes,
        options.fail_on,
        new_only=options.fail_on_new_only,
        expired_waivers=len(expired) if options.fail_on_expired_waivers else 0,
    )
    return dataclasses.replace(
        result, gate=gate, waivers=waiver_use, baseline=comparison, expired_waivers=expired, unused_waivers=unused
    )


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
        # A rule whose findings are all waived passes; its findings stay in the reports.
        unwaived = any(finding.waived_by is None for finding in findings)
        status = RuleStatus.FAILED if unwaived else RuleStatus.PASSED
        outcomes.append(RuleOutcome(rule, status, findings))
    return tuple(outcomes)


def decide_gate(
    outcomes: Sequence[RuleOutcome],
    fail_on: Severity | None,
    *,
    new_only: bool = False,
    expired_waivers: int = 0,
) -> Gate:
    """Count the findings that count against the gate and name the worst rule among them.

    Waived findings never count; with ``new_only`` only findings marked ``new`` against
    the baseline count. ``expired_waivers`` is the number of expired waivers that fail the
    gate on their own (``--fail-on-expired-waivers``), whatever ``fail_on`` is.
    """
    if fail_on is None:
        return Gate(fail_on=None, failing=0, worst_rule=None, new_only=new_only, expired_waivers=expired_waivers)

    rules = Gate(fail_on=fail_on, failing=0, worst_rule=None, new_only=new_only)
    failing = 0
    worst: tuple[int, int, str] | None = None
    for outcome in outcomes:
        count = sum(1 for finding in outcome.findings if rules.counts(finding))
        if not count:
            continue
        failing += count
        key = (outcome.rule.severity.rank, count, outcome.rule.id)
        if worst is None or key[:2] > worst[:2]:
            worst = key
    return dataclasses.replace(
        rules, failing=failing, worst_rule=worst[2] if worst else None, expired_waivers=expired_waivers
    )


def _result(
    options: ScanOptions,
    policy_set: PolicySet,
    scanned: EvaluatedInputs,
    outcomes: tuple[RuleOutcome, ...],
    now: datetime.datetime,
) -> ScanResult:
    finished = now.astimezone(datetime.timezone.utc).replace(microsecond=0)
    return ScanResult(
        tool_version=__version__,
        generated_at=finished.isoformat().replace("+00:00", "Z"),
        inputs=scanned.inputs,
        policy_files=policy_set.files,
        outcomes=outcomes,
        records_scanned=scanned.records_scanned,
        gate=decide_gate(outcomes, options.fail_on),
        records_by_ip=scanned.records_by_ip,
        partial_reason=scanned.partial_reason,
        lang=options.lang,
    )
