"""Fetch progress on stderr: a rich bar on a terminal, periodic lines otherwise, or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from checker.i18n import _
from checker.sources.cloudfirewall.client import RequestStats
from checker.sources.cloudfirewall.ratelimit import RateLimiter

#: Seconds between two progress lines when stderr is not a terminal.
LINE_INTERVAL = 5.0


class FetchProgress(Protocol):
    """Receives paging events; :meth:`close` ends the display."""

    def set_pages(self, pages: int) -> None: ...

    def page_done(self, records: int) -> None: ...

    def close(self) -> None: ...


class SilentProgress:
    """Shows nothing, for ``-q``."""

    def set_pages(self, pages: int) -> None:
        """Ignore the page count."""

    def page_done(self, records: int) -> None:
        """Ignore the page."""

    def close(self) -> None:
        """Nothing to close."""


class LineProgress:
    """Writes one line every :data:`LINE_INTERVAL` seconds or every 10 % of the pages."""

    def __init__(
        self,
        stream: IO[str],
        stats: RequestStats,
        limiter: RateLimiter,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._stats = stats
        self._limiter = limiter
        self._clock = clock
        self._pages = 0
        self._done = 0
        self._last_time = clock()
        self._last_done = 0

    def set_pages(self, pages: int) -> None:
        """Set the number of page replies expected so far."""
        self._pages = pages

    def page_done(self, records: int) -> None:
        """Count one page reply and write a line when one is due."""
        self._done += 1
        if not self._pages:
            return
        step = max(1, self._pages // 10)
        now = self._clock()
        if now - self._last_time < LINE_INTERVAL and self._done - self._last_done < step:
            return
        self._last_time = now
        self._last_done = self._done
        line = _("fetch: %(done)d/%(pages)d pages, %(records)d records, %(retries)d retries, %(rate).1f req/s") % {
            "done": self._done, "pages": self._pages, "records": records,
            "retries": self._stats.retries, "rate": self._limiter.rate,
        }
        self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Nothing to close: every line is already written."""


class BarProgress:
    """A rich progress bar with pages, records, retries and the current rate."""

    def __init__(self, stream: IO[str], stats: RequestStats, limiter: RateLimiter) -> None:
        self._stats = stats
        self._limiter = limiter
        self._bar = Progress(
            TextColumn(_("fetching")),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(_("pages, {task.fields[records]} records, {task.fields[retries]} retries, {task.fields[rate]} req/s")),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self._task = self._bar.add_task("fetch", total=None, records=0, retries=0, rate="-")
        self._bar.start()

    def set_pages(self, pages: int) -> None:
        """Set the bar's total to the page replies expected so far."""
        self._bar.update(self._task, total=pages)

    def page_done(self, records: int) -> None:
        """Advance the bar by one page."""
        self._bar.update(
            self._task,
            advance=1,
            records=records,
            retries=self._stats.retries,
            rate=f"{self._limiter.rate:.1f}",
        )

    def close(self) -> None:
        """Remove the bar from the terminal."""
        self._bar.stop()


def make_progress(stream: IO[str], *, quiet: bool, stats: RequestStats, limiter: RateLimiter) -> FetchProgress:
    """Pick the display for ``stream``: nothing when quiet, a bar on a terminal, else lines."""
    if quiet:
        return SilentProgress()
    if stream.isatty():
        return BarProgress(stream, stats, limiter)
    return LineProgress(stream, stats, limiter)
