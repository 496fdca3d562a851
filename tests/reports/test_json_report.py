"""Tests of results.json: the schema, determinism, Chinese text, empty and partial input."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from checker.reports import jsonreport
from checker.result import SCHEMA_VERSION, ScanResult
from checker.severity import Severity

if TYPE_CHECKING:
    from conftest import ScanBuilder


def render(result: ScanResult) -> bytes:
    stream = io.BytesIO()
    jsonreport.write(result, stream)
    return stream.getvalue()


def load(result: ScanResult) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(result).decode("utf-8"))
    return document


def validate(document: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(checked_schema()).validate(document)


def checked_schema() -> dict[str, Any]:
    schema = jsonreport.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_schema_version_matches_contract() -> None:
    assert jsonreport.load_schema()["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_sample_document_is_valid(sample: ScanResult) -> None:
    validate(load(sample))


def test_summary_counts(sample: ScanResult) -> None:
    summary = load(sample)["summary"]

    assert summary == {
        "verdict": "failed",
        "verdict_line": (
            "FAILED: 2 findings at or above high in 1 rule (worst: CFW-TI-001, critical). "
            "3 records scanned, 2 rules evaluated."
        ),
        "fail_on": "high",
        "failing_findings": 2,
        "worst_rule": "CFW-TI-001",
        "records_scanned": 3,
        "empty_input": False,
        "partial": False,
        "partial_reason": None,
        "rules_evaluated": 2,
        "rules_passed": 1,
        "rules_failed": 1,
        "rules_skipped": 1,
        "findings": 2,
        "by_severity": {"critical": 2, "high": 0, "medium": 0, "low": 0, "info": 0},
    }


def test_rules_in_outcome_order(sample: ScanResult) -> None:
    rules = load(sample)["rules"]

    assert [(rule["id"], rule["status"], rule["findings"]) for rule in rules] == [
        ("CFW-TI-001", "failed", 2),
        ("CFW-ACL-002", "passed", 0),
        ("CFW-OLD-003", "skipped", 0),
    ]
    assert rules[0]["title"] == "Malicious destination not covered by an ACL"
    assert rules[0]["policy_file"] == "policies/outbound.yaml"
    assert rules[0]["frameworks"] == {"MLPS-2.0": ["8.1.3.2"], "NIST-SP-800-53": ["SC-7"]}
    assert rules[0]["tags"] == ["threat-intel"]


def test_findings_sorted_by_severity(scan: ScanBuilder) -> None:
    low = scan.rule("CFW-LOW-001", Severity.LOW)
    critical = scan.rule("CFW-TI-001", Severity.CRITICAL)
    scan.fire(low, [scan.record("198.51.100.1")])
    scan.fire(critical, [scan.record("203.0.113.9"), scan.record("203.0.113.1")])

    findings = load(scan.result())["findings"]

    assert [(finding["rule_id"], finding["dst_ip"]) for finding in findings] == [
        ("CFW-TI-001", "203.0.113.1"),
        ("CFW-TI-001", "203.0.113.9"),
        ("CFW-LOW-001", "198.51.100.1"),
    ]
    assert findings[0]["severity"] == "critical"
    assert findings[0]["evidence"] == {"AclCoverage": "Uncovered"}
    assert len(findings[0]["fingerprint"]) == 32


def test_output_is_deterministic(sample: ScanResult) -> None:
    assert render(sample) == render(sample)


def test_inputs_and_policy_files(sample: ScanResult) -> None:
    document = load(sample)

    assert document["inputs"] == [
        {
            "path": "export.json",
            "shape": "response",
            "sha256": sample.inputs[0].sha256,
            "records": 3,
            "declared_total": 3,
            "request_ids": ["REQ-1", "REQ-2"],
            "provenance": None,
            "duplicates_merged": 0,
        }
    ]
    assert document["policy_files"] == [
        {
            "path": "policies/outbound.yaml",
            "sha256": sample.policy_files[0].sha256,
            "rules": ["CFW-TI-001", "CFW-ACL-002", "CFW-OLD-003"],
        }
    ]


def test_header_fields(sample: ScanResult) -> None:
    document = load(sample)

    assert list(document) == [
        "schema_version",
        "tool",
        "generated_at",
        "summary",
        "inputs",
        "policy_files",
        "rules",
        "findings",
    ]
    assert document["schema_version"] == "1.1"
    assert document["tool"] == {"name": "cfw-checker", "version": "0.1.0"}
    assert document["generated_at"] == "2024-05-01T08:30:00Z"


@pytest.mark.parametrize("field", ["schema_version", "summary", "findings"])
def test_missing_top_field_fails(sample: ScanResult, field: str) -> None:
    document = load(sample)
    del document[field]

    with pytest.raises(jsonschema.ValidationError, match=f"'{field}' is a required property"):
        validate(document)


def test_missing_summary_field_fails(sample: ScanResult) -> None:
    document = load(sample)
    del document["summary"]["rules_skipped"]

    with pytest.raises(jsonschema.ValidationError, match="'rules_skipped' is a required property"):
        validate(document)


def test_unknown_summary_field_fails(sample: ScanResult) -> None:
    document = load(sample)
    document["summary"]["waived"] = 0

    with pytest.raises(jsonschema.ValidationError, match="Additional properties are not allowed"):
        validate(document)


def test_chinese_text_round_trip(scan: ScanBuilder) -> None:
    rule = scan.rule("CFW-TI-001", Severity.CRITICAL)
    record = scan.record("203.0.113.7", LocationName="中国 杭州", CategoryName="恶意地址")
    scan.fire(rule, [record], evidence={"LocationName": record.LocationName, "TagName": ["矿池", "僵尸网络"]})
    scan.input("导出/记录.json", provenance={"端点": "本地"})

    raw = render(scan.result())
    document = json.loads(raw.decode("utf-8"))

    assert "中国 杭州".encode() in raw
    assert b"\\u" not in raw
    assert document["findings"][0]["evidence"] == {"LocationName": "中国 杭州", "TagName": ["矿池", "僵尸网络"]}
    assert document["inputs"][0]["path"] == "导出/记录.json"
    assert document["inputs"][0]["provenance"] == {"端点": "本地"}
    validate(document)


def test_empty_input_document(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))
    scan.input("empty.json", records=0, declared_total=0)

    document = load(scan.result(records_scanned=0))

    validate(document)
    assert document["summary"]["empty_input"] is True
    assert document["summary"]["verdict"] == "passed"
    assert document["summary"]["verdict_line"] == "PASSED: nothing was scanned (the input holds 0 records)."
    assert document["findings"] == []


def test_partial_input_document(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record("203.0.113.7")])

    document = load(scan.result(partial_reason="TotalCount is 20 but 1 record was read"))

    validate(document)
    assert document["summary"]["partial"] is True
    assert document["summary"]["partial_reason"] == "TotalCount is 20 but 1 record was read"


def test_gate_off_document(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record("203.0.113.7")])

    document = load(scan.result(fail_on=None))

    validate(document)
    assert document["summary"]["fail_on"] is None
    assert document["summary"]["verdict"] == "passed"
    assert document["summary"]["worst_rule"] is None


def test_lone_surrogate_is_replaced(scan: ScanBuilder) -> None:
    record = scan.record("203.0.113.7", LocationName="bad\ud800text")
    scan.fire(scan.rule("CFW-TI-001"), [record], evidence={"LocationName": record.LocationName})

    document = load(scan.result())

    assert document["findings"][0]["evidence"] == {"LocationName": "bad\ufffdtext"}
