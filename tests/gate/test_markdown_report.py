"""summary.md: verdict, counts by severity, waiver and baseline sections, capped findings table."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from checker.reports import markdown
from checker.scan import ScanOptions, run_scan

if TYPE_CHECKING:
    from conftest import Workspace


def summary(ws: Workspace, *args: str) -> str:
    records = ws.root / "export.json"
    code, _, stderr = ws.scan(records, "--format", "markdown", *args)
    assert code in (0, 1), stderr
    return (ws.root / "out" / "summary.md").read_text(encoding="utf-8")


def test_verdict_and_severity_counts(ws: Workspace) -> None:
    ws.records("export.json", [ws.record("203.0.113.5"), ws.record("198.51.100.9", malicious=False)])

    text = summary(ws)

    assert text.startswith("## cfw-checker: failed\n\n> FAILED: 1 finding at or above high in 1 rule")
    assert "| Severity | Findings | Failing the gate | Waived |\n|---|---:|---:|---:|\n| critical | 1 | 1 | 0 |\n| high | 0 | 0 | 0 |\n| medium | 2 | 0 | 0 |" in text


def test_findings_table_rows(ws: Workspace) -> None:
    ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])

    text = summary(ws)

    assert text.endswith(
        "### Findings\n\n| Severity | Rule | Destination | Location | Status |\n|---|---|---|---|---|\n"
        "| critical | T-MAL-001 Malicious destination | 203.0.113.5 |  |  |\n"
    )


def test_new_findings_listed_first(ws: Workspace) -> None:
    ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    summary(ws, "--format", "markdown,json")
    (ws.root / "out" / "results.json").rename(ws.root / "before.json")
    ws.records("export.json", [ws.record("203.0.113.5", uncovered=False), ws.record("192.0.2.9", malicious=False)])

    text = summary(ws, "--baseline", str(ws.root / "before.json"))

    rows = [line for line in text.splitlines() if line.startswith("| ") and "T-" in line]
    assert rows == [
        "| medium | T-UNC-002 Uncovered destination | 192.0.2.9 |  | **new** |",
        "| critical | T-MAL-001 Malicious destination | 203.0.113.5 |  | existing |",
    ]
    assert "### Compared with the baseline\n\n1 new, 1 existing, 0 resolved." in text


def test_waiver_section_lists_expired_and_unused(ws: Workspace) -> None:
    ws.records("export.json", [ws.record("203.0.113.5", uncovered=False)])
    ws.write(
        "waivers.yaml",
        "waivers:\n"
        "  - {id: W-1, rules: [T-MAL-001], destinations: [203.0.113.5], reason: lab, expires: 2999-01-31}\n"
        "  - {id: W-OLD, rules: [T-MAL-001], destinations: [192.0.2.1], reason: old, owner: '@secops', expires: 2001-01-31}\n"
        "  - {id: W-IDLE, rules: [T-UNC-002], destinations: [192.0.2.2], reason: idle, ticket: SEC-9, expires: 2999-01-31}\n",
    )

    text = summary(ws, "--waivers", str(ws.root / "waivers.yaml"))

    assert "### Waivers\n\n1 finding waived.\n\n" in text
    assert "**Expired (no longer applied)**\n\n- **W-OLD** until 2001-01-31T23:59:59Z, owner @\u200bsecops: old" in text
    assert "**Unused (matched no finding)**\n\n- **W-IDLE** until 2999-01-31T23:59:59Z, ticket SEC-9: idle" in text
    assert "| critical | T-MAL-001 Malicious destination | 203.0.113.5 |  | waived by W-1 |" in text


def test_record_text_is_escaped(ws: Workspace) -> None:
    hostile = ws.record("203.0.113.5", uncovered=False)
    hostile["LocationName"] = "a|b <script>x</script> [link](https://example.com) @team\nnext"
    ws.records("export.json", [hostile])

    text = summary(ws)

    assert "a\\|b \\<script\\>x\\</script\\> \\[link\\]\\(https://example.com\\) @\u200bteam next" in text
    assert "<script>" not in text


def test_table_is_capped(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    records = ws.records("export.json", [ws.record(f"198.51.100.{index}", uncovered=False) for index in range(5)])
    monkeypatch.setattr(markdown, "MAX_ROWS", 2)

    text = markdown.render(run_scan(ScanOptions(inputs=[str(records)], policies=[str(ws.policy)])))

    assert len([line for line in text.splitlines() if line.startswith("| critical | T-MAL-001")]) == 2
    assert text.endswith("\n\n3 more findings are not shown; results.json and report.html list every finding.\n")


def test_empty_scan_says_no_findings(ws: Workspace) -> None:
    ws.records("export.json", [ws.record("203.0.113.5", malicious=False, uncovered=False)])

    text = summary(ws)

    assert text.startswith("## cfw-checker: passed\n\n> PASSED: no finding at or above high.")
    assert text.endswith("### Findings\n\nNo findings.\n")


def test_partial_pass_is_a_warning(ws: Workspace) -> None:
    record = ws.record("203.0.113.5", malicious=False, uncovered=False)
    ws.write("export.json", json.dumps({"RequestId": "REQ-1", "TotalCount": 4, "DstIPList": [record]}))

    text = summary(ws, "--allow-partial")

    path = markdown.escape_text(str(ws.root / "export.json"))
    assert text.startswith(
        "## cfw-checker: PASSED on partial input\n\n> [!WARNING]\n> PASSED: no finding at or above high. "
        f"1 record scanned, 2 rules evaluated. Partial input: {path}: incomplete export: TotalCount is 4 "
        "but the input holds 1 record \\(3 missing\\).\n"
    )
