"""Error messages follow --lang: the same failing runs, pinned in Chinese and in English."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.cli.main import run
from checker.i18n import set_language

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE_EXPORT = str(REPOSITORY / "examples" / "sample-export.json")

POLICY_WITH_PROBLEMS = """\
rules:
  - id: ACME-001
    title: Uncovered destination
    title: Uncovered destination again
    severity: high
    colour: red
    when:
      field: AclCoverage
      equals: Uncovered
"""

WAIVERS_WITH_BAD_ADDRESS = """\
waivers:
  - id: WVR-001
    rules: [CFW-TI-001]
    destinations: [203.0.113.300]
    reason: accepted until the vendor moves
    expires: 2099-01-01
"""


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """Reset the process-wide language, which ``run`` changes, for the tests that follow."""
    yield
    set_language("en")


@pytest.fixture
def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME at an empty folder and remove every ALIBABA_CLOUD_* variable."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in [name for name in os.environ if name.startswith("ALIBABA_CLOUD_")]:
        monkeypatch.delenv(name)
    return home


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run cfw-checker in this process and return the exit code and standard error."""
    stderr = io.StringIO()
    code = run(argv, stdout=io.StringIO(), stderr=stderr)
    return code, stderr.getvalue()


def scan(lang: str, tmp_path: Path, *options: str) -> tuple[int, str]:
    return run_cli(["scan", "--lang", lang, "--output-dir", str(tmp_path / "reports"), *options, SAMPLE_EXPORT])


def message(stderr: str) -> str:
    """Return the error message after the ``error: `` or ``错误：`` prefix."""
    for prefix in ("error: ", "错误："):
        if stderr.startswith(prefix):
            return stderr.removeprefix(prefix)
    raise AssertionError(f"no error prefix in {stderr!r}")


def test_policy_problems_in_chinese(tmp_path: Path) -> None:
    policy = tmp_path / "acme.yaml"
    policy.write_text(POLICY_WITH_PROBLEMS, encoding="utf-8")

    code, stderr = scan("zh", tmp_path, "--policies", str(policy))

    assert code == 2
    assert message(stderr) == (
        f"{policy}：2 个问题；未评估任何内容\n"
        f"  {policy}:4:5: 规则 ACME-001：键 'title' 重复（首次定义于第 3 行）；请删除其中一个\n"
        f"  {policy}:6:5: 规则 ACME-001：未知的键 'colour'；此处允许的键：description, enabled, "
        "frameworks, i18n, id, params, references, remediation, severity, tags, title, when\n"
    )


def test_policy_problems_in_english(tmp_path: Path) -> None:
    policy = tmp_path / "acme.yaml"
    policy.write_text(POLICY_WITH_PROBLEMS, encoding="utf-8")

    code, stderr = scan("en", tmp_path, "--policies", str(policy))

    assert code == 2
    assert stderr == (
        f"error: {policy}: 2 problems; nothing was evaluated\n"
        f"  {policy}:4:5: rule ACME-001: duplicate key 'title' (first defined at line 3); remove one of the two\n"
        f"  {policy}:6:5: rule ACME-001: unknown key 'colour'; allowed keys here: description, enabled, "
        "frameworks, i18n, id, params, references, remediation, severity, tags, title, when\n"
    )


def test_param_problems_in_chinese(tmp_path: Path) -> None:
    code, stderr = scan("zh", tmp_path, "--param", "CFW-TI-01.min_sessions=5", "--param", "CFW-TI-001.min_session=2")

    assert code == 2
    assert message(stderr) == (
        "策略选项中有 2 个问题；未评估任何内容\n"
        "  --param CFW-TI-01.min_sessions=5：未知规则 'CFW-TI-01'；您是否指的是 'CFW-TI-001'？\n"
        "  --param CFW-TI-001.min_session=2：规则 CFW-TI-001 没有参数 'min_session'；它的参数有：min_sessions\n"
    )


def test_param_problems_in_english(tmp_path: Path) -> None:
    code, stderr = scan("en", tmp_path, "--param", "CFW-TI-01.min_sessions=5", "--param", "CFW-TI-001.min_session=2")

    assert code == 2
    assert stderr == (
        "error: 2 problems in the policy options; nothing was evaluated\n"
        "  --param CFW-TI-01.min_sessions=5: unknown rule 'CFW-TI-01'; did you mean 'CFW-TI-001'?\n"
        "  --param CFW-TI-001.min_session=2: rule CFW-TI-001 has no param 'min_session'; its params are: min_sessions\n"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "--param min_sessions=5：格式应为 RULE_ID.NAME=VALUE，例如 CFW-TRF-001.min_out_bytes=1048576\n"),
        ("en", "--param min_sessions=5: expected RULE_ID.NAME=VALUE, such as CFW-TRF-001.min_out_bytes=1048576\n"),
    ],
)
def test_param_format_error(tmp_path: Path, lang: str, expected: str) -> None:
    code, stderr = scan(lang, tmp_path, "--param", "min_sessions=5")

    assert code == 2
    assert message(stderr) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            "{path}：豁免文件中有 1 个问题；未评估任何内容\n"
            "  {path}:4: 豁免 WVR-001：destinations[0]: 无效的 IP 地址 '203.0.113.300'；"
            "请填写 IPv4 或 IPv6 地址，或 CIDR，例如 203.0.113.0/24\n",
        ),
        (
            "en",
            "{path}: 1 problem in the waivers file; nothing was evaluated\n"
            "  {path}:4: waiver WVR-001: destinations[0]: invalid IP address '203.0.113.300'; "
            "write an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24\n",
        ),
    ],
)
def test_invalid_waiver(tmp_path: Path, lang: str, expected: str) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS_WITH_BAD_ADDRESS, encoding="utf-8")

    code, stderr = scan(lang, tmp_path, "--waivers", str(waivers))

    assert code == 2
    assert message(stderr) == expected.format(path=waivers)


