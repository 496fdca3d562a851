"""results.sarif: valid against the OASIS SARIF 2.1.0 schema and shaped for GitHub code scanning."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from checker.reports import sarif
from checker.scan import ScanOptions, run_scan

if TYPE_CHECKING:
    from conftest import Workspace

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


@cache
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def validate(document: dict[str, Any]) -> None:
    # The OASIS schema declares JSON Schema draft-04.
    jsonschema.Draft4Validator(sarif_schema()).validate(document)


def scan_sarif(ws: Workspace, *args: str) -> dict[str, Any]:
    code, _, stderr = ws.run("scan", "export.json", "--policies", "policy.yaml", "--output-dir", "out", "--format", "sarif,json", *args)
    assert code in (0, 1), stderr
    document: dict[str, Any] = json.loads((ws.root / "out" / "results.sarif").read_text(encoding="utf-8"))
    validate(document)
    return document


@pytest.fixture
def in_workspace(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """Return the workspace with the working folder set to it and an export with two destinations."""
    monkeypatch.chdir(ws.root)
    ws.records("export.json", [ws.record("203.0.113.5", uncovered=False), ws.record("2001:db8::7")])
    return ws


def test_log_is_valid_sarif(in_workspace: Workspace) -> None:
    document = scan_sarif(in_workspace)

    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    assert document["runs"][0]["tool"]["driver"]["name"] == "cfw-checker"


def test_rules_carry_help_and_severity(in_workspace: Workspace) -> None:
    rules = scan_sarif(in_workspace)["runs"][0]["tool"]["driver"]["rules"]

    assert [rule["id"] for rule in rules] == ["T-MAL-001", "T-UNC-002"]
    assert rules[0]["shortDescription"] == {"text": "Malicious destination"}
    assert rules[0]["help"]["text"] == "Malicious destination"
    assert rules[0]["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert rules[0]["properties"]["security-severity"] == "9.5"
    assert rules[0]["properties"]["tags"] == ["security"]
    assert rules[1]["defaultConfiguration"]["level"] == "warning"
    assert rules[1]["properties"]["security-severity"] == "5.5"


def test_results_point_at_input_and_destination(in_workspace: Workspace) -> None:
    results = scan_sarif(in_workspace)["runs"][0]["results"]

    first = results[0]
    assert (first["ruleId"], first["ruleIndex"], first["level"]) == ("T-MAL-001", 0, "error")
    assert first["message"]["text"] == "Malicious destination: 2001:db8::7"
    location = first["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "export.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }
    assert location["logicalLocations"] == [
        {"name": "2001:db8::7", "fullyQualifiedName": "DstIP/2001:db8::7", "kind": "resource"}
    ]
    assert [(result["ruleId"], result["level"]) for result in results] == [
        ("T-MAL-001", "error"),
        ("T-MAL-001", "error"),
        ("T-UNC-002", "warning"),
    ]


def test_partial_fingerprints_are_stable(in_workspace: Workspace) -> None:
    first = scan_sarif(in_workspace)["runs"][0]["results"]
    second = scan_sarif(in_workspace)["runs"][0]["results"]
    findings = json.loads((in_workspace.root / "out" / "results.json").read_text(encoding="utf-8"))["findings"]

    assert [result["partialFingerprints"] for result in first] == [result["partialFingerprints"] for result in second]
    assert [result["partialFingerprints"][sarif.FINGERPRINT_KEY] for result in first] == [
        finding["fingerprint"] for finding in findings
    ]


def test_input_outside_working_folder(ws: Workspace, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))

    ws.run("scan", str(records), "--policies", str(ws.policy), "--output-dir", str(ws.root / "out"), "--format", "sarif")

    document = json.loads((ws.root / "out" / "results.sarif").read_text(encoding="utf-8"))
    validate(document)
    artifact = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": records.as_uri()}


def test_waived_result_is_suppressed(in_workspace: Workspace) -> None:
    in_workspace.write(
        "waivers.yaml",
        "waivers:\n  - id: W-1\n    rules: [T-MAL-001]\n    destinations: [203.0.113.5]\n"
        "    reason: lab\n    owner: secops\n    expires: 2999-01-31\n",
    )

    results = scan_sarif(in_workspace, "--waivers", "waivers.yaml")["runs"][0]["results"]

    suppressed = [result for result in results if "suppressions" in result]
    assert len(suppressed) == 1
    assert suppressed[0]["locations"][0]["logicalLocations"][0]["name"] == "203.0.113.5"
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waived by W-1 until 2999-01-31T23:59:59Z",
            "properties": {"waiverId": "W-1", "expires": "2999-01-31T23:59:59Z", "owner": "secops"},
        }
    ]
    assert results[-1] is suppressed[0]


def test_baseline_state_with_baseline(in_workspace: Workspace) -> None:
    scan_sarif(in_workspace)
    (in_workspace.root / "out" / "results.json").rename(in_workspace.root / "before.json")
    in_workspace.records("export.json", [in_workspace.record("203.0.113.5", uncovered=False), in_workspace.record("192.0.2.9")])

    results = scan_sarif(in_workspace, "--baseline", "before.json")["runs"][0]["results"]

    states = {(result["ruleId"], result["properties"]["dstIp"]): result["baselineState"] for result in results}
    assert states == {
        ("T-MAL-001", "192.0.2.9"): "new",
        ("T-MAL-001", "203.0.113.5"): "unchanged",
        ("T-UNC-002", "192.0.2.9"): "new",
    }


def test_no_baseline_state_without_baseline(in_workspace: Workspace) -> None:
    results = scan_sarif(in_workspace)["runs"][0]["results"]

    assert all("baselineState" not in result for result in results)


def test_results_capped_and_logged(in_workspace: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    result = run_scan(ScanOptions(inputs=["export.json"], policies=["policy.yaml"]))

    with caplog.at_level(logging.WARNING, logger="checker.reports.sarif"):
        document = sarif.build_log(result, max_results=2)

    validate(document)
    run = document["runs"][0]
    assert len(run["results"]) == 2
    assert run["properties"]["resultsOmitted"] == 1
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == (
        "1 of 3 results left out, because GitHub code scanning accepts at most 2 results per run; "
        "results.json lists every finding."
    )
    assert caplog.messages == [
        "the SARIF report lists 2 of 3 findings and leaves out 1, because GitHub code scanning accepts "
        "at most 2 results per run; the JSON report has all of them"
    ]


def test_cap_is_githubs_limit() -> None:
    assert sarif.MAX_RESULTS == 25_000


def test_builtin_pack_log_is_valid(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "examples" / "sample-export.json"
    result = run_scan(ScanOptions(inputs=[str(sample)]))

    document = sarif.build_log(result)

    validate(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("https://") for rule in rules)
    assert all(len(rule["properties"]["tags"]) <= sarif.MAX_TAGS for rule in rules)
    assert len(document["runs"][0]["results"]) == len(result.findings)
