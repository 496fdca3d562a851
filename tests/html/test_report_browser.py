"""report.html in headless Chromium: offline, no errors, filters, search, detail view, printing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest
from browsing import ReportPage
from synthetic import REPOSITORY

from checker.result import ScanResult, WaiverSummary
from checker.scan import ScanOptions, run_scan
from checker.severity import Severity

pytestmark = pytest.mark.browser

SAMPLE = REPOSITORY / "examples" / "sample-export.json"


@pytest.fixture(scope="module")
def sample_result() -> ScanResult:
    """Return the scan of the bundled sample export with the built-in policy pack."""
    return run_scan(ScanOptions(inputs=[str(SAMPLE)]))


def test_sample_report_offline_clean(report_page: ReportPage, sample_result: ScanResult, artifacts: Path) -> None:
    report_page.open(sample_result)
    report_page.page.screenshot(path=artifacts / "report-en.png", full_page=False)

    assert report_page.watch.errors == []
    assert report_page.watch.outside_requests() == []
    assert report_page.watch.requests == [report_page.page.url]
    assert report_page.evaluate("document.documentElement.lang") == "en"
    assert len(report_page.rows()) == min(100, len(sample_result.findings))
    assert report_page.page.text_content("#match-count") == (
        f"{len(sample_result.findings)} of {len(sample_result.findings)} findings match"
    )


def test_sample_report_chinese(report_page: ReportPage, sample_result: ScanResult, artifacts: Path) -> None:
    report_page.open(dataclasses.replace(sample_result, lang="zh"))
    report_page.page.screenshot(path=artifacts / "report-zh.png", full_page=False)

    assert report_page.watch.errors == []
    assert report_page.evaluate("document.documentElement.lang") == "zh"
    assert report_page.page.text_content("h1") == "cfw-checker 报告"
    assert report_page.page.text_content("#findings h2") == "违规项"
    first_severity = report_page.rows()[0][0]
    assert first_severity == "严重"


def test_severity_filter_narrows_rows(report_page: ReportPage, sample_result: ScanResult) -> None:
    expected = sum(1 for finding in sample_result.findings if finding.severity is Severity.MEDIUM)
    report_page.open(sample_result)

    report_page.page.select_option("#filter-severity", "medium")

    rows = report_page.rows()
    assert 0 < len(rows) == expected < len(sample_result.findings)
    assert {row[0] for row in rows} == {"medium"}


def test_rule_button_filters_findings(report_page: ReportPage, sample_result: ScanResult) -> None:
    outcome = next(outcome for outcome in sample_result.outcomes if len(outcome.findings) > 1)
    report_page.open(sample_result)

    index = sample_result.outcomes.index(outcome)
    report_page.page.click(f'button.show-findings[data-rule="{index}"]')

    rows = report_page.rows()
    assert len(rows) == len(outcome.findings)
    assert {row[1] for row in rows} == {outcome.rule.id}
    assert report_page.page.input_value("#filter-rule") == str(index)


def test_search_finds_destination(report_page: ReportPage, sample_result: ScanResult) -> None:
    target = sample_result.findings[-1].dst_ip
    expected = sum(1 for finding in sample_result.findings if target in finding.dst_ip)
    report_page.open(sample_result)

    report_page.page.fill("#filter-text", target)
    report_page.page.wait_for_function(
        "expected => document.querySelectorAll('#findings-body tr').length === expected", arg=expected
    )

    assert {row[2] for row in report_page.rows()} <= {finding.dst_ip for finding in sample_result.findings}
    assert target in {row[2] for row in report_page.rows()}


def test_search_without_match(report_page: ReportPage, sample_result: ScanResult) -> None:
    report_page.open(sample_result)

    report_page.page.fill("#filter-text", "no-such-destination")
    report_page.page.wait_for_selector("#findings-body td.empty")

    assert report_page.rows() == [["No finding matches the filters."]]
    assert report_page.page.text_content("#page-info") == ""


def test_sort_by_sessions(report_page: ReportPage, sample_result: ScanResult) -> None:
    report_page.open(sample_result)

    report_page.page.click('button.sort[data-sort="sessions"]')
    descending = [int(row[5].replace(",", "")) for row in report_page.rows()]
    report_page.page.click('button.sort[data-sort="sessions"]')
    ascending = [int(row[5].replace(",", "")) for row in report_page.rows()]

    assert descending == sorted(descending, reverse=True)
    assert ascending == sorted(ascending)
    assert descending[0] > ascending[0]


def test_paging_moves_through_rows(report_page: ReportPage, sample_result: ScanResult) -> None:
    total = len(sample_result.findings)
    report_page.open(sample_result)

    report_page.page.select_option("#page-size", "50")
    first_page = report_page.rows()
    report_page.page.click("#page-next")
    second_page = report_page.rows()

    assert len(first_page) == 50
    assert len(second_page) == total - 50
    assert report_page.page.text_content("#page-info") == f"Findings 51–{total} of {total}"
    assert report_page.page.is_disabled("#page-next")
    assert not report_page.page.is_disabled("#page-previous")


def test_detail_view_shows_record(report_page: ReportPage, sample_result: ScanResult, artifacts: Path) -> None:
    record = next(
        record
        for finding in sample_result.findings
        if (record := sample_result.records_by_ip[finding.dst_ip]).TagList and record.ApplicationPortList
    )
    report_page.open(sample_result)

    report_page.page.fill("#filter-text", record.DstIP)
    report_page.page.wait_for_function(
        "ip => Array.from(document.querySelectorAll('button.open-detail')).every(b => b.textContent === ip)",
        arg=record.DstIP,
    )
    report_page.page.click("button.open-detail >> nth=0")
    report_page.page.wait_for_selector("#detail[open]")
    report_page.page.screenshot(path=artifacts / "report-detail-en.png")
    text = report_page.page.text_content("#detail")
    assert text is not None

    assert report_page.page.text_content("#detail-title") == f"Details of {record.DstIP}"
    for tag in record.TagList:
        assert tag.TagName in text
        assert tag.ClassId in text
    for port in record.ApplicationPortList:
        assert port.ApplicationName in text
    for heading in ("Threat intelligence tags", "Ports and applications", "Access control", "Address books", "Traffic"):
        assert heading in text
    assert f"AclCoverage{record.AclCoverage}" in text
    assert f"TotalBytes{record.TotalBytes:,}" in text
    report_page.page.click("#detail-close")
    assert not report_page.page.is_visible("#detail")


def test_print_lists_rows_without_controls(report_page: ReportPage, sample_result: ScanResult) -> None:
    total = len(sample_result.findings)
    report_page.open(sample_result)
    report_page.page.select_option("#page-size", "50")

    report_page.page.emulate_media(media="print")
    report_page.evaluate("window.dispatchEvent(new Event('beforeprint'))")

    assert len(report_page.rows()) == total
    assert report_page.page.text_content("#print-note") == f"Printed all {total} matching findings."
    assert report_page.page.is_visible("#print-note")
    assert not report_page.page.is_visible("#controls")
    assert not report_page.page.is_visible("#pager")
    assert report_page.evaluate("Array.from(document.querySelectorAll('#rules details')).every(d => d.open)")

    report_page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    report_page.page.emulate_media(media="screen")
    assert len(report_page.rows()) == 50
    assert report_page.evaluate("Array.from(document.querySelectorAll('#rules details')).some(d => !d.open)")


def test_print_notes_row_limit(report_page: ReportPage, sample_result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.reports import html

    monkeypatch.setattr(html, "PRINT_ROW_LIMIT", 10)
    total = len(sample_result.findings)
    report_page.open(sample_result)

    report_page.evaluate("window.dispatchEvent(new Event('beforeprint'))")

    assert len(report_page.rows()) == 10
    assert report_page.page.text_content("#print-note") == (
        f"Printed 10 of {total} matching findings. results.json contains all of them."
    )


def test_waiver_and_baseline_marks(report_page: ReportPage, sample_result: ScanResult) -> None:
    outcome = next(outcome for outcome in sample_result.outcomes if len(outcome.findings) > 1)
    waived, *others = outcome.findings
    marked = (
        msgspec.structs.replace(
            waived, waived_by="W-7", waiver_owner="secops", waiver_expires="2030-01-01T23:59:59Z", baseline="existing"
        ),
        *(msgspec.structs.replace(finding, baseline="new") for finding in others),
    )
    outcomes = tuple(
        dataclasses.replace(item, findings=marked) if item is outcome else item for item in sample_result.outcomes
    )
    expired = WaiverSummary(id="W-OLD", expires="2020-01-01T23:59:59Z", reason="migrated", owner="netops")
    report_page.open(dataclasses.replace(sample_result, outcomes=outcomes, expired_waivers=(expired,)))

    report_page.page.select_option("#filter-waiver", "waived")
    rows = report_page.rows()
    report_page.page.select_option("#filter-waiver", "")
    report_page.page.select_option("#filter-baseline", "new")

    assert [row[1:3] for row in rows] == [[outcome.rule.id, waived.dst_ip]]
    assert rows[0][7] == "existingwaived by W-7, owner secops, until 2030-01-01T23:59:59Z"
    assert len(report_page.rows()) == len(others)
    assert {row[7] for row in report_page.rows()} == {"new"}
    assert "W-OLD" in (report_page.page.text_content("#waiver-notices") or "")
    assert report_page.watch.errors == []


#: DstIP values in the order a numeric sort gives: IPv4, then IPv6, then text that is no address.
ADDRESSES_IN_ORDER = [
    "9.255.255.255",
    "10.0.0.2",
    "10.0.0.10",
    "10.0.1.1",
    "192.168.0.9",
    "::1",
    "::ffff:10.0.0.1",
    "2001:db8::2",
    "2001:db8::10",
    "2001:db8:0:1::",
    "fe80::1",
    "10.0.XX.XX",
    "not-an-address",
]

CATCH_ALL_POLICY = """\
rules:
  - id: T-ALL-001
    title: Every destination
    severity: low
    when: {field: SessionCount, gte: 0}
"""


def test_sort_by_dstip_is_numeric(report_page: ReportPage, tmp_path: Path) -> None:
    shuffled = ADDRESSES_IN_ORDER[5:] + ADDRESSES_IN_ORDER[:5]
    shuffled.reverse()
    export = tmp_path / "export.json"
    export.write_text(msgspec.json.encode([{"DstIP": address, "SessionCount": 1} for address in shuffled]).decode())
    policy = tmp_path / "policy.yaml"
    policy.write_text(CATCH_ALL_POLICY)
    result = run_scan(ScanOptions(inputs=[str(export)], policies=[str(policy)]))
    report_page.open(result)

    report_page.page.click('button.sort[data-sort="dstip"]')
    ascending = [row[2] for row in report_page.rows()]
    report_page.page.click('button.sort[data-sort="dstip"]')
    descending = [row[2] for row in report_page.rows()]

    assert ascending == ADDRESSES_IN_ORDER
    assert descending == list(reversed(ADDRESSES_IN_ORDER))
    assert report_page.watch.errors == []
