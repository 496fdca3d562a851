"""cfw-checker diff: findings by fingerprint, record changes, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Workspace


def sides(ws: Workspace) -> tuple[Path, Path]:
    """Write a before and an after export that differ in every way diff reports."""
    tagged = ws.record("203.0.113.5", uncovered=False)
    tagged["TagList"] = [{"TagId": "RiskIP", "ClassId": "Malicious", "RiskLevel": 3}]
    retagged = dict(tagged, TagList=[{"TagId": "C&C", "ClassId": "Malicious", "RiskLevel": 3}])
    before = ws.records("before.json", [tagged, ws.record("198.51.100.9", malicious=False)])
    after = ws.records(
        "after.json",
        [retagged, ws.record("198.51.100.9", malicious=False, uncovered=False), ws.record("192.0.2.44")],
    )
    return before, after


def diff(ws: Workspace, before: Path, after: Path, *args: str) -> tuple[int, str, str]:
    return ws.run("diff", str(before), str(after), "--policies", str(ws.policy), *args)


def test_records_diff_text(ws: Workspace) -> None:
    before, after = sides(ws)

    code, stdout, _ = diff(ws, before, after)

    assert code == 1
    assert stdout == (
        f"before: {before} (records)\n"
        f"after: {after} (records)\n"
        "\n"
        "New findings (2):\n"
        "  critical T-MAL-001  192.0.2.44\n"
        "  medium   T-UNC-002  192.0.2.44\n"
        "\n"
        "Resolved findings (1):\n"
        "  medium   T-UNC-002  198.51.100.9\n"
        "\n"
        "Unchanged findings: 1\n"
        "\n"
        "New destinations (1):\n"
        "  192.0.2.44\n"
        "Destinations no longer seen (0):\n"
        "Changed destinations (2):\n"
        "  198.51.100.9: ACL coverage Uncovered -> FullCoverage\n"
        "  203.0.113.5: tags gained C&C; tags lost RiskIP\n"
        "\n"
        "2 new, 1 resolved, 1 unchanged findings. 1 new at or above high.\n"
    )


def test_json_has_top_level_lists(ws: Workspace) -> None:
    before, after = sides(ws)

    code, stdout, stderr = diff(ws, before, after, "--format", "json")

    document: dict[str, Any] = json.loads(stdout)
    assert code == 1
    assert stderr == ""
    assert [(item["rule_id"], item["dst_ip"]) for item in document["new"]] == [
        ("T-MAL-001", "192.0.2.44"),
        ("T-UNC-002", "192.0.2.44"),
    ]
    assert [(item["rule_id"], item["dst_ip"]) for item in document["resolved"]] == [("T-UNC-002", "198.51.100.9")]
    assert [(item["rule_id"], item["dst_ip"]) for item in document["unchanged"]] == [("T-MAL-001", "203.0.113.5")]
    assert document["failing"] == 1
    assert document["records"]["new_destinations"] == ["192.0.2.44"]
    assert document["records"]["changed"][0] == {
        "dst_ip": "198.51.100.9",
        "acl_coverage": {"before": "Uncovered", "after": "FullCoverage"},
        "tags_gained": [],
        "tags_lost": [],
    }


def test_results_files_have_no_record_changes(ws: Workspace) -> None:
    before, after = sides(ws)
    ws.scan(before, out="b")
    ws.scan(after, out="a")

    code, stdout, _ = diff(ws, ws.root / "b" / "results.json", ws.root / "a" / "results.json", "--format", "json")
    _, text, _ = diff(ws, ws.root / "b" / "results.json", after)

    document = json.loads(stdout)
    assert code == 1
    assert document["before"]["kind"] == "results"
    assert document["records"] is None
    assert len(document["new"]) == 2
    assert "Record changes are not shown: they need the records, and at least one side is a results.json." in text


def test_fail_on_threshold(ws: Workspace) -> None:
    before = ws.records("before.json", [ws.record("203.0.113.5")])
    after = ws.records("after.json", [ws.record("203.0.113.5"), ws.record("192.0.2.44", malicious=False)])

    high, _, _ = diff(ws, before, after)
    medium, _, _ = diff(ws, before, after, "--fail-on", "medium")
    never, _, _ = diff(ws, before, after, "--fail-on", "never")

    assert high == 0
    assert medium == 1
    assert never == 0


def test_waived_new_finding_does_not_fail(ws: Workspace) -> None:
    before = ws.records("before.json", [ws.record("203.0.113.5", uncovered=False)])
    after = ws.records("after.json", [ws.record("203.0.113.5", uncovered=False), ws.record("192.0.2.44", uncovered=False)])
    waivers = ws.write(
        "waivers.yaml",
        "waivers:\n  - {id: W-1, rules: [T-MAL-001], destinations: [192.0.2.44], reason: lab, expires: 2999-01-01}\n",
    )

    code, stdout, _ = diff(ws, before, after, "--waivers", str(waivers))

    assert code == 0
    assert "  critical T-MAL-001  192.0.2.44  (waived by W-1)\n" in stdout


def test_markdown_and_html_escape_values(ws: Workspace) -> None:
    before = ws.records("before.json", [])
    after = ws.records("after.json", [ws.record("<b>x</b>|@team", uncovered=False)])

    _, markdown, _ = diff(ws, before, after, "--format", "markdown")
    _, page, _ = diff(ws, before, after, "--format", "html")

    assert "| critical | T-MAL-001 | \\<b\\>x\\</b\\>\\|@\u200bteam |  |" in markdown
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;|@team" in page
    assert page.startswith("<!DOCTYPE html>")


def test_missing_side_exits_2(ws: Workspace) -> None:
    before = ws.records("before.json", [])

    code, stdout, stderr = diff(ws, before, ws.root / "nope.json")

    assert code == 2
    assert stdout == ""
    assert stderr.startswith(f"error: {ws.root / 'nope.json'}: ")


def partial_export(ws: Workspace, name: str, records: list[dict[str, Any]], total: int) -> Path:
    """Write an export whose TotalCount promises more records than it holds."""
    return ws.write(name, json.dumps({"RequestId": "REQ-2", "TotalCount": total, "DstIPList": records}))


def test_partial_results_side_exits_2(ws: Workspace) -> None:
    full = ws.records("full.json", [ws.record("203.0.113.5"), ws.record("192.0.2.44")])
    part = partial_export(ws, "part.json", [ws.record("203.0.113.5")], total=2)
    ws.scan(full, out="b")
    ws.scan(part, "--allow-partial", out="a")
    after = ws.root / "a" / "results.json"

    code, stdout, stderr = diff(ws, ws.root / "b" / "results.json", after)

    assert code == 2
    assert stdout == ""
    assert stderr == (
        "error: cannot compare: a side may be missing findings, so findings would show as resolved or new "
        "only because records are missing. Compare complete scans, or pass --allow-partial to compare "
        "anyway with a warning in the output:\n"
        f"  AFTER {after} is partial: {part}: incomplete export: TotalCount is 2 but the input holds "
        "1 record (1 missing)\n"
    )


def test_partial_side_allowed_with_warning(ws: Workspace) -> None:
    full = ws.records("full.json", [ws.record("203.0.113.5"), ws.record("192.0.2.44")])
    part = partial_export(ws, "part.json", [ws.record("203.0.113.5")], total=2)
    ws.scan(part, "--allow-partial", out="a")
    after = ws.root / "a" / "results.json"

    code, stdout, _ = diff(ws, full, after, "--allow-partial")
    _, markdown, _ = diff(ws, full, after, "--allow-partial", "--format", "markdown")
    _, document, _ = diff(ws, full, after, "--allow-partial", "--format", "json")

    warning = (
        f"Warning: AFTER {after} is partial: {part}: incomplete export: TotalCount is 2 but the input "
        "holds 1 record (1 missing). Findings missing from that side may show as resolved or new."
    )
    assert code == 0
    assert stdout.startswith(f"before: {full} (records)\nafter: {after} (results)\n{warning}\n\n")
    assert "2 new, 0 resolved" not in stdout
    assert "0 new, 2 resolved, 2 unchanged findings. 0 new at or above high.\n" in stdout
    assert "Warning: AFTER " in markdown
    assert json.loads(document)["incomplete"] == [warning.removeprefix("Warning: ").split(". Findings")[0]]


def test_partial_records_side_names_option(ws: Workspace) -> None:
    before = ws.records("before.json", [ws.record("203.0.113.5")])
    part = partial_export(ws, "part.json", [ws.record("203.0.113.5")], total=3)

    code, _, stderr = diff(ws, before, part)
    allowed, stdout, warnings = diff(ws, before, part, "--allow-partial")

    assert code == 2
    assert stderr == (
        f"error: {part}: incomplete export: TotalCount is 3 but the input holds 1 record (2 missing). "
        "Export every page, or pass --allow-partial to scan what is there (every report then says it "
        "covers a partial export)\n"
    )
    assert allowed == 0
    assert f"Warning: AFTER {part} is partial: {part}: incomplete export: TotalCount is 3" in stdout
    assert warnings.count("incomplete export") == 1


def test_skipped_rules_not_compared(ws: Workspace) -> None:
    records = ws.records("records.json", [ws.record("203.0.113.5"), ws.record("192.0.2.44")])
    ws.scan(records, out="all")
    ws.scan(records, "--rule", "T-UNC-002", out="some")
    everything, some = ws.root / "all" / "results.json", ws.root / "some" / "results.json"

    code, stdout, _ = diff(ws, everything, some)
    _, document, _ = diff(ws, everything, some, "--format", "json")

    parsed = json.loads(document)
    assert code == 0
    assert "Resolved findings (0):\n" in stdout
    assert (
        "Not compared: 2 findings of rules that were not evaluated on both sides (T-MAL-001), "
        "so they are neither new nor resolved. Scan both sides with the same rules to compare them.\n"
    ) in stdout
    assert stdout.endswith("0 new, 0 resolved, 2 unchanged findings. 2 findings not compared. 0 new at or above high.\n")
    assert parsed["resolved"] == []
    assert parsed["not_compared"]["rules"] == ["T-MAL-001"]
    assert len(parsed["not_compared"]["findings"]) == 2


def test_rule_new_on_after_not_compared(ws: Workspace) -> None:
    records = ws.records("records.json", [ws.record("203.0.113.5")])
    ws.scan(records, "--rule", "T-UNC-002", out="some")

    code, stdout, _ = diff(ws, ws.root / "some" / "results.json", records)

    assert code == 0
    assert stdout.endswith("0 new, 0 resolved, 1 unchanged findings. 1 finding not compared. 0 new at or above high.\n")


def test_empty_after_exits_2(ws: Workspace) -> None:
    before = ws.records("before.json", [ws.record("203.0.113.5")])
    empty = ws.records("empty.json", [])

    code, stdout, stderr = diff(ws, before, empty)
    allowed, text, _ = diff(ws, before, empty, "--allow-partial")
    both_empty, _, _ = diff(ws, empty, empty)

    assert code == 2
    assert stdout == ""
    assert stderr.endswith(
        f"\n  AFTER {empty} contains no records, so every finding of BEFORE would count as resolved\n"
    )
    assert allowed == 0
    assert (
        f"Warning: AFTER {empty} contains no records, so every finding of BEFORE would count as resolved. "
        "Findings missing from that side may show as resolved or new.\n"
    ) in text
    assert both_empty == 0


def test_table_headers_follow_language(ws: Workspace) -> None:
    before = ws.records("before.json", [])
    after = ws.records("after.json", [ws.record("192.0.2.44", uncovered=False)])

    _, markdown, _ = ws.run("diff", str(before), str(after), "--policies", str(ws.policy), "--format", "markdown", lang="zh")
    _, page, _ = ws.run("diff", str(before), str(after), "--policies", str(ws.policy), "--format", "html", lang="zh")

    assert "| 严重级别 | 规则 | 目的地址 | 豁免 |\n|---|---|---|---|\n| critical | T-MAL-001 | 192.0.2.44 |  |" in markdown
    assert "<thead><tr><th>严重级别</th><th>规则</th><th>目的地址</th><th>豁免</th></tr></thead>" in page
    assert "severity" not in markdown
    assert "<th>severity</th>" not in page
    assert "。 " not in markdown
