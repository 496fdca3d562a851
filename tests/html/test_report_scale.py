"""A report of 100,000 findings loads and stays usable in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import ReportPage
from synthetic import large_result

pytestmark = pytest.mark.browser

FINDINGS = 100_000
#: Seconds from navigation start until the first page of rows is shown and the controls
#: work. bench/html_bench.py measured about 1 s on 2 cores (docs/benchmarks.md).
LOAD_BUDGET_SECONDS = 3.0
#: Seconds for a filter to narrow the rows once the page is usable.
FILTER_BUDGET_SECONDS = 1.0
#: File size above which the embedded data has grown by accident; 100,000 findings took
#: about 28 MB when this was written.
MAX_FILE_BYTES = 40_000_000


def test_large_report_usable(report_page: ReportPage, artifacts: Path) -> None:
    path = report_page.open(large_result(FINDINGS))
    ready_ms = report_page.evaluate("performance.getEntriesByName('report-ready')[0].startTime")

    started_ms = report_page.evaluate("performance.now()")
    report_page.page.select_option("#filter-severity", "critical")
    report_page.page.wait_for_function("() => !document.getElementById('match-count').textContent.startsWith('100,000 of')")
    filter_ms = report_page.evaluate("performance.now()") - started_ms
    report_page.page.screenshot(path=artifacts / "report-100k-findings.png")

    assert ready_ms / 1000 < LOAD_BUDGET_SECONDS
    assert filter_ms / 1000 < FILTER_BUDGET_SECONDS
    assert path.stat().st_size < MAX_FILE_BYTES
    assert len(report_page.rows()) == 100
    assert report_page.page.text_content("#page-info") is not None
    assert report_page.watch.errors == []
    assert report_page.watch.outside_requests() == []
