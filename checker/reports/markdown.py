"""The ``summary.md`` report: a short Markdown summary for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

It shows the verdict, the counts by severity, the waiver and baseline sections when the
scan had them, and a table of at most :data:`MAX_ROWS` findings, new findings first.
Every record value is escaped, because a record field can hold Markdown, HTML or an
``@mention`` that would otherwise render or notify people in a pull request.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from checker.findings import Finding
from checker.i18n import _, ngettext
from checker.result import ScanResult, WaiverSummary
from checker.reports.verdict import verdict_line, verdict_state
from checker.severity import DESCENDING

#: Findings listed in the table; a last line counts the rest.
MAX_ROWS = 50
#: Waivers and resolved findings listed per section.
MAX_LIST_ITEMS = 20
#: Characters of one table cell before it is cut.
MAX_CELL_CHARS = 120

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>()#+!|~])")


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as ``summary.md``."""
    stream.write(render(result).encode("utf-8"))


def render(result: ScanResult) -> str:
    """Return the Markdown summary of ``result``."""
    sections = [
        _heading(result),
        _verdict_quote(result),
        _severity_table(result),
        *_waiver_section(result),
        *_baseline_section(result),
        _findings_section(result),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def escape(text: str) -> str:
    """Escape ``text`` for a Markdown table cell: markup, line breaks and ``@mentions``, cut to a cell's width."""
    text = re.sub(r"[\r\n]+", " ", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return escape_text(text)


def escape_text(text: str) -> str:
    """Escape ``text`` for a Markdown paragraph: markup, line breaks and ``@mentions``, never cut."""
    text = re.sub(r"[\r\n]+", " ", text)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # A zero-width space after @ keeps GitHub from turning the text into a mention.
    return text.replace("@", "@\u200b")


def _heading(result: ScanResult) -> str:
    state = verdict_state(result)
    if state == "partial":
        return "## " + _("cfw-checker: PASSED on partial input")
    if state == "passed":
        return "## " + _("cfw-checker: passed")
    return "## " + _("cfw-checker: failed")


def _verdict_quote(result: ScanResult) -> str:
    """Quote the verdict line, as a warning alert (GitHub's ``> [!WARNING]``) for a pass on partial input.

    A viewer without alerts shows the ``[!WARNING]`` marker as text, which still warns.
    """
    line = escape_text(verdict_line(result))
    if verdict_state(result) == "partial":
        return "> [!WARNING]\n> " + line
    return "> " + line


def _severity_table(result: ScanResult) -> str:
    gate = result.gate
    counts = {severity: [0, 0, 0] for severity in DESCENDING}
    for outcome in result.outcomes:
        for finding in outcome.findings:
            row = counts[finding.severity]
            row[0] += 1
            row[1] += 1 if gate.counts(finding) else 0
            row[2] += 1 if finding.waived_by is not None else 0
    header = [_("Severity"), _("Findings"), _("Failing the gate"), _("Waived")]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|"]
    for severity, (total, failing, waived) in counts.items():
        lines.append(f"| {severity.value} | {total} | {failing} | {waived} |")
    return "\n".join(lines)


def _waiver_section(result: ScanResult) -> list[str]:
    if result.waivers is None:
        return []
    lines = ["### " + _("Waivers")]
    if result.waivers.ignored:
        lines.append(_("Waivers were ignored (--ignore-waivers): every finding counts."))
    else:
        waived = result.waived_findings
        lines.append(ngettext("%(count)d finding waived.", "%(count)d findings waived.", waived) % {"count": waived})
    lines.extend(_waiver_list(_("Expired (no longer applied)"), result.expired_waivers))
    lines.extend(_waiver_list(_("Unused (matched no finding)"), result.unused_waivers))
    return ["\n\n".join(lines)]


def _waiver_list(title: str, waivers: tuple[WaiverSummary, ...]) -> list[str]:
    if not waivers:
        return []
    items = []
    for waiver in waivers[:MAX_LIST_ITEMS]:
        item = f"- **{escape(waiver.id)}** " + _("until %(expires)s") % {"expires": waiver.expires}
        if waiver.owner:
            item += ", " + _("owner %(owner)s") % {"owner": escape(waiver.owner)}
        if waiver.ticket:
            item += ", " + _("ticket %(ticket)s") % {"ticket": escape(waiver.ticket)}
        items.append(item + ": " + escape(waiver.reason))
    hidden = len(waivers) - MAX_LIST_ITEMS
    if hidden > 0:
        items.append("- " + _("+%(count)d more") % {"count": hidden})
    return [f"**{title}**\n\n" + "\n".join(items)]


def _baseline_section(result: ScanResult) -> list[str]:
    if result.baseline is None:
        return []
    counts = result.baseline_counts()
    resolved = result.baseline.resolved
    lines = [
        "### " + _("Compared with the baseline"),
        _("%(new)d new, %(existing)d existing, %(resolved)d resolved.")
        % {"new": counts["new"], "existing": counts["existing"], "resolved": len(resolved)},
    ]
    if resolved:
        items = [
            f"- {finding.severity.value} {escape(finding.rule_id)} {escape(finding.dst_ip)}"
            for finding in resolved[:MAX_LIST_ITEMS]
        ]
        if len(resolved) > MAX_LIST_ITEMS:
            items.append("- " + _("+%(count)d more") % {"count": len(resolved) - MAX_LIST_ITEMS})
        lines.append("**" + _("Resolved") + "**\n\n" + "\n".join(items))
    return ["\n\n".join(lines)]


def _findings_section(result: ScanResult) -> str:
    findings = sorted(result.findings, key=_row_order)
    if not findings:
        return "### " + _("Findings") + "\n\n" + _("No findings.")

    titles = {outcome.rule.id: outcome.rule.localized(result.lang).title for outcome in result.outcomes}
    header = [_("Severity"), _("Rule"), _("Destination"), _("Location"), _("Status")]
    lines = ["| " + " | ".join(header) + " |", "|---|---|---|---|---|"]
    for finding in findings[:MAX_ROWS]:
        record = result.records_by_ip.get(finding.dst_ip)
        location = record.LocationName if record is not None else ""
        rule = f"{escape(finding.rule_id)} {escape(titles.get(finding.rule_id, ''))}".strip()
        cells = [finding.severity.value, rule, escape(finding.dst_ip), escape(location), _status(finding)]
        lines.append("| " + " | ".join(cells) + " |")
    hidden = len(findings) - MAX_ROWS
    if hidden > 0:
        lines.append("")
        lines.append(
            ngettext(
                "%(count)d more finding is not shown; results.json and report.html list every finding.",
                "%(count)d more findings are not shown; results.json and report.html list every finding.",
                hidden,
            )
            % {"count": hidden}
        )
    return "### " + _("Findings") + "\n\n" + "\n".join(lines)


def _row_order(finding: Finding) -> tuple[int, int, int, str, str]:
    """New findings first, then unwaived before waived, then the most severe."""
    return (
        0 if finding.baseline == "new" else 1,
        0 if finding.waived_by is None else 1,
        -finding.severity.rank,
        finding.rule_id,
        finding.dst_ip,
    )


def _status(finding: Finding) -> str:
    parts = []
    if finding.baseline == "new":
        parts.append("**" + _("new") + "**")
    elif finding.baseline == "existing":
        parts.append(_("existing"))
    if finding.waived_by is not None:
        parts.append(_("waived by %(waiver)s") % {"waiver": escape(finding.waived_by)})
    return ", ".join(parts)
