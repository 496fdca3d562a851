"""cfw-checker policies test, validate, list and docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import xmlschema

from checker import policytests
from checker.cli import policies_command

if TYPE_CHECKING:
    from conftest import Workspace

ROOT = Path(__file__).resolve().parents[2]
XSD_PATH = ROOT / "tests" / "reports" / "data" / "jenkins-junit.xsd"

CASES = """\
tests:
  - name: malicious fires
    records:
      - {DstIP: 203.0.113.5, CategoryClassId: Malicious}
    expect:
      fire: [T-MAL-001]
  - name: covered is quiet
    records:
      - {DstIP: 203.0.113.6, AclCoverage: FullCoverage, CategoryClassId: Malicious}
    expect:
      not_fire: [T-MAL-001]
"""


def policy_folder(ws: Workspace, cases: str = CASES) -> Path:
    folder = ws.root / "pack"
    ws.write("pack/rules.yaml", ws.policy.read_text(encoding="utf-8"))
    ws.write("pack/tests/rules.test.yaml", cases)
    return folder


def test_builtin_pack_tests_pass(ws: Workspace) -> None:
    code, stdout, stderr = ws.run("policies", "test", "builtin")

    assert code == 0, stdout + stderr
    assert stdout == f"{len(policytests.load_cases('builtin'))} passed, 0 failed\n"


def test_failing_case_reported(ws: Workspace) -> None:
    folder = policy_folder(ws)

    code, stdout, _ = ws.run("policies", "test", str(folder))

    assert code == 1
    assert stdout == (
        f"FAILED {folder}/tests/rules.test.yaml::covered is quiet - T-MAL-001 fired; fired: [T-MAL-001]\n"
        "1 passed, 1 failed\n"
    )


def test_all_passing_folder(ws: Workspace) -> None:
    folder = policy_folder(ws, CASES.replace("not_fire: [T-MAL-001]", "not_fire: [T-UNC-002]"))

    code, stdout, _ = ws.run("policies", "test", str(folder))

    assert code == 0
    assert stdout == "2 passed, 0 failed\n"


def test_junit_output_is_valid(ws: Workspace) -> None:
    folder = policy_folder(ws)
    junit = ws.root / "policy-tests.xml"

    ws.run("policies", "test", str(folder), "--junit", str(junit))

    xmlschema.XMLSchema(XSD_PATH).validate(str(junit))
    text = junit.read_text(encoding="utf-8")
    assert 'tests="2" failures="1"' in text
    assert 'name="covered is quiet"' in text
    assert 'message="T-MAL-001 fired; fired: [T-MAL-001]"' in text


def test_invalid_test_file_exits_2(ws: Workspace) -> None:
    folder = policy_folder(ws, CASES.replace("fire: [T-MAL-001]\n  - name: covered", "fire: [T-MAL-009]\n  - name: covered"))

    code, _, stderr = ws.run("policies", "test", str(folder))

    assert code == 2
    assert stderr == (
        "error: 1 problem in the policy test files\n"
        f"  {folder}/tests/rules.test.yaml:2: test 'malicious fires': unknown rule ids T-MAL-009; "
        "check them with 'cfw-checker policies list'\n"
    )


def test_invalid_record_names_field(ws: Workspace) -> None:
    cases = CASES.replace(
        "      - {DstIP: 203.0.113.6, AclCoverage: FullCoverage, CategoryClassId: Malicious}\n",
        "      - {DstIP: 203.0.113.6}\n      - {DstIP: 203.0.113.7, SessionCount: x, TagList: [{RiskLevel: high}]}\n",
    )
    folder = policy_folder(ws, cases)

    code, _, stderr = ws.run("policies", "test", str(folder))

    assert code == 2
    assert stderr == (
        "error: 1 problem in the policy test files\n"
        f"  {folder}/tests/rules.test.yaml:10: test 'covered is quiet': records[1].SessionCount: "
        'expected integer, got string "x"\n'
    )


def test_folder_without_tests_exits_2(ws: Workspace) -> None:
    folder = ws.root / "bare"
    ws.write("bare/rules.yaml", ws.policy.read_text(encoding="utf-8"))

    code, _, stderr = ws.run("policies", "test", str(folder))

    assert code == 2
    assert stderr == f"error: {folder}: no policy tests found; put *.test.yaml files in its tests folder\n"


def test_validate_good_policy(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "validate", str(ws.policy))

    assert code == 0
    assert stdout == "2 rules in 1 policy file are valid\n"


def test_validate_lists_every_problem(ws: Workspace) -> None:
    bad = ws.write(
        "bad.yaml",
        "rules:\n  - id: X-1\n    title: t\n    severity: urgent\n    when: {field: DstIP, equals: a}\n"
        "  - id: X-2\n    title: t\n    severity: low\n    when: {field: NoSuchField, equals: a}\n",
    )

    code, stdout, stderr = ws.run("policies", "validate", str(bad))

    assert code == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert lines[0] == f"error: {bad}: 2 problems; nothing was evaluated"
    assert lines[1].startswith(f"  {bad}:4:")
    assert lines[2].startswith(f"  {bad}:9:")


def test_list_table(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "list", str(ws.policy))

    assert code == 0
    assert stdout.splitlines() == [
        "ID         SEVERITY  TITLE                  FRAMEWORKS",
        "T-MAL-001  critical  Malicious destination",
        "T-UNC-002  medium    Uncovered destination",
    ]


def test_list_json_builtin(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "list", "--format", "json")

    rules = json.loads(stdout)
    assert code == 0
    assert len(rules) >= 15
    first = rules[0]
    assert set(first) == {"id", "severity", "title", "frameworks", "tags", "enabled", "policy_file"}
    assert first["policy_file"].startswith("builtin:")
    assert [rule["id"] for rule in rules if not rule["enabled"]] == ["CFW-GEO-001"]


def test_docs_cover_every_rule(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "docs", str(ws.policy))

    assert code == 0
    assert stdout.startswith("# Rules\n")
    assert "## T-MAL-001\n\n**Malicious destination**\n\n- Severity: critical" in stdout
    assert "## T-UNC-002\n" in stdout


def test_builtin_rules_doc_is_up_to_date(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "docs")

    assert code == 0
    committed = (ROOT / "docs" / "builtin-rules.md").read_text(encoding="utf-8")
    assert stdout == committed, "docs/builtin-rules.md is stale; run: cfw-checker policies docs --output docs/builtin-rules.md"


def test_list_table_in_chinese(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "list", lang="zh")

    lines = stdout.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "严重级别", "标题", "合规框架"]
    assert "CFW-TI-001     critical  恶意目的地址未被访问控制策略覆盖" in stdout
    assert "Malicious destination not covered" not in stdout


def test_list_columns_align_in_chinese(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "list", lang="zh")

    starts = {policies_command.display_width(line.split("ISO-27001")[0]) for line in stdout.splitlines()[1:] if "ISO-27001" in line}
    assert code == 0
    assert len(starts) == 1


def test_docs_in_chinese(ws: Workspace) -> None:
    code, stdout, _ = ws.run("policies", "docs", lang="zh")

    assert code == 0
    assert stdout.startswith("# 内置规则\n\n由 `cfw-checker policies docs` 生成，请勿手动编辑。\n\n| 编号 | 严重级别 | 标题 | 策略文件 |\n")
    assert "## CFW-TI-001\n\n**恶意目的地址未被访问控制策略覆盖**\n\n- 严重级别：critical\n- 策略文件：`builtin:threat-intel.yaml`\n" in stdout
    assert "- 参数 `min_sessions`：`1`（用 `--param CFW-TI-001.min_sessions=VALUE` 覆盖）\n" in stdout
    assert "\n**处置建议。** 在云防火墙控制台" in stdout
    assert "\n参考资料：\n" in stdout
    assert "Generated by" not in stdout
    assert "Severity:" not in stdout
