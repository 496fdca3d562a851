"""The ``junit.xml`` report: one test suite per policy file, one test case per rule.

The output is valid against the Jenkins JUnit XSD (the ``junit-4.xsd`` that Jenkins and
JUnit 5 keep). That schema has no ``skipped`` attribute on ``<testsuites>`` and no
``message`` attribute on ``<skipped>``, so the root carries no skipped count (each suite
does) and the reason of a skip is the text of ``<skipped>``. Each suite's ``<properties>``
repeat the verdict line, the records scanned and the partial-input reason, because CI
tools show suites, not the root.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

import msgspec

from checker.findings import Finding
from checker.i18n import _, ngettext
from checker.result import RuleOutcome, RuleStatus, ScanResult
from checker.rules import Rule
from checker.reports.verdict import verdict_line

#: Maximum destinations listed in the body of one ``<failure>``. A last line counts the rest.
MAX_FAILURE_LINES = 100
#: Maximum characters of the evidence text on one destination line.
MAX_EVIDENCE_CHARS = 400

# Characters that XML 1.0 does not allow anywhere in a document: C0 controls other than tab,
# newline and carriage return, lone surrogates, U+FFFE and U+FFFF. Record fields come from
# the API or a user's file, so any of them can contain such characters.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Return ``text`` without the characters that XML 1.0 forbids."""
    return _XML_FORBIDDEN.sub("", text)


