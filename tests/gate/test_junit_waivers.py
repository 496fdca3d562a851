"""JUnit XML with waivers: fully waived rules pass, waived findings in <system-out>, totals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import xmlschema

if TYPE_CHECKING:
    from conftest import Workspace

XSD_PATH = Path(__file__).resolve().parents[1] / "reports" / "data" / "jenkins-junit.xsd"


def scan_junit(ws: Workspace, waiver_rules: str) -> ET.Element:
    records = ws.records("export.json", [ws.record("203.0.113.5"), ws.record("198.51.100.7")])
    waivers = ws.write(
        "waivers.yaml",
        f"waivers:\n  - id: W-1\n    rules: {waiver_rules}\n    destinations: [203.0.113.0/24]\n"
        "    reason: lab\n    owner: secops\n    expires: 2999-01-31\n",
    )
    ws.run(
        "scan", str(records), "--policies", str(ws.policy), "--waivers", str(waivers),
        "--output-dir", str(ws.root / "out"), "--format", "junit",
    )
    path = ws.root / "out" / "junit.xml"
    xmlschema.XMLSchema(XSD_PATH).validate(str(path))
    return ET.parse(path).getroot()


def find_case(root: ET.Element, rule_id: str) -> ET.Element:
    (case,) = [case for case in root.iter("testcase") if case.get("name", "").startswith(rule_id + " ")]
    return case


def test_partly_waived_rule_fails_with_unwaived_only(ws: Workspace) -> None:
    root = scan_junit(ws, "[T-MAL-001]")

    case = find_case(root, "T-MAL-001")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "1 violating destination (critical)"
    assert failure.text == "198.51.100.7  CategoryClassId=Malicious"
    system_out = case.find("system-out")
    assert system_out is not None
    assert system_out.text == "1 waived destination:\n203.0.113.5  waived by W-1 until 2999-01-31T23:59:59Z (owner: secops)"


def test_fully_waived_rule_passes(ws: Workspace) -> None:
    records = ws.records("export.json", [ws.record("203.0.113.5"), ws.record("203.0.113.6")])
    waivers = ws.write(
        "waivers.yaml",
        "waivers:\n  - id: W-9\n    all_rules: true\n    destinations: [203.0.113.0/24]\n"
        "    reason: lab\n    expires: 2999-01-31\n",
    )
    ws.run(
        "scan", str(records), "--policies", str(ws.policy), "--waivers", str(waivers),
        "--output-dir", str(ws.root / "out"), "--format", "junit",
    )
    path = ws.root / "out" / "junit.xml"
    xmlschema.XMLSchema(XSD_PATH).validate(str(path))
    root = ET.parse(path).getroot()

    case = find_case(root, "T-MAL-001")
    assert case.find("failure") is None
    system_out = case.find("system-out")
    assert system_out is not None
    assert system_out.text == (
        "2 waived destinations:\n"
        "203.0.113.5  waived by W-9 until 2999-01-31T23:59:59Z\n"
        "203.0.113.6  waived by W-9 until 2999-01-31T23:59:59Z"
    )
    assert root.get("tests") == "2"
    assert root.get("failures") == "0"


def test_totals_count_only_failing_rules(ws: Workspace) -> None:
    root = scan_junit(ws, "[T-UNC-002]")

    assert root.get("tests") == "2"
    assert root.get("failures") == "2"
    assert find_case(root, "T-UNC-002").find("failure") is not None
    assert find_case(root, "T-UNC-002").find("failure").get("message") == "1 violating destination (medium)"
