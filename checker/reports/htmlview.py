"""View values of ``report.html``: the header, the chart, inputs, rules and waiver notices.

Every function returns plain text, numbers and lists that the template escapes; none of
them returns markup. Texts are translated into the current language, which
:func:`checker.reports.html.render` sets to the report's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec

from checker.i18n import _, ngettext
from checker.reports.verdict import join_sentences
from checker.result import InputInfo, RuleOutcome, RuleStatus, ScanResult
from checker.severity import DESCENDING, Severity

#: Width in SVG user units of the longest bar of the severity chart.
CHART_BAR_WIDTH = 240
#: Height of one bar and the gap below it, in SVG user units.
CHART_ROW_HEIGHT = 22
#: Maximum resolved baseline findings listed on the page; the page counts the rest.
MAX_RESOLVED_ROWS = 500
#: Provenance keys shown in their own lines; the rest go into a collapsed list.
_PROMINENT_PROVENANCE = ("time_window", "endpoint", "fetched_at", "tool_version")


@dataclass(frozen=True)
class Reference:
    """A rule reference: a link when it is an http or https URL, else plain text."""

    text: str
    is_link: bool


@dataclass(frozen=True)
class ChartBar:
    """One bar of the severity chart, in SVG user units."""

    severity: str
    label: str
    count: int
    y: int
    width: int


def gate_text(result: ScanResult) -> str:
    """Return the sentences that explain the verdict: the threshold and what reached it."""
    gate = result.gate
    if gate.fail_on is None:
        return _("The gate is off (--fail-on never): findings are reported but never fail the scan.")

    threshold = gate.fail_on.value
    if gate.failing == 0:
        sentences = [
            _("The gate fails on findings at or above %(threshold)s, and no finding reaches that severity.")
            % {"threshold": threshold}
        ]
    else:
        sentences = [
            ngettext(
                "The gate fails on findings at or above %(threshold)s: %(num)d finding reaches it, "
                "and the worst rule is %(rule)s.",
                "The gate fails on findings at or above %(threshold)s: %(num)d findings reach it, "
                "and the worst rule is %(rule)s.",
                gate.failing,
            )
            % {"threshold": threshold, "num": gate.failing, "rule": gate.worst_rule or "?"}
        ]
    if gate.new_only:
        sentences.append(_("Only findings that are new against the baseline count (--fail-on-new-only)."))
    if gate.expired_waivers:
        sentences.append(
            ngettext(
                "%(num)d expired waiver fails the gate (--fail-on-expired-waivers).",
                "%(num)d expired waivers fail the gate (--fail-on-expired-waivers).",
                gate.expired_waivers,
            )
            % {"num": gate.expired_waivers}
        )
    return join_sentences(sentences)


def severity_chart(result: ScanResult, severity_labels: dict[str, str]) -> list[ChartBar]:
    """Return one bar per severity, highest first, scaled so the largest count is full width."""
    counts = result.counts_by_severity()
    largest = max(counts.values(), default=0)
    bars: list[ChartBar] = []
    for position, severity in enumerate(DESCENDING):
        count = counts[severity]
        # A non-zero count gets at least 2 units, so that it stays visible next to a huge one.
        width = 0 if largest == 0 or count == 0 else max(2, round(CHART_BAR_WIDTH * count / largest))
        bars.append(ChartBar(severity.value, severity_labels[severity.value], count, position * CHART_ROW_HEIGHT, width))
    return bars


def input_view(info: InputInfo) -> dict[str, Any]:
    """Return one input's path, digest, counts and provenance as display values."""
    provenance = dict(info.provenance or {})
    window = provenance.get("time_window")
    time_window = ""
    if isinstance(window, dict):
        time_window = f"{window.get('start_iso', window.get('start', ''))} – {window.get('end_iso', window.get('end', ''))}"
    return {
        "path": info.path,
        "shape": info.shape,
        "sha256": info.sha256,
        "records": info.records,
        "declared_total": info.declared_total,
        "request_ids": len(info.request_ids),
        "duplicates_merged": info.duplicates_merged,
        "time_window": time_window,
        "endpoint": plain_text(provenance.get("endpoint", "")),
        "fetched_at": plain_text(provenance.get("fetched_at", "")),
        "fetch_tool_version": plain_text(provenance.get("tool_version", "")),
        # The other keys of the snapshot's source section; request ids are counted above.
        "provenance": [
            (str(name), plain_text(value))
            for name, value in sorted(provenance.items())
            if name not in _PROMINENT_PROVENANCE and name != "request_ids"
        ],
    }


