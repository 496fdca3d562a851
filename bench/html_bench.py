"""Measure report.html at scale: render time, file size and load-to-usable time in Chromium.

The scan result pairs the built-in rules with generated records, two findings per record
(``tests/html/synthetic.py``). The page is opened from ``file://`` in the system Chromium
through Playwright with the same switches as the browser tests. Load-to-usable is the
``report-ready`` performance mark: milliseconds from navigation start until the first
page of rows is shown and the controls work. Filter and search times run from the change
of the control until the match count changes, and search includes the 150 ms input delay.

Usage::

    .venv/bin/python bench/html_bench.py --findings 100000 --runs 5
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "tests" / "html"))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from synthetic import large_result  # noqa: E402

from checker.reports import html  # noqa: E402

MATCH_CHANGED = "before => document.getElementById('match-count').textContent !== before"


def measure_page(page: Page, url: str) -> dict[str, float]:
    """Open ``url`` and return the load, filter, search and sort times in milliseconds."""
    page.goto(url)
    page.wait_for_selector("html[data-ready=true]", timeout=120_000)
    times = {"ready": page.evaluate("performance.getEntriesByName('report-ready')[0].startTime")}

    before = page.text_content("#match-count")
    started = time.perf_counter()
    page.select_option("#filter-severity", "critical")
    page.wait_for_function(MATCH_CHANGED, arg=before)
    times["filter"] = (time.perf_counter() - started) * 1000

    page.select_option("#filter-severity", "")
    before = page.text_content("#match-count")
    started = time.perf_counter()
    page.fill("#filter-text", "backdoor")
    page.wait_for_function(MATCH_CHANGED, arg=before)
    times["search"] = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    page.click("button.sort[data-sort='bytes']")
    times["sort"] = (time.perf_counter() - started) * 1000
    return times


def machine() -> str:
    """Return the CPU model, core count, OS and Chromium path of this machine."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    """Run the benchmark and print a Markdown table of the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000, help="findings in the report (default: 100000)")
    parser.add_argument("--runs", type=int, default=5, help="page loads to take the median of (default: 5)")
    options = parser.parse_args()

    started = time.perf_counter()
    result = large_result(options.findings)
    built = time.perf_counter() - started
    stream = io.BytesIO()
    started = time.perf_counter()
    html.write(result, stream)
    rendered = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        path.write_bytes(stream.getvalue())
        samples: list[dict[str, float]] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            version = browser.version
            for _run in range(options.runs):
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                samples.append(measure_page(page, path.as_uri()))
                page.close()
            browser.close()

    print(f"machine: {machine()}, Chromium {version}")
    print(f"findings: {options.findings:,}, records: {len(result.records_by_ip):,}, runs: {options.runs}")
    print(f"build the result: {built:.2f} s (not part of the report)")
    print()
    print("| measure | median | min | max |")
    print("|---|---:|---:|---:|")
    print(f"| render report.html (Python) | {rendered * 1000:,.0f} ms | | |")
    print(f"| file size | {len(stream.getvalue()) / 1_000_000:.1f} MB | | |")
    for name, label in (("ready", "load to usable"), ("filter", "severity filter"), ("search", "search"), ("sort", "sort by bytes")):
        values = [sample[name] for sample in samples]
        print(f"| {label} | {statistics.median(values):,.0f} ms | {min(values):,.0f} ms | {max(values):,.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