def test_missing_credentials_in_chinese(tmp_path: Path, no_credentials: Path) -> None:
    code, stderr = run_cli(["fetch", "--lang", "zh", "--since", "24h", "--output", str(tmp_path / "snapshot.json")])

    assert code == 3
    assert message(stderr) == (
        "未找到阿里云凭证；已查找：\n"
        "  环境变量 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET（未设置）\n"
        f"  {no_credentials}/.aliyun/config.json（未找到）\n"
        f"  {no_credentials}/.alibabacloud/credentials（未找到）\n"
        f"  {no_credentials}/.alibabacloud/credentials.ini（未找到）\n"
        "请设置 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET，"
        "或用 'aliyun configure' 创建 AK 类型的配置（参见 docs/fetch.md）。\n"
    )
    assert not (tmp_path / "snapshot.json").exists()


def test_missing_credentials_in_english(tmp_path: Path, no_credentials: Path) -> None:
    code, stderr = run_cli(["fetch", "--lang", "en", "--since", "24h", "--output", str(tmp_path / "snapshot.json")])

    assert code == 3
    assert stderr == (
        "error: no Alibaba Cloud credentials found; looked in:\n"
        "  environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (not set)\n"
        f"  {no_credentials}/.aliyun/config.json (not found)\n"
        f"  {no_credentials}/.alibabacloud/credentials (not found)\n"
        f"  {no_credentials}/.alibabacloud/credentials.ini (not found)\n"
        "Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or create an AK profile with "
        "'aliyun configure' (see docs/fetch.md).\n"
    )


@pytest.mark.parametrize(
    ("lang", "window", "expected"),
    [
        ("zh", ["--since", "24x"], "--since 24x 不是有效的时长；请使用数字加 m、h 或 d，例如 90m、24h 或 7d\n"),
        ("en", ["--since", "24x"], "--since 24x is not a duration; use a number followed by m, h or d, such as 90m, 24h or 7d\n"),
        (
            "zh",
            ["--start", "1733300000000"],
            "--start 1733300000000 看起来是毫秒（按秒计算将是 56896 年）；请使用 UNIX 秒数，例如 1733300000\n",
        ),
        (
            "en",
            ["--start", "1733300000000"],
            "--start 1733300000000 looks like milliseconds (it would be the year 56896); "
            "give UNIX seconds such as 1733300000\n",
        ),
    ],
)
def test_bad_time_window(tmp_path: Path, no_credentials: Path, lang: str, window: list[str], expected: str) -> None:
    code, stderr = run_cli(["fetch", "--lang", lang, *window, "--output", str(tmp_path / "snapshot.json")])

    assert code == 2
    assert message(stderr) == expected


def test_error_prefix_follows_language() -> None:
    chinese_code, chinese = run_cli(["scan", "--lang", "zh"])
    english_code, english = run_cli(["scan", "--lang", "en"])

    assert chinese_code == 2
    assert english_code == 2
    assert chinese.startswith("错误：")
    assert english.startswith("error: ")


def scan_input(lang: str, tmp_path: Path, content: str) -> tuple[int, str]:
    export = tmp_path / "export.json"
    export.write_text(content, encoding="utf-8")
    return run_cli(["scan", "--lang", lang, "--output-dir", str(tmp_path / "reports"), str(export)])


def test_invalid_record_in_chinese(tmp_path: Path) -> None:
    code, stderr = scan_input("zh", tmp_path, '[{"DstIP": "198.51.100.1", "SessionCount": "many"}]')

    assert code == 2
    assert stderr == (
        f"错误：{tmp_path / 'export.json'}：1 条记录无效；未进行任何评估。请修正后重试或重新导出\n"
        '  [0].SessionCount (DstIP 198.51.100.1): expected integer, got string "many"\n'
    )


def test_incomplete_export_in_chinese(tmp_path: Path) -> None:
    code, stderr = scan_input("zh", tmp_path, '{"TotalCount": 5, "DstIPList": [{"DstIP": "198.51.100.1"}]}')

    assert code == 2
    assert stderr == (
        f"错误：{tmp_path / 'export.json'}：导出不完整：TotalCount 为 5，但输入只有 1 条记录（缺少 4 条）。"
        "请导出全部分页，或加上 --allow-partial 扫描现有记录（此时每份报告都会注明其覆盖的是不完整的导出）\n"
    )


def test_malformed_json_in_chinese_and_english(tmp_path: Path) -> None:
    _, chinese = scan_input("zh", tmp_path, '{"TotalCount": 1,\n "DstIPList": [}')
    _, english = scan_input("en", tmp_path, '{"TotalCount": 1,\n "DstIPList": [}')

    export = tmp_path / "export.json"
    assert chinese == f"错误：{export}：第 2 行第 16 列：JSON 格式错误：invalid character\n"
    assert english == f"error: {export}: line 2, column 16: malformed JSON: invalid character\n"
