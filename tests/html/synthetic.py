"""Scan results for the browser tests and the HTML benchmark, built without evaluating rules.

``large_result`` pairs the built-in rules with records from ``examples/generate_sample.py``
(the API's value sets, Chinese location names, IPv6), so a page of 100,000 findings looks
like a real one. ``hostile_result`` puts script-injection payloads into every text field.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import msgspec

from checker.findings import Finding, fingerprint
from checker.records import AddressGroup, ApplicationPort, Record, Tag
from checker.result import Gate, InputInfo, RuleOutcome, RuleStatus, ScanResult
from checker.rules import PolicyFile, Rule, RuleText, load_policies
from checker.severity import Severity

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "examples"))
from generate_sample import generate_records  # noqa: E402

#: Rules that fire on each record of :func:`large_result`.
FINDINGS_PER_RECORD = 2
SEED = 20240501


def large_result(findings: int, *, lang: str = "en") -> ScanResult:
    """Return a failed scan with ``findings`` findings, two per generated record, over the built-in rules."""
    policy_set = load_policies(["builtin"])
    rules = list(policy_set.rules)
    raw_records = generate_records(random.Random(SEED), (findings + FINDINGS_PER_RECORD - 1) // FINDINGS_PER_RECORD)
    records = msgspec.convert(raw_records, list[Record], strict=False)

    by_rule: dict[str, list[Finding]] = {rule.id: [] for rule in rules}
    created = 0
    for position, record in enumerate(records):
        first = position % len(rules)
        # A second, different rule: the offset runs from 1 to len(rules) - 1.
        second = (first + 1 + (position // len(rules)) % (len(rules) - 1)) % len(rules)
        for rule in (rules[first], rules[second])[: findings - created]:
            by_rule[rule.id].append(_finding(rule, record))
            created += 1

    outcomes = tuple(_outcome(rule, by_rule[rule.id]) for rule in rules)
    return _result(policy_set.files, outcomes, {record.DstIP: record for record in records}, lang)


def hostile_result(payloads: Sequence[str], *, lang: str = "en") -> ScanResult:
    """Return a scan whose records, rule texts, waivers and provenance are all ``payloads``.

    Record ``i`` gets ``payloads[i]`` in every text field, DstIP included.
    """
    rule = Rule(
        id="CFW-XSS-001",
        severity=Severity.CRITICAL,
        text={
            "en": RuleText(payloads[0], payloads[-1], payloads[0]),
            "zh": RuleText(payloads[-1], payloads[0], payloads[-1]),
        },
        references=("javascript:window.__pwned=1", "https://127.0.0.1/?q=" + payloads[0]),
        frameworks={payloads[0]: (payloads[-1],)},
        source="hostile.yaml",
        line=1,
    )
    records = [_hostile_record(payload) for payload in payloads]
    findings = [
        msgspec.structs.replace(
            _finding(rule, record),
            evidence={"RuleName": record.RuleName, "TagList": [msgspec.to_builtins(record.TagList[0])]},
            waived_by=record.RuleName,
            waiver_owner=record.RuleName,
            waiver_expires=record.RuleName,
            baseline=record.RuleName,
        )
        for record in records
    ]
    outcome = _outcome(rule, findings)
    policy_file = PolicyFile(path=payloads[0], sha256="0" * 64, rules=(rule,))
    result = _result((policy_file,), (outcome,), {record.DstIP: record for record in records}, lang)
    info = InputInfo(
        path=payloads[-1], shape="snapshot", sha256="1" * 64, records=len(records),
        provenance={"endpoint": payloads[0], "time_window": {"start_iso": payloads[0], "end_iso": payloads[-1]},
                    payloads[0]: payloads[-1]},
    )
    return dataclasses.replace(result, inputs=(info,), partial_reason=payloads[0])


def _hostile_record(payload: str) -> Record:
    tag = Tag(TagId=payload, TagName=payload, TagDescribe=payload, ClassId=payload, RiskLevel=3)
    port = ApplicationPort(Port=443, ApplicationName=payload, UnknownReason=[payload])
    group = AddressGroup(AddressGroupUUID=payload, AddressGroupName=payload)
    texts = {
        name: payload
        for name in (
            "AclCoverage", "AclStatus", "AclRecommendDetail", "SecurityReason", "CategoryName", "LocationName",
            "RuleName", "RuleId", "GroupName", "CategoryId", "CategoryClassId", "SecuritySuggest",
        )
    }
    return Record(DstIP=payload, TagList=[tag], ApplicationPortList=[port], AddressGroupList=[group], **texts)


def _finding(rule: Rule, record: Record) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        dst_ip=record.DstIP,
        fingerprint=fingerprint(rule.id, record.DstIP),
        evidence={"AclCoverage": record.AclCoverage, "SessionCount": record.SessionCount},
    )


def _outcome(rule: Rule, findings: list[Finding]) -> RuleOutcome:
    status = RuleStatus.FAILED if findings else RuleStatus.PASSED
    return RuleOutcome(rule=rule, status=status, findings=tuple(findings))


def _result(
    policy_files: Sequence[PolicyFile], outcomes: tuple[RuleOutcome, ...], records: dict[str, Record], lang: str
) -> ScanResult:
    failing = {
        outcome.rule.id: sum(1 for finding in outcome.findings if finding.severity.at_least(Severity.HIGH))
        for outcome in outcomes
    }
    worst = max(
        (outcome for outcome in outcomes if failing[outcome.rule.id]),
        key=lambda outcome: (outcome.rule.severity.rank, failing[outcome.rule.id]),
        default=None,
    )
    gate = Gate(fail_on=Severity.HIGH, failing=sum(failing.values()), worst_rule=worst.rule.id if worst else None)
    return ScanResult(
        tool_version="0.1.0",
        generated_at="2024-05-01T08:30:00Z",
        inputs=(InputInfo(path="synthetic.json", shape="response", sha256="2" * 64, records=len(records)),),
        policy_files=tuple(policy_files),
        outcomes=outcomes,
        records_scanned=len(records),
        gate=gate,
        records_by_ip=records,
        lang=lang,
    )
