"""The ``results.sarif`` report: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Each rule becomes a ``reportingDescriptor`` in ``tool.driver.rules`` and each finding a
result. Destinations are no source files, so every result points at the input file that
was scanned (line 1) as its physical location, which GitHub code scanning requires, and
names the DstIP as a logical location. Waived findings carry a ``suppressions`` entry, and
with a baseline each result has a ``baselineState``.
"""

from __future__ import annotations

import logging
import os
import posixpath
from typing import Any, BinaryIO
from urllib.parse import quote

import msgspec

from checker.findings import Finding
from checker.i18n import _
from checker.result import RuleOutcome, ScanResult
from checker.rules import Rule
from checker.severity import Severity
from checker.reports.verdict import verdict_line

logger = logging.getLogger(__name__)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: GitHub code scanning rejects a run with more results than this, and shows only the 5,000
#: most severe ("About code scanning limits on SARIF results", docs.github.com).
MAX_RESULTS = 25_000
#: GitHub code scanning rejects a rule with more tags than this (same page).
MAX_TAGS = 20
#: Key of the fingerprint in ``partialFingerprints``; the version part changes if the derivation does.
FINGERPRINT_KEY = "cfwFindingFingerprint/v1"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: Values of ``properties.security-severity``, which GitHub code scanning reads to rank security alerts.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_BASELINE_STATES = {"new": "new", "existing": "unchanged"}


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as a SARIF 2.1.0 log."""
    document = build_log(result)
    stream.write(msgspec.json.format(msgspec.json.encode(document), indent=2))
    stream.write(b"\n")


def build_log(result: ScanResult, *, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """Return the SARIF log of ``result`` as plain JSON values, with at most ``max_results`` results."""
    outcomes = list(result.outcomes)
    rule_index = {outcome.rule.id: index for index, outcome in enumerate(outcomes)}
    titles = {outcome.rule.id: outcome.rule.title for outcome in outcomes}
    artifact = _artifact_location(result)

    # Unwaived findings first, then the most severe, so a cap drops the least useful results.
    ordered = sorted(result.findings, key=lambda finding: finding.waived_by is not None)
    kept = ordered[:max_results]
    omitted = len(ordered) - len(kept)
    if omitted:
        logger.warning(
            _(
                "the SARIF report lists %d of %d findings and leaves out %d, because GitHub code scanning "
                "accepts at most %d results per run; the JSON report has all of them"
            ),
            len(kept), len(ordered), omitted, max_results,
        )

    run: dict[str, Any] = {
        "tool": {"driver": _driver(result, outcomes)},
        "invocations": [_invocation(result, omitted, len(ordered), max_results)],
        "results": [_result(finding, rule_index, titles, artifact, result) for finding in kept],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "verdict": "passed" if result.gate.passed else "failed",
            "verdictLine": verdict_line(result),
            "recordsScanned": result.records_scanned,
            "resultsOmitted": omitted,
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _driver(result: ScanResult, outcomes: list[RuleOutcome]) -> dict[str, Any]:
    return {
        "name": "cfw-checker",
        "version": result.tool_version,
        "semanticVersion": result.tool_version,
        "rules": [_descriptor(outcome.rule) for outcome in outcomes],
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    """Describe ``rule`` in English, so that alerts keep their text whatever --lang was."""
    text = rule.text["en"]
    frameworks = [f"{name}:{control}" for name, controls in sorted(rule.frameworks.items()) for control in controls]
    help_lines = [text.remediation or text.title]
    help_lines.extend(f"- {reference}" for reference in rule.references)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": text.title},
        "fullDescription": {"text": text.description or text.title},
        "help": {"text": "\n".join(help_lines), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "severity": rule.severity.value,
            "tags": list(dict.fromkeys(["security", *rule.tags, *frameworks]))[:MAX_TAGS],
            "precision": "high",
        },
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _help_markdown(rule: Rule) -> str:
    text = rule.text["en"]
    parts = [f"**{_markdown_escape(text.title)}** ({rule.severity.value})"]
    if text.description:
        parts.append(_markdown_escape(text.description))
    if text.remediation:
        parts.append("**Remediation:** " + _markdown_escape(text.remediation))
    if rule.references:
        parts.append("\n".join(f"- <{reference}>" for reference in rule.references))
    return "\n\n".join(parts)


def _markdown_escape(text: str) -> str:
    """Escape the characters that would start Markdown markup or raw HTML."""
    for character in "\\`*_[]<>|#":
        text = text.replace(character, "\\" + character)
    return text


def _result(
    finding: Finding,
    rule_index: dict[str, int],
    titles: dict[str, str],
    artifact: dict[str, Any],
    result: ScanResult,
) -> dict[str, Any]:
    record = result.records_by_ip.get(finding.dst_ip)
    message = f"{titles.get(finding.rule_id, finding.rule_id)}: {finding.dst_ip}"
    if record is not None and record.LocationName:
        message += f" ({record.LocationName})"
    entry: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": 1}},
                "logicalLocations": [
                    {"name": finding.dst_ip, "fullyQualifiedName": f"DstIP/{finding.dst_ip}", "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.value, "dstIp": finding.dst_ip, "evidence": finding.evidence},
    }
    if finding.rule_id in rule_index:
        entry["ruleIndex"] = rule_index[finding.rule_id]
    if finding.waived_by is not None:
        entry["suppressions"] = [_suppression(finding)]
    if finding.baseline in _BASELINE_STATES:
        entry["baselineState"] = _BASELINE_STATES[finding.baseline]
    return entry


def _suppression(finding: Finding) -> dict[str, Any]:
    justification = _("waived by %(waiver)s until %(expires)s") % {
        "waiver": finding.waived_by, "expires": finding.waiver_expires or "?"}
    suppression: dict[str, Any] = {
        "kind": "external",
        "status": "accepted",
        "justification": justification,
        "properties": {"waiverId": finding.waived_by, "expires": finding.waiver_expires},
    }
    if finding.waiver_owner:
        suppression["properties"]["owner"] = finding.waiver_owner
    return suppression


def _invocation(result: ScanResult, omitted: int, total: int, max_results: int) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notifications = []
    if omitted:
        text = _(
            "%(omitted)d of %(total)d results left out, because GitHub code scanning accepts at most "
            "%(max)d results per run; results.json lists every finding."
        ) % {"omitted": omitted, "total": total, "max": max_results}
        notifications.append({"level": "warning", "message": {"text": text}})
    if result.partial_reason is not None:
        notifications.append({"level": "warning", "message": {"text": _("Partial input: %(reason)s") % {"reason": result.partial_reason}}})
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _artifact_location(result: ScanResult) -> dict[str, Any]:
    """Point at the scanned input file, relative to the working folder when it lies inside it.

    NOTE: with several inputs every result points at the first one, because findings do
    not record which input their record came from.
    """
    path = result.inputs[0].path if result.inputs else "-"
    if path == "-":
        return {"uri": "stdin", "uriBaseId": "%SRCROOT%"}
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
        return {"uri": quote(relative.replace(os.sep, posixpath.sep)), "uriBaseId": "%SRCROOT%"}
    return {"uri": "file://" + quote(absolute.replace(os.sep, posixpath.sep))}
