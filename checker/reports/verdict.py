"""The one-line verdict of a scan, shown by the CLI on stderr and at the top of every report."""

from __future__ import annotations

from checker.i18n import _, current_language, ngettext
from checker.result import ScanResult

#: Languages whose sentences follow each other without a space, because each ends in a full-width stop.
_NO_SPACE_LANGUAGES = frozenset({"zh"})


def verdict_state(result: ScanResult) -> str:
    """Return ``failed``, ``passed``, or ``partial`` for a gate that passed on partial input.

    A scan accepted with ``--allow-partial`` may pass (exit 0), but findings may be missing
    from its records, so reports show that pass as a warning rather than as a plain pass.
    """
    if not result.gate.passed:
        return "failed"
    return "partial" if result.partial_reason is not None else "passed"


def verdict_line(result: ScanResult) -> str:
    """Return the verdict sentence of ``result`` in the current language.

    Examples: ``FAILED: 12 findings at or above high in 3 rules (worst: CFW-TI-001,
    critical). 300 records scanned, 20 rules evaluated.`` and ``PASSED: nothing was
    scanned (the input holds 0 records).`` Waivers add ``2 findings waived.``, expired
    waivers ``1 waiver expired (W-7).``, a baseline ``Against the baseline: 3 new, 9
    existing, 1 resolved.`` and a partial input ``Partial input: REASON.``
    """
    gate = result.gate
    if result.records_scanned == 0 and gate.passed:
        sentences = [_("PASSED: nothing was scanned (the input holds 0 records).")]
    else:
        sentences = [_gate_sentence(result), _scan_sentence(result)]
    sentences.extend(_gate_input_sentences(result))

    if result.partial_reason is not None:
        reason = result.partial_reason.strip().rstrip(".")
        sentences.append(_("Partial input: %(reason)s.") % {"reason": reason})
    return join_sentences(sentences)


def join_sentences(sentences: list[str]) -> str:
    """Join translated sentences as the current language does: Chinese without a space, others with one."""
    separator = "" if current_language() in _NO_SPACE_LANGUAGES else " "
    return separator.join(sentences)


def _gate_sentence(result: ScanResult) -> str:
    gate = result.gate
    if gate.failing == 0 and gate.expired_waivers:
        return _("FAILED: %(waivers)s expired (%(ids)s) and --fail-on-expired-waivers is set.") % {
            "waivers": _count_waivers(len(result.expired_waivers)),
            "ids": ", ".join(waiver.id for waiver in result.expired_waivers),
        }
    if gate.fail_on is None:
        findings = _count_findings(sum(result.counts_by_severity().values()))
        return _("PASSED: %(findings)s reported; the gate is off (--fail-on never).") % {"findings": findings}
    if gate.passed and gate.new_only:
        return _("PASSED: no new finding at or above %(threshold)s.") % {"threshold": gate.fail_on.value}
    if gate.passed:
        return _("PASSED: no finding at or above %(threshold)s.") % {"threshold": gate.fail_on.value}

    failing_rules = _failing_rule_count(result)
    values = {
        "findings": _count_new_findings(gate.failing) if gate.new_only else _count_findings(gate.failing),
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


def _gate_input_sentences(result: ScanResult) -> list[str]:
    """Return the sentences on waivers and the baseline, when the scan had them."""
    sentences: list[str] = []
    if result.waivers is not None and result.waivers.ignored:
        sentences.append(_("Waivers ignored (--ignore-waivers)."))
    waived = result.waived_findings
    if waived:
        sentences.append(_("%(findings)s waived.") % {"findings": _count_findings(waived)})
    # The gate sentence already names expired waivers when they alone fail the gate.
    if result.expired_waivers and not (result.gate.failing == 0 and result.gate.expired_waivers):
        sentences.append(
            _("%(waivers)s expired (%(ids)s).")
            % {
                "waivers": _count_waivers(len(result.expired_waivers)),
                "ids": ", ".join(waiver.id for waiver in result.expired_waivers),
            }
        )
    if result.baseline is not None:
        counts = result.baseline_counts()
        sentences.append(
            _("Against the baseline: %(new)d new, %(existing)d existing, %(resolved)d resolved.")
            % {"new": counts["new"], "existing": counts["existing"], "resolved": len(result.baseline.resolved)}
        )
    return sentences


def _count_findings(count: int) -> str:
    return ngettext("%(count)d finding", "%(count)d findings", count) % {"count": count}


def _count_new_findings(count: int) -> str:
    return ngettext("%(count)d new finding", "%(count)d new findings", count) % {"count": count}


def _count_waivers(count: int) -> str:
    return ngettext("%(count)d waiver", "%(count)d waivers", count) % {"count": count}


def _failing_rule_count(result: ScanResult) -> int:
    """Count the rules with at least one finding that counts against the gate."""
    gate = result.gate
    return sum(1 for outcome in result.outcomes if any(gate.counts(finding) for finding in outcome.findings))


def _worst_severity(result: ScanResult, rule_id: str | None) -> str:
    """Return the highest severity among the findings of ``rule_id`` that count against the gate."""
    severities = [
        finding.severity
        for outcome in result.outcomes
        if outcome.rule.id == rule_id
        for finding in outcome.findings
        if result.gate.counts(finding)
    ]
    if not severities:
        return "?"
    return max(severities, key=lambda severity: severity.rank).value
