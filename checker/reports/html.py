"""The ``report.html`` report: one self-contained page for people, rendered with jinja2.

Every record field and rule text may be attacker-controlled. So autoescaping is on for
every template whatever its file name, and only http and https references become links.
The page loads nothing from elsewhere: it has inline CSS, no scripts and no images, and its
Content-Security-Policy blocks any that slip in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import jinja2
import msgspec

from checker.findings import Finding
from checker.i18n import translations_for
from checker.records import Record
from checker.result import InputInfo, RuleOutcome, ScanResult
from checker.reports.verdict import verdict_line

#: Maximum finding rows per rule on the page. results.json contains all findings.
MAX_ROWS_PER_RULE = 500
TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class Reference:
    """A rule reference: a link when it is an http or https URL, else plain text."""

    text: str
    is_link: bool


@dataclass(frozen=True)
class FindingRow:
    """One row of a rule's findings table, as plain text that the template escapes."""

    dst_ip: str
    location: str
    category_class: str
    acl_coverage: str
    has_acl: str
    acl_rule: str
    sessions: str
    total_bytes: str
    tags: tuple[str, ...]
    ports: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class RuleSection:
    """The findings of one failed rule, with the rule's text in the report language."""

    rule_id: str
    severity: str
    title: str
    description: str
    remediation: str
    references: tuple[Reference, ...]
    rows: tuple[FindingRow, ...]
    #: Findings beyond :data:`MAX_ROWS_PER_RULE` that the page leaves out.
    hidden: int


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as one HTML page in the language ``result.lang``."""
    page = render(result)
    # A lone surrogate from a leniently parsed record cannot be encoded, so it becomes "?".
    stream.write(page.encode("utf-8", errors="replace"))


def render(result: ScanResult) -> str:
    """Return the HTML page of ``result`` as text."""
    template = _environment(result.lang).get_template(TEMPLATE)
    return template.render(_context(result))


def _environment(lang: str) -> jinja2.Environment:
    # autoescape=True rather than select_autoescape(): escaping must not depend on the
    # template's file name.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("checker", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations_for(lang), newstyle=True)  # type: ignore[attr-defined]
    return environment


def _context(result: ScanResult) -> dict[str, Any]:
    gate = result.gate
    return {
        "lang": result.lang,
        "tool_version": result.tool_version,
        "generated_at": result.generated_at,
        "verdict_line": verdict_line(result),
        "passed": gate.passed,
        "fail_on": gate.fail_on.value if gate.fail_on is not None else None,
        "failing": gate.failing,
        "worst_rule": gate.worst_rule,
        "by_severity": [(severity.value, count) for severity, count in result.counts_by_severity().items()],
        "records_scanned": result.records_scanned,
        "rules_evaluated": result.rules_evaluated,
        "partial_reason": result.partial_reason,
        "inputs": [_input_view(info) for info in result.inputs],
        "policy_files": result.policy_files,
        "rules": [_rule_view(outcome, result.lang) for outcome in result.outcomes],
        "sections": [_section(outcome, result) for outcome in result.outcomes if outcome.findings],
        "max_rows": MAX_ROWS_PER_RULE,
    }


def _input_view(info: InputInfo) -> dict[str, Any]:
    provenance = info.provenance or {}
    return {
        "path": info.path,
        "shape": info.shape,
        "sha256": info.sha256,
        "records": info.records,
        "declared_total": info.declared_total,
        "request_ids": len(info.request_ids),
        "duplicates_merged": info.duplicates_merged,
        # The snapshot's source section (time window, endpoint, ...) as name and value text.
        "provenance": [(str(name), _plain(value)) for name, value in sorted(provenance.items())],
    }


def _rule_view(outcome: RuleOutcome, lang: str) -> dict[str, Any]:
    rule = outcome.rule
    frameworks = [f"{name} {', '.join(controls)}" for name, controls in sorted(rule.frameworks.items())]
    return {
        "id": rule.id,
        "title": rule.localized(lang).title,
        "severity": rule.severity.value,
        "status": outcome.status.value,
        "findings": len(outcome.findings),
        "frameworks": frameworks,
    }


def _section(outcome: RuleOutcome, result: ScanResult) -> RuleSection:
    rule = outcome.rule
    text = rule.localized(result.lang)
    ordered = sorted(outcome.findings, key=lambda finding: (-finding.severity.rank, finding.dst_ip))
    visible = ordered[:MAX_ROWS_PER_RULE]
    return RuleSection(
        rule_id=rule.id,
        severity=rule.severity.value,
        title=text.title,
        description=text.description,
        remediation=text.remediation,
        references=tuple(_reference(url) for url in rule.references),
        rows=tuple(_row(finding, result.records_by_ip.get(finding.dst_ip)) for finding in visible),
        hidden=len(ordered) - len(visible),
    )


def _reference(url: str) -> Reference:
    """Link only http and https URLs, so a ``javascript:`` reference stays inert text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        scheme = ""
    return Reference(text=url, is_link=scheme in ("http", "https"))


def _row(finding: Finding, record: Record | None) -> FindingRow:
    evidence = _plain(finding.evidence)
    if record is None:
        return FindingRow(finding.dst_ip, "", "", "", "", "", "", "", (), (), evidence)
    tags = tuple(f"{tag.TagName or tag.TagId} ({tag.ClassId}, {tag.RiskLevel})" for tag in record.TagList)
    ports = tuple(f"{port.Port}/{port.ApplicationName}" for port in record.ApplicationPortList)
    return FindingRow(
        dst_ip=finding.dst_ip,
        location=record.LocationName,
        category_class=record.CategoryClassId,
        acl_coverage=record.AclCoverage,
        has_acl="true" if record.HasAcl else "false",
        acl_rule=record.RuleName,
        sessions=f"{record.SessionCount:,}",
        total_bytes=f"{record.TotalBytes:,}",
        tags=tags,
        ports=ports,
        evidence=evidence,
    )


def _plain(value: Any) -> str:
    """Return ``value`` as display text: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(msgspec.to_builtins(value, enc_hook=str), ensure_ascii=False, separators=(", ", ": "))