def rule_views(result: ScanResult, severity_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Return the rows of the rules table: failed rules first, then by severity and id."""
    views = [rule_view(outcome, index, result.lang, severity_labels) for index, outcome in enumerate(result.outcomes)]
    status_order = {RuleStatus.FAILED.value: 0, RuleStatus.PASSED.value: 1, RuleStatus.SKIPPED.value: 2}
    views.sort(key=lambda view: (status_order[view["status"]], -view["severity_rank"], view["id"]))
    return views


def rule_view(outcome: RuleOutcome, index: int, lang: str, severity_labels: dict[str, str]) -> dict[str, Any]:
    """Return one row of the rules table, with the rule's text in ``lang``.

    ``index`` is the outcome's position in the result, which the page's script uses to
    filter findings by rule.
    """
    rule = outcome.rule
    text = rule.localized(lang)
    return {
        "index": index,
        "id": rule.id,
        "title": text.title,
        "description": text.description,
        "remediation": text.remediation,
        "references": [reference(url) for url in rule.references],
        "severity": rule.severity.value,
        "severity_label": severity_labels[rule.severity.value],
        "severity_rank": rule.severity.rank,
        "status": outcome.status.value,
        "status_label": status_label(outcome.status),
        "findings": len(outcome.findings),
        "frameworks": [f"{name} {', '.join(controls)}" for name, controls in sorted(rule.frameworks.items())],
        "source": f"{rule.source}:{rule.line}" if rule.source and rule.line else rule.source,
    }


def severity_label(severity: Severity) -> str:
    """Return the name of ``severity`` in the current language (the value itself in English)."""
    labels = {
        Severity.CRITICAL: _("critical"),
        Severity.HIGH: _("high"),
        Severity.MEDIUM: _("medium"),
        Severity.LOW: _("low"),
        Severity.INFO: _("info"),
    }
    return labels[severity]


def status_label(status: RuleStatus) -> str:
    """Return the translated name of a rule status."""
    labels = {RuleStatus.PASSED: _("passed"), RuleStatus.FAILED: _("failed"), RuleStatus.SKIPPED: _("skipped")}
    return labels[status]


def reference(url: str) -> Reference:
    """Link only http and https URLs, so a ``javascript:`` reference stays inert text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        scheme = ""
    return Reference(text=url, is_link=scheme in ("http", "https"))


def waiver_notices(result: ScanResult) -> list[dict[str, str]]:
    """Return the expired waivers, then the unused ones, as display values."""
    groups = ((result.expired_waivers, "expired", _("expired")), (result.unused_waivers, "unused", _("unused")))
    return [
        {
            "waiver_id": waiver.id,
            "status": status,
            "status_label": label,
            "owner": waiver.owner or "",
            "expires": waiver.expires,
            "reason": waiver.reason,
            "ticket": waiver.ticket or "",
        }
        for waivers, status, label in groups
        for waiver in waivers
    ]


def comparison_lines(result: ScanResult) -> list[str]:
    """Return one line each on the waivers file and the baseline that the scan used, if any."""
    lines: list[str] = []
    if result.waivers is not None:
        use = result.waivers
        values = {"file": use.file, "total": use.total, "waived": result.waived_findings}
        if use.ignored:
            lines.append(_("Waivers: %(file)s (waivers: %(total)d, not applied because of --ignore-waivers)") % values)
        else:
            lines.append(_("Waivers: %(file)s (waivers: %(total)d, findings waived: %(waived)d)") % values)
    if result.baseline is not None:
        counts = result.baseline_counts()
        values = {
            "file": result.baseline.file,
            "new": counts["new"],
            "existing": counts["existing"],
            "resolved": len(result.baseline.resolved),
        }
        lines.append(_("Baseline: %(file)s (new: %(new)d, existing: %(existing)d, resolved: %(resolved)d)") % values)
    return lines


def resolved_findings(result: ScanResult, severity_labels: dict[str, str]) -> list[dict[str, str]]:
    """Return the baseline findings that this scan no longer has, at most :data:`MAX_RESOLVED_ROWS`."""
    if result.baseline is None:
        return []
    return [
        {"rule_id": item.rule_id, "severity": item.severity.value, "severity_label": severity_labels[item.severity.value],
         "dst_ip": item.dst_ip}
        for item in result.baseline.resolved[:MAX_RESOLVED_ROWS]
    ]


def script_labels() -> dict[str, str]:
    """Return the translated texts that the page's script shows, by key."""
    return {
        "dstIp": "DstIP",
        "rule": _("Rule"),
        "severity": _("Severity"),
        "location": _("Location"),
        "tags": _("Tags"),
        "sessions": _("Sessions"),
        "totalBytes": _("Total bytes"),
        "marks": _("Waiver / baseline"),
        "pageOf": _("Findings %(first)s–%(last)s of %(total)s"),
        "matchCount": _("%(shown)s of %(total)s findings match"),
        "noMatch": _("No finding matches the filters."),
        "previous": _("Previous"),
        "next": _("Next"),
        "close": _("Close"),
        "details": _("Details of %(ip)s"),
        "noRecord": _("The result does not include this destination's record."),
        "waivedBy": _("waived by %(waiver)s"),
        "waiverOwner": _("owner %(owner)s"),
        "waiverExpires": _("until %(date)s"),
        "baselineNew": _("new"),
        "baselineExisting": _("existing"),
        "printCapped": _(
            "Printed %(shown)s of %(total)s matching findings. results.json contains all of them."
        ),
        "printAll": _("Printed all %(total)s matching findings."),
        "sectionTags": _("Threat intelligence tags"),
        "sectionPorts": _("Ports and applications"),
        "sectionAcl": _("Access control"),
        "sectionAddressGroups": _("Address books"),
        "sectionTraffic": _("Traffic"),
        "sectionFindings": _("Findings of this destination"),
        "sectionOther": _("Other fields"),
        "evidence": _("Evidence"),
        "none": _("none"),
    }


def plain_text(value: Any) -> str:
    """Return ``value`` as display text: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(msgspec.to_builtins(value, enc_hook=str), ensure_ascii=False, separators=(", ", ": "))
