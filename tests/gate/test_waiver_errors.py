"""Every kind of bad waiver is rejected with exit 2, naming the file, line, waiver and field."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsonschema
import pytest

from checker.waivers import waivers_schema
from checker.waivers.loader import closest_rule_id

if TYPE_CHECKING:
    from conftest import Workspace

GOOD = {
    "id": "W-1",
    "rules": "[T-MAL-001]",
    "destinations": "[203.0.113.0/24]",
    "reason": "scanner appliance",
    "expires": "2030-06-30",
}


def waivers_text(**changes: str | None) -> str:
    """Return a file with one waiver: GOOD with ``changes`` applied (None drops a field)."""
    fields = {**GOOD, **changes}
    lines = ["waivers:"]
    for index, (name, value) in enumerate((name, value) for name, value in fields.items() if value is not None):
        lines.append(f"  {'- ' if index == 0 else '  '}{name}: {value}")
    return "\n".join(lines) + "\n"


CASES = [
    ("invalid date", {"expires": "2025-02-30"}, 6, "W-1: expires: invalid date '2025-02-30'; write a date as YYYY-MM-DD or a datetime with an offset such as 2025-12-31T18:00:00+08:00"),
    ("not a date", {"expires": "next friday"}, 6, "W-1: expires: invalid date 'next friday'; write a date as YYYY-MM-DD or a datetime with an offset such as 2025-12-31T18:00:00+08:00"),
    ("hour out of range", {"expires": "2025-06-30T25:00:00Z"}, 6, "W-1: expires: invalid date '2025-06-30T25:00:00Z'; write a date as YYYY-MM-DD or a datetime with an offset such as 2025-12-31T18:00:00+08:00"),
    ("datetime without offset", {"expires": "2025-06-30T18:00:00"}, 6, "W-1: expires: datetime '2025-06-30T18:00:00' has no UTC offset; add Z or an offset such as +08:00"),
    ("IPv4 prefix 33", {"destinations": "[203.0.113.0/33]"}, 4, "W-1: destinations[0]: invalid CIDR '203.0.113.0/33': the prefix length must be a number from 0 to 32 for IPv4"),
    ("IPv6 prefix 129", {"destinations": '["2001:db8::/129"]'}, 4, "W-1: destinations[0]: invalid CIDR '2001:db8::/129': the prefix length must be a number from 0 to 128 for IPv6"),
    ("host bits set", {"destinations": "[203.0.113.0/24, 10.0.0.1/8]"}, 4, "W-1: destinations[1]: invalid CIDR '10.0.0.1/8': host bits are set; write 10.0.0.0/8, or the address alone"),
    ("not an address", {"destinations": "[example.com]"}, 4, "W-1: destinations[0]: invalid IP address 'example.com'; write an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24"),
    ("empty destinations", {"destinations": "[]"}, 4, "W-1: destinations: empty; list at least one IP address or CIDR"),
    ("missing destinations", {"destinations": None}, 2, "W-1: destinations: missing; list the IP addresses or CIDRs that the waiver covers"),
    ("missing reason", {"reason": None}, 2, "W-1: reason: missing; say why the findings are accepted"),
    ("blank reason", {"reason": '"   "'}, 5, "W-1: reason: empty; say why the findings are accepted"),
    ("missing expires", {"expires": None}, 2, "W-1: expires: missing; give a date such as 2025-12-31 or a datetime with an offset such as 2025-12-31T18:00:00+08:00"),
    ("missing id", {"id": None}, 2, "#1: id: missing; give the waiver a unique id such as WVR-001"),
    ("invalid id", {"id": '"W 1"'}, 2, "W 1: id: invalid waiver id 'W 1'; an id starts with a letter or digit and contains only letters, digits, '_', '.', ':' and '-'"),
    ("unknown rule id", {"rules": "[T-MAL-010]"}, 3, "W-1: rules[0]: unknown rule id 'T-MAL-010' in the loaded policies; did you mean 'T-MAL-001'?"),
    ("unlike any rule id", {"rules": "[ZZZ]"}, 3, "W-1: rules[0]: unknown rule id 'ZZZ' in the loaded policies; list the rules with 'cfw-checker policies list'"),
    ("no rules and no all_rules", {"rules": None}, 2, "W-1: rules: missing; list the rule ids the waiver applies to, or write 'all_rules: true' to waive every rule"),
    ("all_rules false", {"rules": None, "all_rules": "false"}, 2, "W-1: rules: missing; list the rule ids the waiver applies to, or write 'all_rules: true' to waive every rule"),
    ("rules and all_rules", {"all_rules": "true"}, 7, "W-1: all_rules: give either 'rules' or 'all_rules: true', not both; remove one"),
    ("empty rules", {"rules": "[]"}, 3, "W-1: rules: empty; list at least one rule id, or write 'all_rules: true' to waive every rule"),
    ("port out of range", {"ports": "[443, 70000]"}, 7, "W-1: ports[1]: port 70000 is out of range; use a port from 0 to 65535"),
    ("port as text", {"ports": '["443"]'}, 7, "W-1: ports[0]: must be an integer, not the string '443'"),
    ("misspelt field", {"expiry": "2030-01-01"}, 7, "W-1: expiry: unknown field; did you mean 'expires'?"),
    ("owner not text", {"owner": "[a, b]"}, 7, "W-1: owner: must be a string, not a list"),
    ("octal port", {"ports": "[0443]"}, 7, "W-1: ports[0]: '0443' is not a plain decimal integer (YAML 1.1 reads it as 291); write the number in decimal digits without a leading zero"),
    ("base-60 port", {"ports": "[443, 1:10]"}, 7, "W-1: ports[1]: '1:10' is not a plain decimal integer (YAML 1.1 reads it as 70); write the number in decimal digits without a leading zero"),
    ("hexadecimal port", {"ports": "[0x1BB]"}, 7, "W-1: ports[0]: '0x1BB' is not a plain decimal integer (YAML 1.1 reads it as 443); write the number in decimal digits without a leading zero"),
    ("all_rules yes", {"rules": None, "all_rules": "yes"}, 6, "W-1: all_rules: 'yes' is a YAML 1.1 boolean; write true or false"),
]


@pytest.mark.parametrize(("changes", "line", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_waiver_is_named(ws: Workspace, changes: dict[str, str | None], line: int, message: str) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", waivers_text(**changes))

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    assert code == 2
    assert stderr == (
        f"error: {waivers}: 1 problem in the waivers file; nothing was evaluated\n"
        f"  {waivers}:{line}: waiver {message}\n"
    )
    assert not (ws.root / "out").exists()


def test_all_problems_listed_together(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    text = waivers_text(expires="2025-13-01") + (
        "  - id: W-1\n    rules: [T-MAL-001]\n    destinations: [198.51.100.0/33]\n    expires: 2030-01-01\n"
    )
    waivers = ws.write("waivers.yaml", text)

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    assert code == 2
    assert stderr.splitlines() == [
        f"error: {waivers}: 4 problems in the waivers file; nothing was evaluated",
        f"  {waivers}:6: waiver W-1: expires: invalid date '2025-13-01'; write a date as YYYY-MM-DD or a datetime with an offset such as 2025-12-31T18:00:00+08:00",
        f"  {waivers}:7: waiver W-1: reason: missing; say why the findings are accepted",
        f"  {waivers}:7: waiver W-1: id: duplicate waiver id 'W-1' (first defined at line 2); give each waiver its own id",
        f"  {waivers}:9: waiver W-1: destinations[0]: invalid CIDR '198.51.100.0/33': the prefix length must be a number from 0 to 32 for IPv4",
    ]


def test_duplicate_yaml_key(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", waivers_text() + "    reason: again\n")

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    assert code == 2
    assert stderr == (
        f"error: {waivers}: the waivers file is not valid YAML; nothing was evaluated\n"
        f"  {waivers}:7: duplicate key 'reason' (first defined at line 5); remove one of the two\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the waivers file is empty; add a 'waivers' list"),
        ("waivers: [\n", None),
    ],
    ids=["empty", "syntax"],
)
def test_unreadable_waivers_file(ws: Workspace, text: str, message: str | None) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", text)

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    assert code == 2
    if message is not None:
        assert stderr == f"error: {waivers}: {message}\n"
    else:
        assert stderr.startswith(f"error: {waivers}: the waivers file is not valid YAML; nothing was evaluated\n  {waivers}:2: invalid YAML: ")


def test_missing_waivers_list(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", "exceptions: []\n")

    code, _, stderr = ws.scan(records, "--waivers", str(waivers))

    assert code == 2
    assert stderr == (
        f"error: {waivers}: 2 problems in the waivers file; nothing was evaluated\n"
        f"  {waivers}:1: exceptions: unknown field; a waivers file has only a 'waivers' list\n"
        f"  {waivers}:1: waivers: missing; add the list of waivers under 'waivers'\n"
    )


def test_waivers_file_not_found(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])

    code, _, stderr = ws.scan(records, "--waivers", str(ws.root / "nope.yaml"))

    assert code == 2
    assert stderr == f"error: {ws.root / 'nope.yaml'}: waivers file not found; check the --waivers path\n"


def test_waivers_checked_before_input(ws: Workspace) -> None:
    waivers = ws.write("waivers.yaml", waivers_text(expires="someday"))

    code, _, stderr = ws.scan(ws.root / "missing.json", "--waivers", str(waivers))

    assert code == 2
    assert "someday" in stderr
    assert "missing.json" not in stderr


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(waivers_schema())


def test_example_waivers_file_loads(ws: Workspace) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "waivers.yaml"
    records = ws.records("export.json", [ws.record("203.0.113.5")])

    code, _, stderr = ws.run(
        "scan", str(records), "--waivers", str(example), "--output-dir", str(ws.root / "out"), "--format", "json"
    )

    assert code in (0, 1), stderr
    assert ws.results()["summary"]["waivers"]["total"] >= 3


def test_distant_rule_id_gets_no_guess(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5")])
    waivers = ws.write("waivers.yaml", waivers_text(rules="[CFW-NOPE-1]"))

    code, _, stderr = ws.run("scan", str(records), "--waivers", str(waivers), "--output-dir", str(ws.root / "out"))

    assert code == 2
    assert stderr == (
        f"error: {waivers}: 1 problem in the waivers file; nothing was evaluated\n"
        f"  {waivers}:3: waiver W-1: rules[0]: unknown rule id 'CFW-NOPE-1' in the loaded policies; "
        "list the rules with 'cfw-checker policies list'\n"
    )


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [
        ("CFW-NOPE-1", None),
        ("CFW-TI-01", "CFW-TI-001"),
        ("CFW-TI-0011", "CFW-TI-001"),
        ("cfw-ti-001", "CFW-TI-001"),
        ("X-12", "X-2"),
        ("X-3", "X-2"),
        ("Y-3", None),
        ("X-123", None),
    ],
)
def test_closest_rule_id(rule_id: str, expected: str | None) -> None:
    known = {"CFW-GEO-001", "CFW-TI-001", "CFW-TI-002", "X-2"}

    assert closest_rule_id(rule_id, known) == expected
