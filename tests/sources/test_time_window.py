"""Time window options: accepted forms and every rejection, with its message and exit code."""

from __future__ import annotations

import pytest

from checker.errors import InputError
from checker.sources.cloudfirewall.timewindow import TimeWindow, parse_time_window

from .conftest import run_cli

NOW = 1733400000  # 2024-12-05T12:00:00Z


def window(start: str | None = None, end: str | None = None, since: str | None = None) -> TimeWindow:
    return parse_time_window(start=start, end=end, since=since, now=NOW)


def test_unix_seconds() -> None:
    assert window("1733300000", "1733386400") == TimeWindow(1733300000, 1733386400)


def test_iso_with_offset() -> None:
    assert window("2024-12-04T10:00:00+08:00", "2024-12-05T10:00:00+08:00") == TimeWindow(1733277600, 1733364000)


def test_iso_with_z_suffix() -> None:
    assert window("2024-12-04T02:00:00Z", "2024-12-04T03:00:00Z") == TimeWindow(1733277600, 1733281200)


def test_start_without_end_ends_now() -> None:
    assert window("1733300000") == TimeWindow(1733300000, NOW)


@pytest.mark.parametrize(("since", "seconds"), [("90m", 5400), ("24h", 86400), ("7d", 604800)])
def test_since_ends_now(since: str, seconds: int) -> None:
    assert window(since=since) == TimeWindow(NOW - seconds, NOW)


def test_end_within_five_minutes_ahead() -> None:
    assert window("1733300000", str(NOW + 300)).end == NOW + 300


def test_window_as_snapshot_source() -> None:
    assert TimeWindow(1733300000, 1733386400).to_source() == {
        "start": 1733300000,
        "end": 1733386400,
        "start_iso": "2024-12-04T08:13:20Z",
        "end_iso": "2024-12-05T08:13:20Z",
    }


REJECTIONS = [
    (
        {"start": "1733300000000", "end": "1733386400"},
        "--start 1733300000000 looks like milliseconds (it would be the year 56896); give UNIX seconds such as 1733300000",
    ),
    (
        {"start": "1733300000", "end": "1733386400000"},
        "--end 1733386400000 looks like milliseconds (it would be the year 56898); give UNIX seconds such as 1733386400",
    ),
    (
        {"start": "1733386400", "end": "1733300000"},
        "--start 1733386400 (2024-12-05T08:13:20Z) is not before --end 1733300000 (2024-12-04T08:13:20Z); "
        "the window must start before it ends",
    ),
    (
        {"start": "1733300000", "end": "1733300000"},
        "--start 1733300000 (2024-12-04T08:13:20Z) is not before --end 1733300000 (2024-12-04T08:13:20Z); "
        "the window must start before it ends",
    ),
    (
        {"start": "1733500000"},
        "--start 1733500000 (2024-12-06T15:46:40Z) is not before now (2024-12-05T12:00:00Z); "
        "the window must start before it ends",
    ),
    (
        {"start": "1733300000", "end": "1733407200"},
        "--end 1733407200 (2024-12-05T14:00:00Z) is 2 h in the future by this machine's clock; "
        "give an end up to now, or check the clock",
    ),
    (
        {"start": "1733300000", "end": "1733600000"},
        "--end 1733600000 (2024-12-07T19:33:20Z) is 2 days in the future by this machine's clock; "
        "give an end up to now, or check the clock",
    ),
    (
        {"start": "2024-12-04T10:00:00", "end": "1733386400"},
        "--start 2024-12-04T10:00:00 has no UTC offset, so its time zone is unknown; "
        "add one, such as 2024-12-04T10:00:00+08:00 or 2024-12-04T10:00:00Z",
    ),
    (
        {"start": "yesterday", "end": "1733386400"},
        "--start yesterday is not a time; give UNIX seconds such as 1733300000 "
        "or ISO 8601 with a UTC offset such as 2024-12-04T10:00:00+08:00",
    ),
    (
        {"start": "-5", "end": "1733386400"},
        "--start -5 is before 1970; give UNIX seconds such as 1733300000",
    ),
    (
        {"since": "24"},
        "--since 24 is not a duration; use a number followed by m, h or d, such as 90m, 24h or 7d",
    ),
    (
        {"since": "0h"},
        "--since 0h is an empty window; give a positive duration such as 24h",
    ),
    (
        {"since": "24h", "start": "1733300000"},
        "--since cannot be combined with --start or --end; give one or the other",
    ),
    (
        {"end": "1733386400"},
        "--end needs --start; give --start as well, or use --since such as --since 24h",
    ),
    (
        {},
        "no time window given; use --since such as --since 24h, or --start and --end",
    ),
]


@pytest.mark.parametrize(("options", "message"), REJECTIONS)
def test_window_rejection_message(options: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        window(**options)

    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_cli_rejects_milliseconds_with_exit_2() -> None:
    result = run_cli("fetch", "--start", "1733300000000", "--end", "1733386400", "--endpoint", "http://127.0.0.1:9")

    assert result.code == 2
    assert result.stderr == (
        "error: --start 1733300000000 looks like milliseconds (it would be the year 56896); "
        "give UNIX seconds such as 1733300000\n"
    )
