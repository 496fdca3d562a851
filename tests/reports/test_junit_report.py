"""Tests of junit.xml: validity against the Jenkins JUnit XSD, counts, caps and unsafe text."""

from __future__ import annotations

import io
import locale
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import xmlschema

from checker.records import Tag
from checker.reports import junit
from checker.result import Gate, ScanResult
from checker.severity import Severity

if TYPE_CHECKING:
    from conftest import ScanBuilder

XSD_PATH = Path(__file__).parent / "data" / "jenkins-junit.xsd"


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD_PATH)


def render(result: ScanResult) -> bytes:
    stream = io.BytesIO()
    junit.write(result, stream)
    return stream.getvalue()


def parse(result: ScanResult, schema: xmlschema.XMLSchema) -> ET.Element:
    """Render ``result``, validate it against the XSD and return the parsed root."""
    raw = render(result)
    schema.validate(raw.decode("utf-8"))
    return ET.fromstring(raw)


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"]: case for case in root.iter("testcase")}


def test_sample_counts(sample: ScanResult, junit_schema: xmlschema.XMLSchema) -> None:
    root = parse(sample, junit_schema)
    suites = root.findall("testsuite")

    assert root.tag == "testsuites"
    assert {name: root.attrib[name] for name in ("tests", "failures", "errors", "time")} == {
        "tests": "3",
        "failures": "1",
        "errors": "0",
        "time": "0.000",
    }
    assert len(suites) == 1
    assert suites[0].attrib["name"] == "policies/outbound.yaml"
    assert suites[0].attrib["tests"] == "3"
    assert suites[0].attrib["failures"] == "1"
    assert suites[0].attrib["errors"] == "0"
    assert suites[0].attrib["skipped"] == "1"


def test_testcase_names_and_outcomes(sample: ScanResult, junit_schema: xmlschema.XMLSchema) -> None:
    by_name = cases(parse(sample, junit_schema))

    assert list(by_name) == [
        "CFW-TI-001 [critical] Malicious destination not covered by an ACL",
        "CFW-ACL-002 [medium] Title of CFW-ACL-002",
        "CFW-OLD-003 [low] Title of CFW-OLD-003",
    ]
    failed, passed, skipped = by_name.values()
    assert failed.attrib["classname"] == "cfw-checker.outbound"
    failure = failed.find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "2 violating destinations (critical)", "type": "critical"}
    assert failure.text == "2001:db8::1  AclCoverage=Uncovered\n203.0.113.7  AclCoverage=Uncovered"
    assert list(passed) == []
    skipped_element = skipped.find("skipped")
    assert skipped_element is not None
    assert skipped_element.text == "rule disabled in its policy file"


