"""The scan command end to end: reports on disk, verdict on stderr, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli.main import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-export.json"
REFERENCE_EXAMPLE = ROOT / "examples" / "api-reference-example-response.json"


def scan(args: list[str], *, stdin: bytes = b"") -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["scan", *args, "--lang", "en"], stdin=io.BytesIO(stdin), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def results(output_dir: Path) -> dict:
    return json.loads((output_dir / "results.json").read_text(encoding="utf-8"))


def test_sample_fails_gate_and_writes_reports(tmp_path: Path) -> None:
    code, stdout, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path)])

    assert code == 1
    assert stdout == ""
    assert stderr.splitlines()[-1].startswith("FAILED: ")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["junit.xml", "report.html", "results.json"]
    assert results(tmp_path)["summary"]["verdict"] == "failed"


def test_fail_on_never_passes(tmp_path: Path) -> None:
    code, _, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path), "--fail-on", "never"])

    assert code == 0
    assert stderr.splitlines()[-1].startswith("PASSED: ")


def test_reference_example_incomplete_exits_2(tmp_path: Path) -> None:
    code, _, stderr = scan([str(REFERENCE_EXAMPLE), "--output-dir", str(tmp_path)])

    assert code == 2
    assert stderr == (
        "warning: 1 record has a DstIP that is not an IP address (such as 10.0.XX.XX); "
        "in_cidr conditions never match it and not_in_cidr conditions always do\n"
        f"error: {REFERENCE_EXAMPLE}: incomplete export: TotalCount is 50 but the input holds 1 record "
        "(49 missing). Export every page, or pass --allow-partial to scan what is there "
        "(every report then says it covers a partial export)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_allow_partial_marks_reports(tmp_path: Path) -> None:
    code, _, stderr = scan([str(REFERENCE_EXAMPLE), "--output-dir", str(tmp_path), "--allow-partial"])

    summary = results(tmp_path)["summary"]
    assert code in (0, 1)
    assert summary["partial"] is True
    assert "TotalCount is 50" in summary["partial_reason"]
    assert "Partial input" in stderr.splitlines()[-1]
    assert "partial" in (tmp_path / "report.html").read_text(encoding="utf-8").lower()
    assert "partial" in (tmp_path / "junit.xml").read_text(encoding="utf-8").lower()


def test_empty_input_passes_and_says_nothing_scanned(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text('{"TotalCount": 0, "RequestId": "R", "DstIPList": []}', encoding="utf-8")
    output = tmp_path / "out"

    code, _, stderr = scan([str(empty), "--output-dir", str(output)])

    assert code == 0
    assert stderr.splitlines()[-1] == "PASSED: nothing was scanned (the input holds 0 records)."
    assert results(output)["summary"]["empty_input"] is True


def test_stdin_input(tmp_path: Path) -> None:
    code, _, _ = scan(["-", "--output-dir", str(tmp_path), "--format", "json"], stdin=SAMPLE.read_bytes())

    assert code == 1
    assert results(tmp_path)["inputs"][0]["path"] == "-"


def test_format_json_only(tmp_path: Path) -> None:
    scan([str(SAMPLE), "--output-dir", str(tmp_path), "--format", "json"])

    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


def test_no_input_is_usage_error(tmp_path: Path) -> None:
    code, _, stderr = scan(["--output-dir", str(tmp_path)])

    assert code == 2
    assert stderr == "error: no input given; name an export file (or - for standard input), or use --fetch\n"


def test_unknown_format_rejected(tmp_path: Path) -> None:
    code, _, stderr = scan([str(SAMPLE), "--format", "html,pdf"])

    assert code == 2
    assert stderr.startswith("error: --format: unknown format pdf; use a comma-separated list of ")


def test_unknown_severity_rejected() -> None:
    code, _, stderr = scan([str(SAMPLE), "--severity", "critical,urgent"])

    assert code == 2
    assert stderr == "error: --severity: unknown severity urgent; use info, low, medium, high, critical\n"


def test_malformed_param_rejected() -> None:
    code, _, stderr = scan([str(SAMPLE), "--param", "threshold=5"])

    assert code == 2
    assert stderr == (
        "error: --param threshold=5: expected RULE_ID.NAME=VALUE, "
        "such as CFW-TRF-001.min_out_bytes=1048576\n"
    )


def test_invalid_policy_exits_2_before_reading_input(tmp_path: Path) -> None:
    policy = tmp_path / "bad.yaml"
    policy.write_text("rules:\n  - id: X-1\n    title: t\n    severity: urgent\n    when: {field: DstIP, equals: a}\n")

    code, _, stderr = scan([str(tmp_path / "missing.json"), "--policies", str(policy), "--output-dir", str(tmp_path)])

    assert code == 2
    assert f"{policy}:4:" in stderr
    assert "missing.json" not in stderr


def test_selection_skips_other_rules(tmp_path: Path) -> None:
    code, _, _ = scan([str(SAMPLE), "--output-dir", str(tmp_path), "--rule", "CFW-TI-*", "--format", "json"])

    statuses = {rule["id"]: rule["status"] for rule in results(tmp_path)["rules"]}
    assert code == 1
    assert all(status == "skipped" for rule_id, status in statuses.items() if not rule_id.startswith("CFW-TI-"))
    assert any(status == "failed" for rule_id, status in statuses.items() if rule_id.startswith("CFW-TI-"))


def test_unknown_subcommand_option_is_usage_error() -> None:
    code, _, stderr = scan([str(SAMPLE), "--no-such-option"])

    assert code == 2
    assert "unrecognized arguments: --no-such-option" in stderr


def test_python_dash_m_entry(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "checker", "scan", str(SAMPLE), "--output-dir", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 1
    assert (tmp_path / "results.json").exists()


@pytest.mark.parametrize("verbosity, expect_info", [("-v", True), ("-q", False)])
def test_verbosity_changes_diagnostics(tmp_path: Path, verbosity: str, expect_info: bool) -> None:
    _, _, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path), verbosity])

    assert ("wrote " in stderr) is expect_info


def test_enable_rule_turns_on_location_allow_list(tmp_path: Path) -> None:
    allowed = '["浙江省杭州市"]'

    code, _, _ = scan([
        str(SAMPLE), "--output-dir", str(tmp_path), "--format", "json", "--fail-on", "never",
        "--enable-rule", "CFW-GEO-001", "--param", f"CFW-GEO-001.allowed_locations={allowed}",
    ])

    document = results(tmp_path)
    geo = next(rule for rule in document["rules"] if rule["id"] == "CFW-GEO-001")
    fired = [finding for finding in document["findings"] if finding["rule_id"] == "CFW-GEO-001"]
    assert code == 0
    assert geo["status"] == "failed"
    assert fired
    assert all(finding["evidence"]["LocationName"] != "浙江省杭州市" for finding in fired)


def test_location_rule_skipped_by_default(tmp_path: Path) -> None:
    scan([str(SAMPLE), "--output-dir", str(tmp_path), "--format", "json"])

    geo = next(rule for rule in results(tmp_path)["rules"] if rule["id"] == "CFW-GEO-001")
    assert geo["status"] == "skipped"


def test_no_rule_left_is_input_error(tmp_path: Path) -> None:
    code, _, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path), "--skip-rule", "CFW-*"])

    assert code == 2
    assert stderr == (
        "error: no rule is left to evaluate: the selection options exclude every enabled rule; "
        "check --rule, --skip-rule, --tag, --skip-tag and --severity, and use --enable-rule "
        "for a rule that its file disables\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_disabled_rule_alone_is_input_error(tmp_path: Path) -> None:
    code, _, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path), "--rule", "CFW-GEO-001"])

    assert code == 2
    assert stderr.startswith("error: no rule is left to evaluate")


def test_fetch_options_without_fetch_rejected(tmp_path: Path) -> None:
    code, _, stderr = scan([str(SAMPLE), "--since", "24h", "--profile", "ci"])

    assert code == 2
    assert stderr == "error: --since, --profile only apply to a live fetch; add --fetch, or drop them to scan INPUT\n"


def test_reports_folder_named_on_stderr(tmp_path: Path) -> None:
    _, _, stderr = scan([str(SAMPLE), "--output-dir", str(tmp_path), "--format", "json,junit"])

    assert stderr.splitlines()[-2] == f"Reports in {tmp_path}: results.json, junit.xml"
