"""The one-line verdict of a scan, shown by the CLI on stderr and at the top of every report."""

from __future__ import annotations

from checker.i18n import _, ngettext
from checker.result import ScanResult
from checker.severity import Severity


def verdict_line(result: ScanResult) -> str:
    """Return the verdict sentence of ``result`` in the current language.

    Examples: ``FAILED: 12 findings at or above high in 3 rules (worst: CFW-TI-001,
    critical). 300 records scanned, 20 rules evaluated.`` and ``PASSED: nothing was
    scanned (the input holds 0 records).`` A partial input adds ``Partial input: REASON.``
    """
    gate = result.gate
    if result.records_scanned == 0 and gate.passed:
        line = _("PASSED: nothing was scanned (the input holds 0 records).")
    else:
        line = f"{_gate_sentence(result)} {_scan_sentence(result)}"

    if result.partial_reason is not None:
        reason = result.partial_reason.strip().rstrip(".")
        line += " " + _("Partial input: %(reason)s.") % {"reason": reason}
    return line


def _gate_sentence(result: ScanResult) -> str:
    gate = result.gate
    if gate.fail_on is None:
        findings = _count_findings(sum(result.counts_by_severity().values()))
        return _("PASSED: %(findings)s reported; the gate is off (--fail-on never).") % {"findings": findings}
    if gate.passed:
        return _("PASSED: no finding at or above %(threshold)s.") % {"threshold": gate.fail_on.value}

    failing_rules = _failing_rule_count(result, gate.fail_on)
    values = {
        "findings": _count_findings(gate.failing),
        "threshold": gate.fail_on.value,
        "rules": ngettext("%(count)d rule", "%(count)d rules", failing_rules) % {"count": failing_rules},
        "worst_rule": gate.worst_rule or "?",
        "worst_severity": _worst_severity(result, gate.worst_rule),
    }
    return (
        _("FAILED: %(findings)s at or above %(threshold)s in %(rules)s (worst: %(worst_rule)s, %(worst_severity)s).")
        % values
    )


def _scan_sentence(result: ScanResult) -> str:
    records = result.records_scanned
    rules = result.rules_evaluated
    values = {
        "records": ngettext("%(count)d record", "%(count)d records", records) % {"count": records},
        "rules": ngettext("%(count)d rule", "%(count)d rules", rules) % {"count": rules},
    }
    return _("%(records)s scanned, %(rules)s evaluated.") % values


def _count_findings(count: int) -> str:
    return ngettext("%(count)d finding", "%(count)d findings", count) % {"count": count}


def _failing_rule_count(result: ScanResult, threshold: Severity) -> int:
    """Count the rules with at least one finding at or above ``threshold``."""
    return sum(
        1
        for outcome in result.outcomes
        if any(finding.severity.at_least(threshold) for finding in outcome.findings)
    )


def _worst_severity(result: ScanResult, rule_id: str | None) -> str:
    """Return the highest severity among the findings of ``rule_id``."""
    severities = [
        finding.severity
        for outcome in result.outcomes
        if outcome.rule.id == rule_id
        for finding in outcome.findings
    ]
    if not severities:
        return "?"
    return max(severities, key=lambda severity: severity.rank).value
