"""Paging through DescribeOutgoingDestinationIP without losing a record.

The list is sorted by traffic, so records move between pages while a fetch runs. Pages
are fetched concurrently under the rate limiter, records are deduplicated by ``DstIP``,
and when the union falls short of ``TotalCount`` the pages are fetched again, a bounded
number of times, until every record has been seen.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from checker.errors import SourceError
from checker.i18n import _
from checker.records.model import Record

logger = logging.getLogger(__name__)

#: The API's maximum page size; the default of 6 would cost 67 % more requests.
PAGE_SIZE = 10
#: Extra passes over all pages when the union of records falls short of ``TotalCount``.
RECONCILE_PASSES = 2
#: Concurrent page requests; the rate limiter, not this number, sets the request rate.
WORKERS = 16


class PageClient(Protocol):
    """Interface of the API client that the pager calls."""

    async def describe(self, parameters: Mapping[str, str], *, page: int) -> dict[str, Any]: ...


class PageProgress(Protocol):
    """Receiver of the pager's progress events."""

    def set_pages(self, pages: int) -> None: ...

    def page_done(self, records: int) -> None: ...


@dataclass(frozen=True)
class PagingResult:
    """Records collected by one fetch and how complete they are."""

    #: ``TotalCount`` of the latest reply.
    total_count: int
    #: Raw records as the API returned them, deduplicated by ``DstIP``, first seen first.
    records: list[dict[str, Any]]
    #: ``RequestId`` of the first page's reply.
    first_request_id: str
    #: Pages the data set spans, capped at ``max_pages``.
    pages: int
    #: Successful page replies, reconciliation passes included.
    replies: int
    reconcile_passes: int
    missing: int
    #: Why records are missing, when they are.
    shortfall: str = ""

    @property
    def complete(self) -> bool:
        """True when every record that ``TotalCount`` announces was collected."""
        return self.missing == 0


class Pager:
    """Fetches every page of one query and keeps the union of their records."""

    def __init__(
        self,
        client: PageClient,
        base_parameters: Mapping[str, str],
        *,
        max_pages: int,
        progress: PageProgress,
    ) -> None:
        self._client = client
        self._base = dict(base_parameters)
        self._max_pages = max_pages
        self._progress = progress
        self._records: dict[str, dict[str, Any]] = {}
        self._target = 0
        self._replies = 0
        self._empty_from: int | None = None
        self._stop_when_complete = False

    async def run(self) -> PagingResult:
        """Fetch page 1, then the rest concurrently, then reconcile any shortfall."""
        first = await self._fetch(1)
        pages = self._page_count()
        self._progress.set_pages(pages)
        await self._fetch_pages(range(2, pages + 1))

        passes = 0
        while self._missing() and passes < RECONCILE_PASSES and not self._capped():
            passes += 1
            logger.warning(
                _("%d of %d records missing after paging (records moved between pages); re-fetching pages, pass %d of %d"),
                self._missing(), self._target, passes, RECONCILE_PASSES,
            )
            self._empty_from = None
            self._stop_when_complete = True
            pages = self._page_count()
            self._progress.set_pages(pages * (passes + 1))
            await self._fetch_pages(range(1, pages + 1))
        return self._result(str(first.get("RequestId") or ""), pages, passes)

    async def _fetch_pages(self, pages: Iterable[int]) -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for page in pages:
            queue.put_nowait(page)
        workers = [asyncio.ensure_future(self._worker(queue)) for _ in range(min(WORKERS, queue.qsize()))]
        if not workers:
            return
        done, pending = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()

    async def _worker(self, queue: asyncio.Queue[int]) -> None:
        while not queue.empty():
            page = queue.get_nowait()
            if self._empty_from is not None and page > self._empty_from:
                continue
            if self._stop_when_complete and not self._missing():
                return
            await self._fetch(page)

    async def _fetch(self, page: int) -> dict[str, Any]:
        parameters = {**self._base, "CurrentPage": str(page), "PageSize": str(PAGE_SIZE)}
        body = await self._client.describe(parameters, page=page)
        self._absorb(page, body)
        return body

    def _absorb(self, page: int, body: dict[str, Any]) -> None:
        total, items = _page_content(page, body)
        if self._replies and total != self._target:
            logger.info(_("page %d reports TotalCount %d instead of %d; the data changed during the fetch"), page, total, self._target)
        self._target = total
        self._replies += 1

        for index, raw in enumerate(items):
            dst_ip = validate_record(raw, page=page, index=index, request_id=str(body.get("RequestId") or ""))
            self._records.setdefault(dst_ip, raw)
        if not items and page <= self._page_count():
            logger.info(_("page %d of %d is empty; later pages are skipped"), page, self._page_count())
            self._empty_from = page if self._empty_from is None else min(self._empty_from, page)
        self._progress.page_done(len(self._records))

    def _page_count(self) -> int:
        return min(math.ceil(self._target / PAGE_SIZE), self._max_pages)

    def _capped(self) -> bool:
        return math.ceil(self._target / PAGE_SIZE) > self._max_pages

    def _missing(self) -> int:
        return max(0, self._target - len(self._records))

    def _result(self, first_request_id: str, pages: int, passes: int) -> PagingResult:
        missing = self._missing()
        shortfall = ""
        if missing and self._capped():
            shortfall = _("TotalCount %(total)d needs %(pages)d pages, more than --max-pages %(max)d") % {
                "total": self._target, "pages": math.ceil(self._target / PAGE_SIZE), "max": self._max_pages
            }
        elif missing:
            shortfall = _("still missing after %(passes)d reconciliation passes over all pages") % {"passes": passes}
        return PagingResult(
            total_count=self._target,
            records=list(self._records.values()),
            first_request_id=first_request_id,
            pages=pages,
            replies=self._replies,
            reconcile_passes=passes,
            missing=missing,
            shortfall=shortfall,
        )


def _page_content(page: int, body: dict[str, Any]) -> tuple[int, list[Any]]:
    total = body.get("TotalCount")
    request_id = body.get("RequestId") or "(none)"
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise SourceError(
            _(
                "page %(page)d reply (RequestId %(request)s): TotalCount is %(total)s, expected a non-negative integer; "
                "check that --endpoint points at the Cloud Firewall API"
            ) % {"page": page, "request": request_id, "total": repr(total)}
        )
    items = body.get("DstIPList", [])
    if not isinstance(items, list):
        raise SourceError(
            _("page %(page)d reply (RequestId %(request)s): DstIPList is %(type)s, expected a list")
            % {"page": page, "request": request_id, "type": type(items).__name__}
        )
    return total, items


def validate_record(raw: Any, *, page: int, index: int, request_id: str) -> str:
    """Decode ``raw`` with the record model and return its ``DstIP``, or raise :class:`SourceError`."""
    place = _("page %(page)d (RequestId %(request)s), DstIPList[%(index)d]") % {
        "page": page, "request": request_id or "(none)", "index": index
    }
    try:
        record = msgspec.convert(raw, Record, strict=False)
    except msgspec.ValidationError as exc:
        detail, _separator, path = str(exc).partition(" - at `$")
        location = f"{place}{path.rstrip('`')}"
        raise SourceError(
            _(
                "%(location)s: %(detail)s; the API returned a record that the record model rejects, "
                "so nothing was written. Report this with the RequestId."
            ) % {"location": location, "detail": detail}
        ) from exc
    return record.DstIP
