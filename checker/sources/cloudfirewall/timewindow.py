"""The query's time window: ``--start``/``--end`` or ``--since``, in UNIX seconds.

The API takes ``StartTime`` and ``EndTime`` as UNIX seconds. Values that look like
milliseconds, windows that end before they start, ends in the future and ISO 8601 times
without a UTC offset are rejected with the value and how it was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from checker.errors import InputError
from checker.i18n import _

#: Larger values are read as milliseconds: 10**11 seconds is the year 5138.
MILLISECONDS_THRESHOLD = 10**11
#: How far in the future ``--end`` may be, to absorb clock skew.
FUTURE_TOLERANCE_SECONDS = 5 * 60
_SECONDS_PER_YEAR = 365.2425 * 86400
_DURATION = re.compile(r"(\d+)([mhd])")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
_EXAMPLE_ISO = "2024-12-04T10:00:00+08:00"


@dataclass(frozen=True)
class TimeWindow:
    """Start and end of the queried traffic, UNIX seconds."""

    start: int
    end: int

    def to_source(self) -> dict[str, int | str]:
        """Return the window as the snapshot's ``time_window`` object."""
        return {
            "start": self.start,
            "end": self.end,
            "start_iso": _iso(self.start),
            "end_iso": _iso(self.end),
        }


def parse_time_window(*, start: str | None, end: str | None, since: str | None, now: float) -> TimeWindow:
    """Build the window from the option values, raising :class:`InputError` on a bad value."""
    if since is not None:
        if start is not None or end is not None:
            raise InputError(_("--since cannot be combined with --start or --end; give one or the other"))
        end_seconds = int(now)
        return TimeWindow(end_seconds - parse_duration(since), end_seconds)
    if start is None:
        if end is not None:
            raise InputError(_("--end needs --start; give --start as well, or use --since such as --since 24h"))
        raise InputError(_("no time window given; use --since such as --since 24h, or --start and --end"))

    start_seconds = parse_time("--start", start)
    end_seconds = parse_time("--end", end) if end is not None else int(now)
    _check_order(start, start_seconds, end, end_seconds)
    _check_not_future(end, end_seconds, now)
    return TimeWindow(start_seconds, end_seconds)


def parse_duration(text: str) -> int:
    """Return the seconds in ``text`` such as ``90m``, ``24h`` or ``7d``."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise InputError(
            _("--since %(value)s is not a duration; use a number followed by m, h or d, such as 90m, 24h or 7d") % {"value": text}
        )
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise InputError(_("--since %(value)s is an empty window; give a positive duration such as 24h") % {"value": text})
    return seconds


def parse_time(option: str, text: str) -> int:
    """Read ``text`` as UNIX seconds or as an ISO 8601 time with a UTC offset."""
    value = text.strip()
    if re.fullmatch(r"-?\d+", value):
        return _check_seconds(option, text, int(value))
    try:
        moment = datetime.fromisoformat(_with_offset_z(value))
    except ValueError:
        raise InputError(
            _(
                "%(option)s %(value)s is not a time; give UNIX seconds such as 1733300000 "
                "or ISO 8601 with a UTC offset such as %(example)s"
            ) % {"option": option, "value": text, "example": _EXAMPLE_ISO}
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(
            _(
                "%(option)s %(value)s has no UTC offset, so its time zone is unknown; "
                "add one, such as %(time)s+08:00 or %(time)sZ"
            ) % {"option": option, "value": text, "time": value}
        )
    return int(moment.timestamp())


def _with_offset_z(value: str) -> str:
    # datetime.fromisoformat reads a trailing "Z" only from Python 3.11 on.
    return value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value


def _check_seconds(option: str, text: str, seconds: int) -> int:
    if seconds < 0:
        raise InputError(_("%(option)s %(value)s is before 1970; give UNIX seconds such as 1733300000") % {"option": option, "value": text})
    if seconds > MILLISECONDS_THRESHOLD:
        year = 1970 + int(seconds / _SECONDS_PER_YEAR)
        raise InputError(
            _(
                "%(option)s %(value)s looks like milliseconds (it would be the year %(year)d); "
                "give UNIX seconds such as %(seconds)d"
            ) % {"option": option, "value": text, "year": year, "seconds": seconds // 1000}
        )
    return seconds


def _check_order(start: str, start_seconds: int, end: str | None, end_seconds: int) -> None:
    if start_seconds < end_seconds:
        return
    end_text = f"--end {end}" if end is not None else _("now")
    raise InputError(
        _("--start %(start)s (%(start_time)s) is not before %(end)s (%(end_time)s); the window must start before it ends")
        % {"start": start, "start_time": _iso(start_seconds), "end": end_text, "end_time": _iso(end_seconds)}
    )


def _check_not_future(end: str | None, end_seconds: int, now: float) -> None:
    ahead = end_seconds - now
    if end is None or ahead <= FUTURE_TOLERANCE_SECONDS:
        return
    raise InputError(
        _(
            "--end %(end)s (%(end_time)s) is %(ahead)s in the future by this machine's clock; "
            "give an end up to now, or check the clock"
        ) % {"end": end, "end_time": _iso(end_seconds), "ahead": _describe(ahead)}
    )


def _describe(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return _("%(count)d min") % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return _("%(count)d h") % {"count": hours}
    return _("%(count)d days") % {"count": hours // 24}


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")

