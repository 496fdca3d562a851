"""Baselines: new and existing findings by fingerprint, resolved findings, new-only gating."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema

from checker.reports import jsonreport

if TYPE_CHECKING:
    from conftest import Workspace


def marks(ws: Workspace, out: str = "after") -> dict[tuple[str, str], str | None]:
    return {(finding["rule_id"], finding["dst_ip"]): finding["baseline"] for finding in ws.results(out)["findings"]}


def two_scans(ws: Workspace, *args: str) -> tuple[int, str]:
    """Scan a first export into before/, then a changed export against it into after/."""
    before = ws.records("before.json", [ws.record("203.0.113.5"), ws.record("198.51.100.9", malicious=False)])
    after = ws.records("after.json", [ws.record("2001:DB8::0:7"), ws.record("203.0.113.5")])
    ws.scan(before, out="before")
    baseline = str(ws.root / "before" / "results.json")

    code, _, stderr = ws.scan(after, "--baseline", baseline, *args, out="after")
    return code, stderr


def test_findings_marked_new_or_existing(ws: Workspace) -> None:
    code, _ = two_scans(ws)

    assert code == 1
    assert marks(ws) == {
        ("T-MAL-001", "203.0.113.5"): "existing",
        ("T-UNC-002", "203.0.113.5"): "existing",
        ("T-MAL-001", "2001:DB8::0:7"): "new",
        ("T-UNC-002", "2001:DB8::0:7"): "new",
    }


def test_resolved_findings_listed(ws: Workspace) -> None:
    two_scans(ws)

    section = ws.results("after")["summary"]["baseline"]
    assert section["file"] == str(ws.root / "before" / "results.json")
    assert section["new"] == 2
    assert section["existing"] == 2
    assert section["fail_on_new_only"] is False
    assert [(item["rule_id"], item["dst_ip"], item["severity"]) for item in section["resolved"]] == [
        ("T-UNC-002", "198.51.100.9", "medium")
    ]
    jsonschema.Draft202012Validator(jsonreport.load_schema()).validate(ws.results("after"))


def test_verdict_counts_baseline(ws: Workspace) -> None:
    _, stderr = two_scans(ws)

    assert stderr.splitlines()[-1] == (
        "FAILED: 2 findings at or above high in 1 rule (worst: T-MAL-001, critical). "
        "2 records scanned, 2 rules evaluated. Against the baseline: 2 new, 2 existing, 1 resolved."
    )


def test_new_only_fails_on_new_finding(ws: Workspace) -> None:
    code, stderr = two_scans(ws, "--fail-on-new-only")

    assert code == 1
    assert ws.results("after")["summary"]["failing_findings"] == 1
    assert stderr.splitlines()[-1].startswith("FAILED: 1 new finding at or above high in 1 rule (worst: T-MAL-001, critical).")


def test_new_only_passes_on_existing_findings(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    ws.scan(records, out="before")
    baseline = str(ws.root / "before" / "results.json")

    plain, _, _ = ws.scan(records, "--baseline", baseline, out="after")
    new_only, _, stderr = ws.scan(records, "--baseline", baseline, "--fail-on-new-only", out="after")

    assert plain == 1
    assert new_only == 0
    assert stderr.splitlines()[-1] == (
        "PASSED: no new finding at or above high. 1 record scanned, 2 rules evaluated. "
        "Against the baseline: 0 new, 2 existing, 0 resolved."
    )


def test_skipped_rule_findings_not_resolved(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    ws.scan(records, out="before")
    baseline = str(ws.root / "before" / "results.json")

    ws.scan(records, "--baseline", baseline, "--rule", "T-MAL-001", out="after")

    assert ws.results("after")["summary"]["baseline"]["resolved"] == []


def test_new_only_without_baseline_is_usage_error(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])

    code, _, stderr = ws.scan(records, "--fail-on-new-only")

    assert code == 2
    assert stderr == "error: --fail-on-new-only needs --baseline: pass the results.json of an earlier scan\n"


def test_baseline_that_is_no_results_file(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])

    code, _, stderr = ws.scan(records, "--baseline", str(records))

    assert code == 2
    assert stderr == (
        f"error: {records}: not a valid results.json: Object missing required field `schema_version`; "
        "pass a results.json written by cfw-checker scan\n"
    )


def test_baseline_of_unknown_major_version(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    baseline = ws.write("old.json", json.dumps({"schema_version": "2.0", "findings": []}))

    code, _, stderr = ws.scan(records, "--baseline", str(baseline))

    assert code == 2
    assert stderr == f"error: {baseline}: unsupported schema_version '2.0'; this cfw-checker reads version 1.x\n"


def test_baseline_with_bad_finding(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    baseline = ws.write("bad.json", json.dumps({"schema_version": "1.0", "findings": [{"rule_id": 5}]}))

    code, _, stderr = ws.scan(records, "--baseline", str(baseline))

    assert code == 2
    assert stderr == (
        f"error: {baseline}: not a valid results.json: Expected `str`, got `int` - at `$.findings[0].rule_id`; "
        "pass a results.json written by cfw-checker scan\n"
    )


def test_waived_new_finding_does_not_fail_new_only(ws: Workspace) -> None:
    before = ws.records("before.json", [ws.record("203.0.113.5", uncovered=False)])
    after = ws.records("after.json", [ws.record("203.0.113.5", uncovered=False), ws.record("192.0.2.44", uncovered=False)])
    ws.scan(before, out="before")
    waivers = ws.write(
        "waivers.yaml",
        "waivers:\n  - id: W-1\n    rules: [T-MAL-001]\n    destinations: [192.0.2.44]\n"
        "    reason: lab\n    expires: 2999-01-01\n",
    )

    code, _, stderr = ws.scan(
        after, "--baseline", str(ws.root / "before" / "results.json"), "--fail-on-new-only",
        "--waivers", str(waivers), out="after",
    )

    assert code == 0
    assert marks(ws) == {("T-MAL-001", "192.0.2.44"): "new", ("T-MAL-001", "203.0.113.5"): "existing"}
    assert stderr.splitlines()[-1] == (
        "PASSED: no new finding at or above high. 2 records scanned, 2 rules evaluated. "
        "1 finding waived. Against the baseline: 1 new, 1 existing, 0 resolved."
    )