def test_suite_per_policy_file(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    first = scan.rule("CFW-A-001", Severity.HIGH, source="a/first.yaml")
    second = scan.rule("CFW-B-001", Severity.LOW, source="builtin:second.yaml")
    unselected = scan.rule("CFW-B-002", Severity.LOW, source="builtin:second.yaml")
    scan.fire(first, [scan.record("203.0.113.7")])
    scan.passing(second)
    scan.policy_file("a/first.yaml", [first])
    scan.policy_file("builtin:second.yaml", [second, unselected])

    root = parse(scan.result(), junit_schema)
    suites = root.findall("testsuite")

    assert [suite.attrib["name"] for suite in suites] == ["a/first.yaml", "builtin:second.yaml"]
    assert [suite.attrib["tests"] for suite in suites] == ["1", "2"]
    assert [suite.attrib["failures"] for suite in suites] == ["1", "0"]
    assert [suite.attrib["skipped"] for suite in suites] == ["0", "1"]
    assert root.attrib["tests"] == "3"
    assert root.attrib["failures"] == "1"
    by_name = cases(root)
    assert by_name["CFW-B-001 [low] Title of CFW-B-001"].attrib["classname"] == "cfw-checker.second"
    skipped = by_name["CFW-B-002 [low] Title of CFW-B-002"].find("skipped")
    assert skipped is not None
    assert skipped.text == "rule not selected for this run"


def test_single_finding_message(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    scan.fire(scan.rule("CFW-TI-001", Severity.HIGH), [scan.record("203.0.113.7")])

    failure = parse(scan.result(), junit_schema).find("testsuite/testcase/failure")

    assert failure is not None
    assert failure.attrib["message"] == "1 violating destination (high)"


def test_failure_body_is_capped(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    records = [scan.record(f"10.0.0.{index}") for index in range(130)]
    scan.fire(scan.rule("CFW-TI-001"), records)

    failure = parse(scan.result(), junit_schema).find("testsuite/testcase/failure")

    assert failure is not None
    assert failure.text is not None
    lines = failure.text.split("\n")
    assert len(lines) == 101
    assert lines[-1] == "+30 more"
    assert failure.attrib["message"] == "130 violating destinations (high)"


def test_hundred_findings_not_capped(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record(f"10.0.0.{index}") for index in range(100)])

    failure = parse(scan.result(), junit_schema).find("testsuite/testcase/failure")

    assert failure is not None
    assert failure.text is not None
    assert len(failure.text.split("\n")) == 100
    assert "more" not in failure.text


def test_evidence_lists_as_json(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    record = scan.record("203.0.113.7")
    evidence: dict[str, Any] = {"TagList": [Tag(TagId="Miner", TagName="矿池", ClassId="Malicious", RiskLevel=3)]}
    scan.fire(scan.rule("CFW-TI-001"), [record], evidence=evidence)

    failure = parse(scan.result(), junit_schema).find("testsuite/testcase/failure")

    assert failure is not None
    assert failure.text == (
        '203.0.113.7  TagList=[{"TagId":"Miner","TagName":"矿池","TagDescribe":"","ClassId":"Malicious","RiskLevel":3}]'
    )


def test_forbidden_characters_removed(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    unsafe_ip = "203.0.113.7\x00\x1b[31m\ud800\ufffe"
    tag = Tag(TagId="RiskIP", TagName="bad\x00name\x1b\ud800\uffff", ClassId="Malicious", RiskLevel=3)
    record = scan.record(unsafe_ip, TagList=[tag])
    rule = scan.rule("CFW-TI-001", title="Title\x07 with\x0b controls")
    scan.fire(rule, [record], evidence={"TagName": [tag.TagName], "DstIP": unsafe_ip})

    raw = render(scan.result(partial_reason="reason\x00 with NUL"))
    junit_schema.validate(raw.decode("utf-8"))
    root = ET.fromstring(raw)
    failure = root.find("testsuite/testcase/failure")

    assert failure is not None
    # Inside lists the evidence is JSON, which spells control characters as escapes.
    assert failure.text == '203.0.113.7[31m  TagName=["bad\\u0000name\\u001b"], DstIP=203.0.113.7[31m'
    assert list(cases(root)) == ["CFW-TI-001 [high] Title with controls"]
    properties = {prop.attrib["name"]: prop.attrib["value"] for prop in root.iter("property")}
    assert properties["partial_reason"] == "reason with NUL"


def test_line_breaks_cannot_forge_lines(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    record = scan.record("203.0.113.7\n198.51.100.1  forged")
    scan.fire(scan.rule("CFW-TI-001"), [record], evidence={"LocationName": "a\r\nb"})

    failure = parse(scan.result(), junit_schema).find("testsuite/testcase/failure")

    assert failure is not None
    assert failure.text == "203.0.113.7 198.51.100.1  forged  LocationName=a b"


def test_empty_result_is_valid(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    scan.passing(scan.rule("CFW-TI-001"))

    root = parse(scan.result(records_scanned=0), junit_schema)

    assert root.attrib["tests"] == "1"
    assert root.attrib["failures"] == "0"
    properties = {prop.attrib["name"]: prop.attrib["value"] for prop in root.iter("property")}
    assert properties["verdict"] == "PASSED: nothing was scanned (the input holds 0 records)."
    assert properties["records_scanned"] == "0"


def test_no_policy_files_is_valid(junit_schema: xmlschema.XMLSchema) -> None:
    result = ScanResult(
        tool_version="0.1.0",
        generated_at="2024-05-01T08:30:00Z",
        inputs=(),
        policy_files=(),
        outcomes=(),
        records_scanned=0,
        gate=Gate(fail_on=Severity.HIGH, failing=0, worst_rule=None),
    )

    root = parse(result, junit_schema)

    assert root.findall("testsuite") == []
    assert root.attrib["tests"] == "0"


def test_partial_result_is_valid(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record("203.0.113.7")])

    root = parse(scan.result(partial_reason="page 3 of 5 failed"), junit_schema)

    properties = {prop.attrib["name"]: prop.attrib["value"] for prop in root.iter("property")}
    assert properties["partial_reason"] == "page 3 of 5 failed"
    assert properties["verdict"].endswith(" Partial input: page 3 of 5 failed.")


def test_all_skipped_is_valid(scan: ScanBuilder, junit_schema: xmlschema.XMLSchema) -> None:
    for index in range(3):
        scan.skip(scan.rule(f"CFW-OFF-{index}", enabled=False))

    root = parse(scan.result(), junit_schema)
    suite = root.find("testsuite")

    assert suite is not None
    assert suite.attrib["tests"] == "3"
    assert suite.attrib["skipped"] == "3"
    assert suite.attrib["failures"] == "0"
    assert root.attrib["tests"] == "3"
    assert len(root.findall("testsuite/testcase/skipped")) == 3


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0, "0.000"), (1.5, "1.500"), (1234.5678, "1234.568"), (0.0004, "0.000")],
)
def test_format_seconds_uses_dot(seconds: float, expected: str) -> None:
    assert junit.format_seconds(seconds) == expected


def test_format_seconds_ignores_localeconv(monkeypatch: pytest.MonkeyPatch) -> None:
    german = {**locale.localeconv(), "decimal_point": ",", "thousands_sep": "."}
    monkeypatch.setattr(locale, "localeconv", lambda: german)

    assert junit.format_seconds(1234.5) == "1234.500"


@pytest.fixture
def german_numbers() -> Iterator[None]:
    """Switch LC_NUMERIC to a German locale, or skip where none is installed."""
    previous = locale.setlocale(locale.LC_NUMERIC)
    for name in ("de_DE.UTF-8", "de_DE.utf8", "de_DE"):
        try:
            locale.setlocale(locale.LC_NUMERIC, name)
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no German locale is installed")
    yield
    locale.setlocale(locale.LC_NUMERIC, previous)


def test_time_under_german_locale(
    german_numbers: None, sample: ScanResult, junit_schema: xmlschema.XMLSchema
) -> None:
    root = parse(sample, junit_schema)

    assert locale.localeconv()["decimal_point"] == ","
    assert root.attrib["time"] == "0.000"
    assert junit.format_seconds(2.25) == "2.250"


def test_xml_safe_keeps_allowed_text() -> None:
    assert junit.xml_safe("tab\tnewline\ncr\r 中文 😀 \ue000") == "tab\tnewline\ncr\r 中文 😀 \ue000"


def test_xml_safe_removes_forbidden() -> None:
    assert junit.xml_safe("a\x00b\x1bc\x7fd\ud800e\udfffz\ufffe\uffff") == "abc\x7fdez"
