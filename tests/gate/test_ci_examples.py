"""The CI examples in examples/ci: parseable, pointing at the right report paths, real options."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from checker.cli.main import build_parser

CI = Path(__file__).resolve().parents[2] / "examples" / "ci"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((CI / name).read_text(encoding="utf-8"))
    return document


def scan_options() -> set[str]:
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command")
    scan = getattr(commands, "choices")["scan"]
    return {option for action in scan._actions for option in action.option_strings}


def options_in(text: str) -> set[str]:
    """Return the --options given to cfw-checker scan in ``text``."""
    found: set[str] = set()
    for command in re.findall(r"cfw-checker scan (.*?)(?:;|'''|\n\s*\n|\n\s*code=|$)", text, flags=re.S):
        found.update(re.findall(r"(--[a-z][a-z-]+)", command))
    return found


def test_github_workflow_uploads_reports() -> None:
    workflow = load("github-actions.yml")
    steps = workflow["jobs"]["gate"]["steps"]
    by_name = {step.get("name"): step for step in steps}

    upload = by_name["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "reports/results.sarif"
    assert upload["if"] == "always()"
    summary = by_name["Write the step summary"]
    assert summary["run"] == 'cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"'
    assert summary["if"] == "always()"
    assert "--output-dir reports" in by_name["Scan the export"]["run"]
    assert "sarif" in by_name["Scan the export"]["run"]
    assert workflow["permissions"]["security-events"] == "write"


def test_github_workflow_separates_exit_codes() -> None:
    steps = load("github-actions.yml")["jobs"]["gate"]["steps"]
    gate = next(step for step in steps if step.get("name") == "Fail the job on the gate")

    assert "1) echo" in gate["run"]
    assert "gate broken" in gate["run"]


def test_gitlab_job_publishes_junit() -> None:
    job = load("gitlab-ci.yml")["cfw-checker"]

    assert job["artifacts"]["reports"]["junit"] == "reports/junit.xml"
    assert job["artifacts"]["when"] == "always"
    script = "\n".join(job["script"])
    assert "--output-dir reports" in script
    assert "--format junit" in script
    assert 'exit "$code"' in script


def test_jenkinsfile_publishes_junit_even_on_failure() -> None:
    text = (CI / "Jenkinsfile").read_text(encoding="utf-8")

    assert "returnStatus: true" in text
    assert re.search(r"post \{\s*always \{\s*junit testResults: 'reports/junit.xml", text)
    assert "code == 1" in text


def test_examples_use_real_scan_options() -> None:
    known = scan_options()

    for name in ("github-actions.yml", "gitlab-ci.yml", "Jenkinsfile"):
        used = options_in((CI / name).read_text(encoding="utf-8"))
        assert used, name
        assert used <= known, f"{name}: unknown options {sorted(used - known)}"
