"""Render a diff as text, JSON, Markdown or HTML.

Record values come from exports and may hold markup, so Markdown escapes them and HTML
goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
from typing import Any

from checker.baseline import StoredFinding
from checker.diff.compare import DiffResult
from checker.i18n import _, ngettext
from checker.reports.markdown import escape as md_escape
from checker.reports.markdown import escape_text as md_escape_text
from checker.reports.verdict import join_sentences
from checker.severity import Severity

FORMATS = ("text", "json", "markdown", "html")


def render(diff: DiffResult, output_format: str, fail_on: Severity | None) -> str:
    """Return ``diff`` in ``output_format``, one of :data:`FORMATS`."""
    renderers = {"text": render_text, "json": render_json, "markdown": render_markdown, "html": render_html}
    return renderers[output_format](diff, fail_on)


def summary_line(diff: DiffResult, fail_on: Severity | None) -> str:
    """Return ``N new, M resolved, K unchanged findings`` and how many new ones fail the gate."""
    sentences = [_("%(new)d new, %(resolved)d resolved, %(unchanged)d unchanged findings.") % {
        "new": len(diff.new), "resolved": len(diff.resolved), "unchanged": len(diff.unchanged)}]
    if diff.not_compared:
        count = len(diff.not_compared)
        sentences.append(ngettext(
            "%(count)d finding not compared.", "%(count)d findings not compared.", count
        ) % {"count": count})
    if fail_on is not None:
        sentences.append(_("%(count)d new at or above %(threshold)s.") % {
            "count": len(diff.failing(fail_on)), "threshold": fail_on.value})
    return join_sentences(sentences)


def not_compared_note(diff: DiffResult) -> str:
    """Name the rules whose findings were not compared, and why."""
    return _(
        "Not compared: %(count)d findings of rules that were not evaluated on both sides (%(rules)s), "
        "so they are neither new nor resolved. Scan both sides with the same rules to compare them."
    ) % {"count": len(diff.not_compared), "rules": ", ".join(diff.not_compared_rules)}


def incomplete_notes(diff: DiffResult) -> list[str]:
    """Return one warning per incomplete side, for a diff run with --allow-partial."""
    return [
        _("Warning: %(note)s. Findings missing from that side may show as resolved or new.") % {"note": note}
        for note in diff.incomplete
    ]


def table_header(markup: str) -> str:
    """Return the header row of a findings table, as Markdown or HTML (``markup``)."""
    labels = [_("severity"), _("rule"), _("destination"), _("waived by")]
    if markup == "markdown":
        return "| " + " | ".join(md_escape(label) for label in labels) + " |\n|---|---|---|---|\n"
    return "<tr>" + "".join(f"<th>{html.escape(label)}</th>" for label in labels) + "</tr>"


def records_note() -> str:
    """Explain why record changes are missing when a side is a results.json."""
    return _(
        "Record changes are not shown: they need the records, and at least one side is a results.json. "
        "Pass two records files to see new destinations, ACL coverage and tag changes."
    )


def _finding_text(finding: StoredFinding) -> str:
    text = f"{finding.severity.value:<8} {finding.rule_id}  {finding.dst_ip}"
    if finding.waived_by is not None:
        text += "  " + _("(waived by %(waiver)s)") % {"waiver": finding.waived_by}
    return text


def render_text(diff: DiffResult, fail_on: Severity | None) -> str:
    """Return the plain-text diff: one section per kind of change."""
    lines = [f"{_('before')}: {diff.before.path} ({diff.before.kind})", f"{_('after')}: {diff.after.path} ({diff.after.kind})"]
    lines.extend(incomplete_notes(diff))
    lines.append("")
    for title, findings in ((_("New findings"), diff.new), (_("Resolved findings"), diff.resolved)):
        lines.append(f"{title} ({len(findings)}):")
        lines.extend("  " + _finding_text(finding) for finding in findings)
        lines.append("")
    lines.append(_("Unchanged findings: %(count)d") % {"count": len(diff.unchanged)})
    lines.append("")
    if diff.not_compared:
        lines.extend([not_compared_note(diff), ""])
    if diff.records is None:
        lines.append(records_note())
    else:
        changes = diff.records
        lines.append(f"{_('New destinations')} ({len(changes.new_destinations)}):")
        lines.extend(f"  {ip}" for ip in changes.new_destinations)
        lines.append(f"{_('Destinations no longer seen')} ({len(changes.removed_destinations)}):")
        lines.extend(f"  {ip}" for ip in changes.removed_destinations)
        lines.append(f"{_('Changed destinations')} ({len(changes.changed)}):")
        for change in changes.changed:
            lines.append(f"  {change.dst_ip}: " + "; ".join(_change_parts(change.coverage_before, change.coverage_after, change.tags_gained, change.tags_lost)))
    lines.extend(["", summary_line(diff, fail_on)])
    return "\n".join(lines) + "\n"


def _change_parts(before: str, after: str, gained: tuple[str, ...], lost: tuple[str, ...]) -> list[str]:
    parts = []
    if before != after:
        parts.append(_("ACL coverage %(before)s -> %(after)s") % {"before": before or "-", "after": after or "-"})
    if gained:
        parts.append(_("tags gained %(tags)s") % {"tags": ", ".join(gained)})
    if lost:
        parts.append(_("tags lost %(tags)s") % {"tags": ", ".join(lost)})
    return parts


def _finding_json(finding: StoredFinding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "dst_ip": finding.dst_ip,
        "fingerprint": finding.fingerprint,
        "waived_by": finding.waived_by,
    }


def render_json(diff: DiffResult, fail_on: Severity | None) -> str:
    """Return the diff as JSON with top-level ``new``, ``resolved`` and ``unchanged`` lists."""
    document: dict[str, Any] = {
        "before": {"path": diff.before.path, "kind": diff.before.kind},
        "after": {"path": diff.after.path, "kind": diff.after.kind},
        "fail_on": fail_on.value if fail_on is not None else None,
        "failing": len(diff.failing(fail_on)),
        "new": [_finding_json(finding) for finding in diff.new],
        "resolved": [_finding_json(finding) for finding in diff.resolved],
        "unchanged": [_finding_json(finding) for finding in diff.unchanged],
        "not_compared": {
            "rules": list(diff.not_compared_rules),
            "findings": [_finding_json(finding) for finding in diff.not_compared],
        },
        "incomplete": list(diff.incomplete),
        "records": None,
    }
    if diff.records is not None:
        document["records"] = {
            "new_destinations": list(diff.records.new_destinations),
            "removed_destinations": list(diff.records.removed_destinations),
            "changed": [
                {
                    "dst_ip": change.dst_ip,
                    "acl_coverage": {"before": change.coverage_before, "after": change.coverage_after},
                    "tags_gained": list(change.tags_gained),
                    "tags_lost": list(change.tags_lost),
                }
                for change in diff.records.changed
            ],
        }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_markdown(diff: DiffResult, fail_on: Severity | None) -> str:
    """Return the diff as Markdown for a pull-request comment."""
    parts = ["## " + _("cfw-checker diff"), *(md_escape_text(note) for note in incomplete_notes(diff)), summary_line(diff, fail_on)]
    for title, findings in ((_("New findings"), diff.new), (_("Resolved findings"), diff.resolved)):
        rows = [f"| {finding.severity.value} | {md_escape(finding.rule_id)} | {md_escape(finding.dst_ip)} | {md_escape(finding.waived_by or '')} |" for finding in findings]
        table = table_header("markdown") + "\n".join(rows) if rows else _("None.")
        parts.append(f"### {title} ({len(findings)})\n\n{table}")
    if diff.not_compared:
        parts.append(md_escape_text(not_compared_note(diff)))
    if diff.records is None:
        parts.append(records_note())
    else:
        changes = diff.records
        items = [f"- {_('new destination')} {md_escape(ip)}" for ip in changes.new_destinations]
        items += [f"- {_('no longer seen')} {md_escape(ip)}" for ip in changes.removed_destinations]
        items += [
            f"- {md_escape(change.dst_ip)}: " + md_escape("; ".join(_change_parts(change.coverage_before, change.coverage_after, change.tags_gained, change.tags_lost)))
            for change in changes.changed
        ]
        parts.append("### " + _("Record changes") + "\n\n" + ("\n".join(items) if items else _("None.")))
    return "\n\n".join(parts) + "\n"


def render_html(diff: DiffResult, fail_on: Severity | None) -> str:
    """Return the diff as a self-contained HTML page; every value is escaped."""
    esc = html.escape
    body = [f"<h1>{esc(_('cfw-checker diff'))}</h1>"]
    body.extend(f'<p class="warning">{esc(note)}</p>' for note in incomplete_notes(diff))
    body.append(f"<p>{esc(summary_line(diff, fail_on))}</p>")
    for title, findings in ((_("New findings"), diff.new), (_("Resolved findings"), diff.resolved)):
        rows = "".join(
            f"<tr><td>{esc(finding.severity.value)}</td><td>{esc(finding.rule_id)}</td>"
            f"<td>{esc(finding.dst_ip)}</td><td>{esc(finding.waived_by or '')}</td></tr>"
            for finding in findings
        )
        body.append(
            f"<h2>{esc(title)} ({len(findings)})</h2><table><thead>{table_header('html')}</thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    if diff.not_compared:
        body.append(f"<p>{esc(not_compared_note(diff))}</p>")
    if diff.records is None:
        body.append(f"<p>{esc(records_note())}</p>")
    else:
        changes = diff.records
        items = [f"<li>{esc(_('new destination'))} {esc(ip)}</li>" for ip in changes.new_destinations]
        items += [f"<li>{esc(_('no longer seen'))} {esc(ip)}</li>" for ip in changes.removed_destinations]
        items += [
            f"<li>{esc(change.dst_ip)}: {esc('; '.join(_change_parts(change.coverage_before, change.coverage_after, change.tags_gained, change.tags_lost)))}</li>"
            for change in changes.changed
        ]
        body.append(f"<h2>{esc(_('Record changes'))}</h2><ul>{''.join(items)}</ul>")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{esc(_('cfw-checker diff'))}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
        ".warning{background:#fff4ce;border-left:4px solid #b58900;padding:.4em .8em}</style></head><body>"
        + "".join(body) + "</body></html>\n"
    )