def format_seconds(seconds: float) -> str:
    """Format a duration for a ``time`` attribute: a dot decimal and three places, whatever the locale."""
    return f"{seconds:.3f}"


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as JUnit XML."""
    root = build_tree(result)
    ET.indent(root)
    ET.ElementTree(root).write(stream, encoding="utf-8", xml_declaration=True)
    stream.write(b"\n")


@dataclass(frozen=True)
class _Suite:
    name: str
    stem: str
    sha256: str
    outcomes: tuple[RuleOutcome, ...]


def build_tree(result: ScanResult) -> ET.Element:
    """Return the ``<testsuites>`` element of ``result``."""
    suites = _group_by_policy_file(result)
    # Rules are evaluated together in one pass, so suites carry the run's whole time.
    seconds = format_seconds(result.duration_seconds)
    outcomes = [outcome for suite in suites for outcome in suite.outcomes]
    failures = sum(1 for outcome in outcomes if outcome.status is RuleStatus.FAILED)

    attributes = {"name": "cfw-checker", "tests": str(len(outcomes)), "failures": str(failures)}
    root = _element("testsuites", {**attributes, "errors": "0", "time": seconds})
    for suite in suites:
        root.append(_suite_element(result, suite, seconds))
    return root


def _group_by_policy_file(result: ScanResult) -> list[_Suite]:
    """Pair each policy file with the outcomes of its rules, in file order.

    A rule without an outcome is reported as skipped. Outcomes whose rule belongs to no
    listed policy file get a suite named after the rule's source.
    """
    remaining = list(result.outcomes)
    suites: list[_Suite] = []
    for policy_file in result.policy_files:
        outcomes = tuple(_take_outcome(remaining, rule) for rule in policy_file.rules)
        suites.append(_Suite(policy_file.path, _stem(policy_file.path), policy_file.sha256, outcomes))

    sources: dict[str, list[RuleOutcome]] = {}
    for outcome in remaining:
        sources.setdefault(outcome.rule.source or "unknown", []).append(outcome)
    for source, outcomes in sources.items():
        suites.append(_Suite(source, _stem(source), "", tuple(outcomes)))
    return suites


def _take_outcome(remaining: list[RuleOutcome], rule: Rule) -> RuleOutcome:
    for index, outcome in enumerate(remaining):
        if outcome.rule is rule or outcome.rule.id == rule.id:
            return remaining.pop(index)
    return RuleOutcome(rule=rule, status=RuleStatus.SKIPPED)


def _stem(path: str) -> str:
    """Return the file name of ``path`` without its folder, ``builtin:`` prefix or extension."""
    name = re.split(r"[/\\]", path)[-1].removeprefix("builtin:")
    stem, dot, _extension = name.rpartition(".")
    return stem if dot and stem else name


def _suite_element(result: ScanResult, suite: _Suite, seconds: str) -> ET.Element:
    statuses = [outcome.status for outcome in suite.outcomes]
    element = _element(
        "testsuite",
        {
            "name": suite.name,
            "tests": str(len(suite.outcomes)),
            "failures": str(statuses.count(RuleStatus.FAILED)),
            "errors": "0",
            "skipped": str(statuses.count(RuleStatus.SKIPPED)),
            "time": seconds,
            "timestamp": result.generated_at,
        },
    )
    element.append(_properties(result, suite))
    for outcome in suite.outcomes:
        element.append(_testcase(suite, outcome))
    return element


def _properties(result: ScanResult, suite: _Suite) -> ET.Element:
    values = {
        "policy_file.sha256": suite.sha256,
        "verdict": verdict_line(result),
        "records_scanned": str(result.records_scanned),
        "partial_reason": result.partial_reason or "",
    }
    properties = ET.Element("properties")
    for name, value in values.items():
        properties.append(_element("property", {"name": name, "value": value}))
    return properties


def _testcase(suite: _Suite, outcome: RuleOutcome) -> ET.Element:
    rule = outcome.rule
    # The English title keeps test names stable across --lang, so CI keeps their history.
    name = f"{rule.id} [{rule.severity.value}] {rule.title}"
    testcase = _element("testcase", {"classname": f"cfw-checker.{suite.stem}", "name": name})

    if outcome.status is RuleStatus.SKIPPED:
        reason = _("rule disabled in its policy file") if not rule.enabled else _("rule not selected for this run")
        _child(testcase, "skipped", {}, reason)
    elif outcome.status is RuleStatus.FAILED:
        # Waived findings never fail a test case; they are listed in <system-out> below.
        unwaived = [finding for finding in outcome.findings if finding.waived_by is None]
        count = len(unwaived)
        message = ngettext(
            "%(count)d violating destination (%(severity)s)",
            "%(count)d violating destinations (%(severity)s)",
            count,
        ) % {"count": count, "severity": rule.severity.value}
        body = "\n".join(_failure_lines(unwaived))
        _child(testcase, "failure", {"message": message, "type": rule.severity.value}, body)

    waived = [finding for finding in outcome.findings if finding.waived_by is not None]
    if waived:
        _child(testcase, "system-out", {}, "\n".join(_waived_lines(waived)))
    return testcase


def _waived_lines(findings: list[Finding]) -> list[str]:
    """Return a headline and one ``DstIP  waived by ID until EXPIRY`` line per waived finding, capped."""
    ordered = sorted(findings, key=lambda finding: finding.dst_ip)
    lines = [
        ngettext("%(count)d waived destination:", "%(count)d waived destinations:", len(ordered))
        % {"count": len(ordered)}
    ]
    for finding in ordered[:MAX_FAILURE_LINES]:
        values = {"ip": finding.dst_ip, "waiver": finding.waived_by, "expires": finding.waiver_expires or "?"}
        line = _("%(ip)s  waived by %(waiver)s until %(expires)s") % values
        if finding.waiver_owner:
            line += " " + _("(owner: %(owner)s)") % {"owner": finding.waiver_owner}
        lines.append(_one_line(line))
    hidden = len(ordered) - MAX_FAILURE_LINES
    if hidden > 0:
        lines.append(_("+%(count)d more") % {"count": hidden})
    return lines


def _failure_lines(findings: Iterable[Finding]) -> list[str]:
    """Return one ``DstIP  key=value, ...`` line per finding, capped, then ``+N more``."""
    ordered = sorted(findings, key=lambda finding: finding.dst_ip)
    lines = [
        _one_line(f"{finding.dst_ip}  {_evidence_text(finding.evidence)}")
        for finding in ordered[:MAX_FAILURE_LINES]
    ]
    hidden = len(ordered) - MAX_FAILURE_LINES
    if hidden > 0:
        lines.append(_("+%(count)d more") % {"count": hidden})
    return lines


def _one_line(text: str) -> str:
    """Replace line breaks, so a record value cannot forge extra destination lines."""
    return re.sub(r"[\r\n]+", " ", text)


def _evidence_text(evidence: dict[str, Any]) -> str:
    parts = [f"{key}={_value_text(value)}" for key, value in evidence.items()]
    text = ", ".join(parts)
    if len(text) > MAX_EVIDENCE_CHARS:
        text = text[: MAX_EVIDENCE_CHARS - 1] + "…"
    return text


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    # msgspec.json raises on lone surrogates, but json keeps them as text and xml_safe()
    # removes them later.
    return json.dumps(msgspec.to_builtins(value, enc_hook=str), ensure_ascii=False, separators=(",", ":"))


def _element(tag: str, attributes: dict[str, str]) -> ET.Element:
    return ET.Element(tag, {name: xml_safe(value) for name, value in attributes.items()})


def _child(parent: ET.Element, tag: str, attributes: dict[str, str], text: str) -> None:
    child = _element(tag, attributes)
    child.text = xml_safe(text)
    parent.append(child)


