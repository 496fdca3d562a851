"""The ``results.json`` report: the versioned public contract that baseline, diff and other tools read.

The layout is described by ``checker/schemas/results.schema.json`` (JSON Schema draft
2020-12). Output is UTF-8 without ASCII escaping, indented, and deterministic: findings in
the order of :attr:`ScanResult.findings`, rules in outcome order.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any, BinaryIO

import msgspec

from checker.findings import Finding
from checker.result import SCHEMA_VERSION, InputInfo, RuleOutcome, RuleStatus, ScanResult, WaiverSummary
from checker.rules import PolicyFile
from checker.reports.verdict import verdict_line

TOOL_NAME = "cfw-checker"
SCHEMA_RESOURCE = "schemas/results.schema.json"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as the ``results.json`` document."""
    document = build_document(result)
    try:
        encoded = msgspec.json.encode(document)
    except UnicodeEncodeError:
        # A record read with a lenient JSON parser can contain a lone surrogate, which UTF-8
        # cannot encode. Replace it rather than fail the report on attacker-chosen text.
        encoded = msgspec.json.encode(_replace_lone_surrogates(msgspec.to_builtins(document)))
    stream.write(msgspec.json.format(encoded, indent=2))
    stream.write(b"\n")


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``results.json`` shipped with the package."""
    text = resources.files("checker").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def build_document(result: ScanResult) -> dict[str, Any]:
    """Return the ``results.json`` document of ``result`` as plain JSON values."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "generated_at": result.generated_at,
        "summary": _summary(result),
        "inputs": [_input(info) for info in result.inputs],
        "policy_files": [_policy_file(policy_file) for policy_file in result.policy_files],
        "rules": [_rule(outcome) for outcome in result.outcomes],
        "findings": [_finding(finding) for finding in result.findings],
    }


def _replace_lone_surrogates(value: Any) -> Any:
    """Return ``value`` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_lone_surrogates(key): _replace_lone_surrogates(item) for key, item in value.items()}
    return value


def _summary(result: ScanResult) -> dict[str, Any]:
    gate = result.gate
    statuses = [outcome.status for outcome in result.outcomes]
    by_severity = {severity.value: count for severity, count in result.counts_by_severity().items()}
    return {
        "verdict": "passed" if gate.passed else "failed",
        "verdict_line": verdict_line(result),
        "fail_on": gate.fail_on.value if gate.fail_on is not None else None,
        "failing_findings": gate.failing,
        "worst_rule": gate.worst_rule,
        "records_scanned": result.records_scanned,
        "empty_input": result.records_scanned == 0,
        "partial": result.partial_reason is not None,
        "partial_reason": result.partial_reason,
        "rules_evaluated": result.rules_evaluated,
        "rules_passed": statuses.count(RuleStatus.PASSED),
        "rules_failed": statuses.count(RuleStatus.FAILED),
        "rules_skipped": statuses.count(RuleStatus.SKIPPED),
        "findings": sum(by_severity.values()),
        "by_severity": by_severity,
        **_gate_input_sections(result),
    }


def _gate_input_sections(result: ScanResult) -> dict[str, Any]:
    """Return the ``waivers`` and ``baseline`` summary sections of the files the scan was given."""
    sections: dict[str, Any] = {}
    if result.waivers is not None:
        sections["waivers"] = {
            "file": result.waivers.file,
            "total": result.waivers.total,
            "ignored": result.waivers.ignored,
            "fail_on_expired": result.waivers.fail_on_expired,
            "waived_findings": result.waived_findings,
            "expired": [_waiver(waiver) for waiver in result.expired_waivers],
            "unused": [_waiver(waiver) for waiver in result.unused_waivers],
        }
    if result.baseline is not None:
        counts = result.baseline_counts()
        sections["baseline"] = {
            "file": result.baseline.file,
            "new": counts["new"],
            "existing": counts["existing"],
            "fail_on_new_only": result.gate.new_only,
            "resolved": [
                {
                    "rule_id": finding.rule_id,
                    "severity": finding.severity.value,
                    "dst_ip": finding.dst_ip,
                    "fingerprint": finding.fingerprint,
                }
                for finding in result.baseline.resolved
            ],
        }
    return sections


def _waiver(waiver: WaiverSummary) -> dict[str, Any]:
    return {
        "id": waiver.id,
        "expires": waiver.expires,
        "reason": waiver.reason,
        "owner": waiver.owner,
        "ticket": waiver.ticket,
    }


def _input(info: InputInfo) -> dict[str, Any]:
    return {
        "path": info.path,
        "shape": info.shape,
        "sha256": info.sha256,
        "records": info.records,
        "declared_total": info.declared_total,
        "request_ids": list(info.request_ids),
        "provenance": info.provenance,
        "duplicates_merged": info.duplicates_merged,
    }


def _policy_file(policy_file: PolicyFile) -> dict[str, Any]:
    return {
        "path": policy_file.path,
        "sha256": policy_file.sha256,
        "rules": [rule.id for rule in policy_file.rules],
    }


def _rule(outcome: RuleOutcome) -> dict[str, Any]:
    rule = outcome.rule
    return {
        "id": rule.id,
        # The English title, so that the contract does not change with --lang.
        "title": rule.title,
        "severity": rule.severity.value,
        "status": outcome.status.value,
        "findings": len(outcome.findings),
        "waived_findings": sum(1 for finding in outcome.findings if finding.waived_by is not None),
        "policy_file": rule.source,
        "frameworks": {name: list(controls) for name, controls in sorted(rule.frameworks.items())},
        "tags": list(rule.tags),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "dst_ip": finding.dst_ip,
        "fingerprint": finding.fingerprint,
        "evidence": finding.evidence,
        "waived_by": finding.waived_by,
        "baseline": finding.baseline,
    }
