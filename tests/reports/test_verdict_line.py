"""Tests that pin the wording of the one-line verdict, plural forms included."""

from __future__ import annotations

import gettext
from typing import TYPE_CHECKING

import pytest

from checker import i18n
from checker.reports.verdict import verdict_line
from checker.severity import Severity

if TYPE_CHECKING:
    from conftest import ScanBuilder


def add_passing_rules(scan: ScanBuilder, count: int) -> None:
    for index in range(count):
        scan.passing(scan.rule(f"CFW-PASS-{index:03d}", Severity.LOW))


def add_records(scan: ScanBuilder, count: int) -> None:
    for index in range(count):
        scan.record(f"10.0.{index // 250}.{index % 250}")


def test_failed_scan_names_worst_rule(scan: ScanBuilder) -> None:
    critical = scan.rule("CFW-TI-001", Severity.CRITICAL)
    high_a = scan.rule("CFW-ACL-002", Severity.HIGH)
    high_b = scan.rule("CFW-ACL-003", Severity.HIGH)
    medium = scan.rule("CFW-ACL-004", Severity.MEDIUM)
    add_records(scan, 300)
    records = list(scan.records.values())
    scan.fire(critical, records[0:2])
    scan.fire(high_a, records[2:9])
    scan.fire(high_b, records[9:12])
    scan.fire(medium, records[12:20])
    add_passing_rules(scan, 16)

    line = verdict_line(scan.result(fail_on=Severity.HIGH))

    assert line == (
        "FAILED: 12 findings at or above high in 3 rules (worst: CFW-TI-001, critical). "
        "300 records scanned, 20 rules evaluated."
    )


def test_failed_scan_singular_forms(scan: ScanBuilder) -> None:
    rule = scan.rule("CFW-TI-001", Severity.CRITICAL)
    scan.fire(rule, [scan.record("203.0.113.7")])

    line = verdict_line(scan.result(fail_on=Severity.HIGH))

    assert line == (
        "FAILED: 1 finding at or above high in 1 rule (worst: CFW-TI-001, critical). "
        "1 record scanned, 1 rule evaluated."
    )


def test_passed_scan_with_findings_below(scan: ScanBuilder) -> None:
    add_records(scan, 300)
    scan.fire(scan.rule("CFW-LOW-001", Severity.LOW), list(scan.records.values())[:5])
    add_passing_rules(scan, 19)

    line = verdict_line(scan.result(fail_on=Severity.HIGH))

    assert line == "PASSED: no finding at or above high. 300 records scanned, 20 rules evaluated."


def test_gate_off_counts_findings(scan: ScanBuilder) -> None:
    add_records(scan, 300)
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), list(scan.records.values())[:5])
    add_passing_rules(scan, 19)

    line = verdict_line(scan.result(fail_on=None))

    assert line == (
        "PASSED: 5 findings reported; the gate is off (--fail-on never). "
        "300 records scanned, 20 rules evaluated."
    )


def test_gate_off_single_finding(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), [scan.record("203.0.113.7")])

    line = verdict_line(scan.result(fail_on=None))

    assert line == (
        "PASSED: 1 finding reported; the gate is off (--fail-on never). 1 record scanned, 1 rule evaluated."
    )


def test_empty_input_says_nothing_scanned(scan: ScanBuilder) -> None:
    add_passing_rules(scan, 20)

    line = verdict_line(scan.result(records_scanned=0))

    assert line == "PASSED: nothing was scanned (the input holds 0 records)."


def test_skipped_rules_are_not_evaluated(scan: ScanBuilder) -> None:
    add_records(scan, 2)
    add_passing_rules(scan, 1)
    scan.skip(scan.rule("CFW-OFF-001", enabled=False))

    line = verdict_line(scan.result())

    assert line == "PASSED: no finding at or above high. 2 records scanned, 1 rule evaluated."


def test_partial_input_adds_reason(scan: ScanBuilder) -> None:
    add_records(scan, 40)
    add_passing_rules(scan, 2)

    line = verdict_line(scan.result(partial_reason="TotalCount is 50 but 40 records were read."))

    assert line == (
        "PASSED: no finding at or above high. 40 records scanned, 2 rules evaluated. "
        "Partial input: TotalCount is 50 but 40 records were read."
    )


def test_partial_empty_input(scan: ScanBuilder) -> None:
    line = verdict_line(scan.result(records_scanned=0, partial_reason="page 1 was empty"))

    assert line == "PASSED: nothing was scanned (the input holds 0 records). Partial input: page 1 was empty."


class BracketTranslations(gettext.NullTranslations):
    """Catalog that brackets every message, to show which text went through it."""

    def gettext(self, message: str) -> str:
        return f"<{message}>"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"<{msgid1 if n == 1 else msgid2}>"


def test_verdict_goes_through_catalog(scan: ScanBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), [scan.record("203.0.113.7")])
    monkeypatch.setattr(i18n, "_translations", BracketTranslations())

    line = verdict_line(scan.result(partial_reason="page 2 missing"))

    assert line == (
        "<FAILED: <1 finding> at or above high in <1 rule> (worst: CFW-TI-001, critical).> "
        "<<1 record> scanned, <1 rule> evaluated.> <Partial input: page 2 missing.>"
    )


def test_chinese_sentences_join_without_space(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), [scan.record("203.0.113.7")])
    i18n.set_language("zh")
    try:
        line = verdict_line(scan.result(partial_reason="page 2 missing"))
    finally:
        i18n.set_language("en")

    assert line == (
        "未通过：1 条规则中有 1 个违规项达到或超过 high 级别（最严重：CFW-TI-001，critical）。"
        "已扫描 1 条记录，已评估 1 条规则。输入不完整：page 2 missing。"
    )
    assert "。 " not in line


def test_english_sentences_keep_space(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001", Severity.CRITICAL))
    scan.record("203.0.113.7")

    line = verdict_line(scan.result(partial_reason="page 2 missing"))

    assert line == "PASSED: no finding at or above high. 1 record scanned, 1 rule evaluated. Partial input: page 2 missing."
