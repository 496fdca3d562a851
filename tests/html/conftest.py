"""Fixtures of the browser tests: the system Chromium driven by Playwright, and report files.

The tests need ``/usr/bin/chromium`` (``apt-get install chromium``; another binary through
the ``CHROMIUM_PATH`` variable) and the ``playwright`` package. They never download a
browser. Without them the tests fail when the ``CI`` variable is set, and skip otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browsing import PageWatch, ReportPage

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Request, Route

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless Chromium as root needs --no-sandbox. The other switches stop background traffic
# (updates, sync, field trials) that this test machine and CI runners cannot send anyway.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the system Chromium through Playwright")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return a headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _block_outside(route: Route, request: Request) -> None:
    if request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def _new_report_page(browser: Browser, folder: Path, *, bypass_csp: bool) -> tuple[ReportPage, BrowserContext]:
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=bypass_csp)
    # Record every request, and abort those that leave file: so that a test never reaches a host.
    context.route("**/*", _block_outside)
    watch = PageWatch()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on("console", lambda message: _record_console(watch, message))
    page.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    return ReportPage(page, watch, folder), context


@pytest.fixture
def report_page(browser: Browser, tmp_path: Path) -> Iterator[ReportPage]:
    """Return a fresh page that records console errors and requests, and aborts any that leave ``file:``."""
    report, context = _new_report_page(browser, tmp_path, bypass_csp=False)
    yield report
    context.close()


@pytest.fixture
def page_without_csp(browser: Browser, tmp_path: Path) -> Iterator[ReportPage]:
    """Return a page like :func:`report_page` that ignores the report's Content-Security-Policy.

    Hostile values must stay inert through escaping alone, without the policy's help.
    """
    report, context = _new_report_page(browser, tmp_path, bypass_csp=True)
    yield report
    context.close()


def _record_console(watch: PageWatch, message: ConsoleMessage) -> None:
    if message.type in ("error", "warning"):
        watch.errors.append(f"console {message.type}: {message.text}")


@pytest.fixture
def artifacts() -> Path:
    """Return the git-ignored folder for screenshots, created when missing."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
