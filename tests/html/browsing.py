"""Helpers of the browser tests: a page that opens report files, and what the page did."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.reports import html
from checker.result import ScanResult

if TYPE_CHECKING:
    from playwright.sync_api import Page


@dataclass
class PageWatch:
    """What a page did besides rendering: console errors, script errors and requests."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        """Return the requests to anything but a ``file:`` URL."""
        return [url for url in self.requests if not url.startswith("file:")]


@dataclass
class ReportPage:
    """A browser page with its watch, ready to open report files."""

    page: Page
    watch: PageWatch
    folder: Path

    def open(self, result: ScanResult, name: str = "report.html") -> Path:
        """Write ``result`` as ``name`` in the test's folder, open it and wait until it is usable."""
        path = write_report(result, self.folder / name)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready=true]")
        return path

    def rows(self) -> list[list[str]]:
        """Return the text of each cell of the visible findings rows."""
        texts: list[list[str]] = self.page.eval_on_selector_all(
            "#findings-body tr", "rows => rows.map(row => Array.from(row.cells, cell => cell.textContent))"
        )
        return texts

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)


def write_report(result: ScanResult, path: Path) -> Path:
    """Write ``result`` as an HTML report to ``path`` and return the path."""
    stream = io.BytesIO()
    html.write(result, stream)
    path.write_bytes(stream.getvalue())
    return path
