"""CloudFirewallSource: fetch every outbound-destination record of a time window."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import IO, Any

import httpx

from checker.errors import SourceError
from checker.i18n import _
from checker.sources.cloudfirewall.client import ApiClient, RequestStats, RetryPolicy
from checker.sources.cloudfirewall.credentials import Credentials
from checker.sources.cloudfirewall.endpoint import Endpoint
from checker.sources.cloudfirewall.paging import WORKERS, Pager, PagingResult
from checker.sources.cloudfirewall.progress import make_progress
from checker.sources.cloudfirewall.ratelimit import RateLimiter
from checker.sources.cloudfirewall.snapshot import build_snapshot
from checker.sources.cloudfirewall.timewindow import TimeWindow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchSettings:
    """Everything one fetch needs apart from the credentials; built from the CLI options."""

    endpoint: Endpoint
    window: TimeWindow
    #: Optional API filters by API parameter name, such as ``{"CategoryId": "RiskIP"}``.
    filters: dict[str, str] = field(default_factory=dict)
    lang: str = "zh"
    sort: str = "SessionCount"
    order: str = "desc"
    #: Requests per second; the API documents 10 per second per account.
    max_qps: float = 8.0
    #: Seconds for connecting, and for each read, of one request.
    timeout: float = 10.0
    max_retries: int = 5
    max_pages: int = 10_000
    allow_partial: bool = False

    def base_parameters(self) -> dict[str, str]:
        """Return the query parameters that every page request sends."""
        return {
            "StartTime": str(self.window.start),
            "EndTime": str(self.window.end),
            "Lang": self.lang,
            "Sort": self.sort,
            "Order": self.order,
            **self.filters,
        }


@dataclass(frozen=True)
class FetchOutcome:
    """The snapshot document and the counters behind the summary line."""

    snapshot: dict[str, Any]
    stats: RequestStats
    seconds: float


def fetch(settings: FetchSettings, credentials: Credentials, *, stderr: IO[str], quiet: bool) -> FetchOutcome:
    """Fetch all pages and return the snapshot; raise :class:`SourceError` when records are missing.

    With ``settings.allow_partial`` an incomplete fetch returns a snapshot whose
    ``source.complete`` is false instead of raising.
    """
    started = time.monotonic()
    stats = RequestStats()
    logger.info(
        _("fetching from %s, window %s .. %s, credentials from %s"),
        settings.endpoint.base_url, settings.window.start, settings.window.end, credentials.source,
    )
    result = asyncio.run(_run(settings, credentials, stats, stderr=stderr, quiet=quiet))
    _check_complete(result, settings)

    snapshot = build_snapshot(
        result,
        endpoint=settings.endpoint.base_url,
        window=settings.window,
        parameters=settings.base_parameters(),
        filters=settings.filters,
        request_ids=stats.request_ids,
        fetched_at=datetime.now(timezone.utc),
    )
    return FetchOutcome(snapshot, stats, time.monotonic() - started)


async def _run(
    settings: FetchSettings, credentials: Credentials, stats: RequestStats, *, stderr: IO[str], quiet: bool
) -> PagingResult:
    limiter = RateLimiter(settings.max_qps)
    progress = make_progress(stderr, quiet=quiet, stats=stats, limiter=limiter)
    timeout = httpx.Timeout(settings.timeout)
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    try:
        async with httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False) as http:
            client = ApiClient(
                http=http,
                endpoint=settings.endpoint,
                credentials=credentials,
                limiter=limiter,
                policy=RetryPolicy(max_retries=settings.max_retries),
                stats=stats,
            )
            pager = Pager(client, settings.base_parameters(), max_pages=settings.max_pages, progress=progress)
            return await pager.run()
    finally:
        progress.close()


def _check_complete(result: PagingResult, settings: FetchSettings) -> None:
    if result.complete:
        return
    if not settings.allow_partial:
        raise SourceError(
            _(
                "incomplete fetch: %(missing)d of %(total)d records are missing (%(reason)s); "
                "nothing was written. Try again, narrow the time window or the filters, "
                "or pass --allow-partial to write a snapshot marked partial."
            ) % {"missing": result.missing, "total": result.total_count, "reason": result.shortfall}
        )
    logger.warning(
        _("incomplete fetch: %d of %d records are missing (%s); the snapshot is marked partial"),
        result.missing, result.total_count, result.shortfall,
    )
