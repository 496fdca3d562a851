"""Hostile record values in report.html never run in a real browser, with or without the policy."""

from __future__ import annotations

import pytest
from browsing import ReportPage
from synthetic import hostile_result

pytestmark = pytest.mark.browser

#: Each payload sets window.__pwned if the page ever runs it as markup or script.
PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "\"'><svg onload=window.__pwned=1>",
    "<!--<script>window.__pwned=1</script>-->",
    "\u2028\u2029</ScRiPt ><iframe srcdoc=\"<script>parent.__pwned=1</script>\">",
    "javascript:window.__pwned=1",
]


def exercise(report_page: ReportPage) -> None:
    """Open every view that shows record values: all rows, the search, the detail view and print."""
    page = report_page.page
    for details in page.query_selector_all("#rules details"):
        details.evaluate("node => { node.open = true; }")
    page.select_option("#page-size", "500")
    page.fill("#filter-text", "script")
    page.wait_for_timeout(300)
    page.fill("#filter-text", "")
    page.wait_for_timeout(300)
    for index in range(len(PAYLOADS)):
        page.click(f"button.open-detail >> nth={index}")
        page.wait_for_selector("#detail[open]")
        page.click("#detail-close")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.click("#findings-table button.sort[data-sort='dstip']")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_payloads_inert_with_policy(report_page: ReportPage, lang: str) -> None:
    report_page.open(hostile_result(PAYLOADS, lang=lang))

    exercise(report_page)

    assert report_page.evaluate("window.__pwned") is None
    assert report_page.watch.errors == []
    assert report_page.watch.outside_requests() == []


def test_payloads_inert_without_policy(page_without_csp: ReportPage) -> None:
    page_without_csp.open(hostile_result(PAYLOADS))

    exercise(page_without_csp)

    assert page_without_csp.evaluate("window.__pwned") is None
    assert page_without_csp.evaluate("document.querySelectorAll('img, iframe, svg:not(#severity-chart)').length") == 0
    assert page_without_csp.evaluate("document.scripts.length") == 2
    assert page_without_csp.watch.outside_requests() == []


def test_payloads_shown_as_text(report_page: ReportPage) -> None:
    report_page.open(hostile_result(PAYLOADS))

    destinations = [row[2] for row in report_page.rows()]
    report_page.page.click("button.open-detail >> nth=0")
    detail = report_page.page.text_content("#detail-body") or ""

    # Rows keep the result's order, by DstIP within the one rule.
    assert destinations == sorted(PAYLOADS)
    assert detail.count(sorted(PAYLOADS)[0]) >= 10
    rules = report_page.page.text_content("#rules") or ""
    assert PAYLOADS[0] in rules
    assert PAYLOADS[-1] in rules
