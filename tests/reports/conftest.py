"""A builder of ScanResult values for the report tests, made by hand from the checker types."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from checker.findings import Finding, fingerprint
from checker.records import ApplicationPort, Record, Tag
from checker.result import Gate, InputInfo, RuleOutcome, RuleStatus, ScanResult
from checker.rules import PolicyFile, Rule, RuleText
from checker.severity import Severity


def digest(text: str) -> str:
    """Return the hex SHA-256 of ``text``, a stand-in for a file digest."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ScanBuilder:
    """Builder that collects policy files, rule outcomes and records, then makes one ScanResult."""

    policy_files: list[PolicyFile] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)
    inputs: list[InputInfo] = field(default_factory=list)

    def rule(
        self,
        rule_id: str,
        severity: Severity = Severity.HIGH,
        *,
        title: str = "",
        zh_title: str | None = None,
        references: tuple[str, ...] = (),
        enabled: bool = True,
        source: str = "policies/outbound.yaml",
    ) -> Rule:
        """Return a rule with English text (and Chinese text when ``zh_title`` is given)."""
        text = {"en": RuleText(title or f"Title of {rule_id}", f"Description of {rule_id}", f"Fix {rule_id}")}
        if zh_title is not None:
            text["zh"] = RuleText(zh_title, "中文描述", "中文修复建议")
        return Rule(
            id=rule_id,
            severity=severity,
            text=text,
            references=references,
            frameworks={"NIST-SP-800-53": ("SC-7",), "MLPS-2.0": ("8.1.3.2",)},
            tags=("threat-intel",),
            enabled=enabled,
            source=source,
            line=1,
        )

    def record(self, dst_ip: str, **fields: Any) -> Record:
        """Return a record with typical values, overridden by ``fields``, and keep it by DstIP."""
        values: dict[str, Any] = {
            "AclCoverage": "Uncovered",
            "HasAcl": False,
            "SessionCount": 12,
            "TotalBytes": 4096,
            "LocationName": "Singapore",
            "CategoryClassId": "Malicious",
            "TagList": [Tag(TagId="RiskIP", TagName="Risk IP", ClassId="Malicious", RiskLevel=3)],
            "ApplicationPortList": [ApplicationPort(Port=443, ApplicationName="HTTPS")],
        }
        values.update(fields)
        record = Record(DstIP=dst_ip, **values)
        self.records[dst_ip] = record
        return record

    def fire(self, rule: Rule, records: Iterable[Record], evidence: dict[str, Any] | None = None) -> RuleOutcome:
        """Add an outcome of ``rule`` with one finding per record: failed, or passed without records."""
        findings = tuple(
            Finding(
                rule_id=rule.id,
                severity=rule.severity,
                dst_ip=record.DstIP,
                fingerprint=fingerprint(rule.id, record.DstIP),
                evidence=evidence if evidence is not None else {"AclCoverage": record.AclCoverage},
            )
            for record in records
        )
        status = RuleStatus.FAILED if findings else RuleStatus.PASSED
        outcome = RuleOutcome(rule=rule, status=status, findings=findings)
        self.outcomes.append(outcome)
        return outcome

    def passing(self, rule: Rule) -> RuleOutcome:
        """Add a passed outcome of ``rule``."""
        outcome = RuleOutcome(rule=rule, status=RuleStatus.PASSED)
        self.outcomes.append(outcome)
        return outcome

    def skip(self, rule: Rule) -> RuleOutcome:
        """Add a skipped outcome of ``rule``."""
        outcome = RuleOutcome(rule=rule, status=RuleStatus.SKIPPED)
        self.outcomes.append(outcome)
        return outcome

    def policy_file(self, path: str, rules: Iterable[Rule]) -> PolicyFile:
        """Add a policy file that lists ``rules``."""
        policy_file = PolicyFile(path=path, sha256=digest(path), rules=tuple(rules))
        self.policy_files.append(policy_file)
        return policy_file

    def input(self, path: str = "export.json", records: int | None = None, **fields: Any) -> InputInfo:
        """Add an input that declares ``records`` records (by default, every record built)."""
        count = len(self.records) if records is None else records
        info = InputInfo(path=path, shape="response", sha256=digest(path), records=count, **fields)
        self.inputs.append(info)
        return info

    def result(
        self,
        *,
        fail_on: Severity | None = Severity.HIGH,
        records_scanned: int | None = None,
        partial_reason: str | None = None,
        lang: str = "en",
    ) -> ScanResult:
        """Build the ScanResult, with the gate computed from the outcomes as :class:`Gate` defines it."""
        if not self.policy_files:
            self.policy_file("policies/outbound.yaml", (outcome.rule for outcome in self.outcomes))
        scanned = len(self.records) if records_scanned is None else records_scanned
        return ScanResult(
            tool_version="0.1.0",
            generated_at="2024-05-01T08:30:00Z",
            inputs=tuple(self.inputs),
            policy_files=tuple(self.policy_files),
            outcomes=tuple(self.outcomes),
            records_scanned=scanned,
            gate=self._gate(fail_on),
            records_by_ip=dict(self.records),
            partial_reason=partial_reason,
            lang=lang,
        )

    def _gate(self, fail_on: Severity | None) -> Gate:
        if fail_on is None:
            return Gate(fail_on=None, failing=0, worst_rule=None)
        per_rule = {
            outcome.rule.id: [finding for finding in outcome.findings if finding.severity.at_least(fail_on)]
            for outcome in self.outcomes
        }
        failing = {rule_id: findings for rule_id, findings in per_rule.items() if findings}
        worst = max(
            failing,
            key=lambda rule_id: (max(finding.severity.rank for finding in failing[rule_id]), len(failing[rule_id])),
            default=None,
        )
        return Gate(fail_on=fail_on, failing=sum(len(findings) for findings in failing.values()), worst_rule=worst)


@pytest.fixture
def scan() -> ScanBuilder:
    """Return an empty builder for one scan."""
    return ScanBuilder()


@pytest.fixture
def sample(scan: ScanBuilder) -> ScanResult:
    """Return a failed scan: one critical rule with two findings, one passed, one skipped rule."""
    critical = scan.rule("CFW-TI-001", Severity.CRITICAL, title="Malicious destination not covered by an ACL")
    medium = scan.rule("CFW-ACL-002", Severity.MEDIUM)
    disabled = scan.rule("CFW-OLD-003", Severity.LOW, enabled=False)
    scan.fire(critical, [scan.record("203.0.113.7"), scan.record("2001:db8::1")])
    scan.passing(medium)
    scan.skip(disabled)
    scan.record("198.51.100.20")
    scan.input("export.json", request_ids=("REQ-1", "REQ-2"), declared_total=3)
    return scan.result()
