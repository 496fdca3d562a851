"""Waivers end to end: matching, expiry, unused and expired lists, the gate, --ignore-waivers."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import jsonschema
import pytest

from checker.reports import jsonreport
from checker.scan import ScanOptions, run_scan

if TYPE_CHECKING:
    from conftest import Workspace

FUTURE = "2999-12-31"
PAST = "2000-01-01"


def waiver(waiver_id: str, destinations: str, *, rules: str = "[T-MAL-001, T-UNC-002]", expires: str = FUTURE, extra: str = "") -> str:
    """Return one waiver entry of a waivers file."""
    text = (
        f"  - id: {waiver_id}\n"
        f"    rules: {rules}\n"
        f"    destinations: {destinations}\n"
        f"    reason: accepted for the test\n"
        f"    owner: secops\n"
        f"    expires: {expires}\n"
    )
    return text + "".join(f"    {line}\n" for line in extra.splitlines())


def waived_by(ws: Workspace) -> dict[tuple[str, str], str | None]:
    return {(finding["rule_id"], finding["dst_ip"]): finding["waived_by"] for finding in ws.results()["findings"]}


def test_waived_findings_kept_and_gate_passes(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.0/24]"))

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    document = ws.results()
    assert code == 0
    assert waived_by(ws) == {("T-MAL-001", "203.0.113.5"): "W-1", ("T-UNC-002", "203.0.113.5"): "W-1"}
    assert [rule["status"] for rule in document["rules"]] == ["passed", "passed"]
    assert [rule["waived_findings"] for rule in document["rules"]] == [1, 1]
    assert document["summary"]["failing_findings"] == 0
    assert document["summary"]["findings"] == 2
    assert document["summary"]["waivers"]["waived_findings"] == 2
    assert stderr.splitlines()[-1].startswith("PASSED: ")


def test_unwaived_rule_still_fails(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.5]", rules="[T-UNC-002]"))

    code, _, _ = ws.scan(records, "--waivers", str(waivers))

    assert code == 1
    assert waived_by(ws) == {("T-MAL-001", "203.0.113.5"): None, ("T-UNC-002", "203.0.113.5"): "W-1"}
    assert [rule["status"] for rule in ws.results()["rules"]] == ["failed", "passed"]


@pytest.mark.parametrize(
    ("dst_ip", "destination", "waived"),
    [
        ("203.0.113.5", "203.0.113.5", True),
        ("203.0.113.5", "203.0.113.0/24", True),
        ("203.0.114.5", "203.0.113.0/24", False),
        ("2001:db8::10", "2001:db8::/64", True),
        ("2001:DB8:0::10", "2001:db8::10", True),
        ("2001:db9::10", "2001:db8::/32", False),
        ("::ffff:203.0.113.5", "203.0.113.0/24", True),
        ("203.0.113.5", "::ffff:203.0.113.0/120", True),
        ("203.0.113.5", "2001:db8::/32", False),
        ("10.0.XX.XX", "10.0.0.0/8", False),
    ],
)
def test_destination_matching(ws: Workspace, dst_ip: str, destination: str, waived: bool) -> None:
    records = ws.records("export.json", [ws.record(dst_ip, uncovered=False)])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", f'["{destination}"]'))

    code, _, _ = ws.scan(records, "--waivers", str(waivers))

    assert waived_by(ws) == {("T-MAL-001", dst_ip): "W-1" if waived else None}
    assert code == (0 if waived else 1)


@pytest.mark.parametrize(
    ("conditions", "waived"),
    [
        ("ports: [8080, 443]", True),
        ("ports: [22]", False),
        ("applications: [https]", True),
        ("applications: [SSH]", False),
        ("ports: [443]\napplications: [HTTPS]", True),
        ("ports: [443]\napplications: [SSH]", False),
        ("ports: [22]\napplications: [HTTPS]", False),
    ],
)
def test_port_and_application_conditions(ws: Workspace, conditions: str, waived: bool) -> None:
    records = ws.records("export.json", [ws.record("198.51.100.7", uncovered=False, ports=((443, "HTTPS"), (8443, "SSL")))])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[198.51.100.7]", extra=conditions))

    ws.scan(records, "--waivers", str(waivers))

    assert waived_by(ws) == {("T-MAL-001", "198.51.100.7"): "W-1" if waived else None}


def test_all_rules_waives_every_rule(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    text = (
        "waivers:\n  - id: W-ALL\n    all_rules: true\n    destinations: [203.0.113.5]\n"
        "    reason: decommissioned host\n    expires: 2999-01-01\n"
    )
    waivers = ws.write("waivers.yaml", text)

    code, _, _ = ws.scan(records, "--waivers", str(waivers))

    assert code == 0
    assert set(waived_by(ws).values()) == {"W-ALL"}


def test_first_matching_waiver_wins(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.0/24]") + waiver("W-2", "[203.0.113.5]"))

    ws.scan(records, "--waivers", str(waivers))

    assert waived_by(ws) == {("T-MAL-001", "203.0.113.5"): "W-1"}
    assert [item["id"] for item in ws.results()["summary"]["waivers"]["unused"]] == ["W-2"]


def test_expired_and_unused_waivers_listed(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    text = "waivers:\n" + waiver("W-OLD", "[203.0.113.5]", expires=PAST) + waiver("W-IDLE", "[192.0.2.1]")
    waivers = ws.write("waivers.yaml", text)

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    section = ws.results()["summary"]["waivers"]
    assert code == 1
    assert waived_by(ws) == {("T-MAL-001", "203.0.113.5"): None}
    assert section["expired"] == [
        {"id": "W-OLD", "expires": "2000-01-01T23:59:59Z", "reason": "accepted for the test", "owner": "secops", "ticket": None}
    ]
    assert [item["id"] for item in section["unused"]] == ["W-IDLE"]
    assert "warning: waiver W-OLD expired at 2000-01-01T23:59:59Z; it no longer applies" in stderr


def test_fail_on_expired_waivers(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    text = "waivers:\n" + waiver("W-1", "[203.0.113.5]") + waiver("W-OLD", "[192.0.2.1]", expires=PAST)
    waivers = ws.write("waivers.yaml", text)

    without_flag, _, _ = ws.scan(records, "--waivers", str(waivers))
    with_flag, _, stderr = ws.scan(records, "--waivers", str(waivers), "--fail-on-expired-waivers")

    assert without_flag == 0
    assert with_flag == 1
    assert ws.results()["summary"]["verdict"] == "failed"
    assert ws.results()["summary"]["waivers"]["fail_on_expired"] is True
    assert stderr.splitlines()[-1].startswith("FAILED: 1 waiver expired (W-OLD) and --fail-on-expired-waivers is set.")


def test_ignore_waivers_shows_everything(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.5]"))

    code, _, _ = ws.scan(records, "--waivers", str(waivers), "--ignore-waivers")

    section = ws.results()["summary"]["waivers"]
    assert code == 1
    assert set(waived_by(ws).values()) == {None}
    assert section["ignored"] is True
    assert section["unused"] == []


def test_results_with_waivers_match_schema(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5"), ws.record("198.51.100.1")])
    text = "waivers:\n" + waiver("W-1", "[203.0.113.5]") + waiver("W-OLD", "[192.0.2.1]", expires=PAST)
    waivers = ws.write("waivers.yaml", text)

    ws.scan(records, "--waivers", str(waivers))

    jsonschema.Draft202012Validator(jsonreport.load_schema()).validate(ws.results())


def scan_at(ws: Workspace, expires: str, now: datetime.datetime) -> str | None:
    """Scan one finding with one waiver at the time ``now`` and return its waived_by."""
    records = ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.5]", expires=expires))
    options = ScanOptions(inputs=[str(records)], policies=[str(ws.policy)], waivers=str(waivers), clock=lambda: now)

    result = run_scan(options)

    (finding,) = result.findings
    return finding.waived_by


def utc(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.timezone.utc)


def test_date_expiry_is_end_of_day_utc(ws: Workspace) -> None:
    assert scan_at(ws, "2025-06-30", utc(2025, 6, 30, 23, 59, 59)) == "W-1"
    assert scan_at(ws, "2025-06-30", utc(2025, 7, 1, 0, 0, 0)) is None


def test_datetime_expiry_honours_offset(ws: Workspace) -> None:
    # 18:00 at +08:00 is 10:00 UTC.
    assert scan_at(ws, "2025-06-30T18:00:00+08:00", utc(2025, 6, 30, 10, 0, 0)) == "W-1"
    assert scan_at(ws, "2025-06-30T18:00:00+08:00", utc(2025, 6, 30, 10, 0, 1)) is None
    assert scan_at(ws, "2025-06-30T10:00:00Z", utc(2025, 6, 30, 9, 59, 59)) == "W-1"


def test_waived_finding_carries_waiver_details(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    waivers = ws.write("waivers.yaml", "waivers:\n" + waiver("W-1", "[203.0.113.5]", expires="2030-01-31"))
    options = ScanOptions(inputs=[str(records)], policies=[str(ws.policy)], waivers=str(waivers))

    (finding,) = run_scan(options).findings

    assert finding.waived_by == "W-1"
    assert finding.waiver_expires == "2030-01-31T23:59:59Z"
    assert finding.waiver_owner == "secops"


def test_yaml11_text_kept_as_written(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5", ports=((8080, "No"),))])
    waivers = ws.write(
        "waivers.yaml",
        "waivers:\n" + waiver("0777", "[203.0.113.5]", rules="[T-MAL-001]", extra="applications: [no]\nticket: 1:10"),
    )
    options = ScanOptions(inputs=[str(records)], policies=[str(ws.policy)], waivers=str(waivers))

    findings = {finding.rule_id: finding for finding in run_scan(options).findings}

    assert findings["T-MAL-001"].waived_by == "0777"
    assert findings["T-UNC-002"].waived_by is None
