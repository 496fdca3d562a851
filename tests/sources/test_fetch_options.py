"""Endpoint, option and rate limiter checks that need no server."""

from __future__ import annotations

import asyncio
import time

import pytest

from checker.errors import InputError
from checker.sources.cloudfirewall.endpoint import Endpoint, parse_endpoint, resolve_endpoint
from checker.sources.cloudfirewall.ratelimit import RateLimiter

from .conftest import WINDOW, run_cli


def test_default_site_is_china() -> None:
    assert resolve_endpoint(site=None, endpoint=None) == Endpoint("https://cloudfw.aliyuncs.com", "cloudfw.aliyuncs.com")


def test_international_site() -> None:
    assert resolve_endpoint(site="international", endpoint=None).host == "cloudfw.ap-southeast-1.aliyuncs.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://cloudfw.aliyuncs.com/", Endpoint("https://cloudfw.aliyuncs.com", "cloudfw.aliyuncs.com")),
        ("https://proxy.example.com:8443", Endpoint("https://proxy.example.com:8443", "proxy.example.com:8443")),
        ("http://127.0.0.1:8080", Endpoint("http://127.0.0.1:8080", "127.0.0.1:8080")),
        ("http://[::1]:8080", Endpoint("http://[::1]:8080", "[::1]:8080")),
    ],
)
def test_endpoint_accepted(text: str, expected: Endpoint) -> None:
    assert parse_endpoint(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "https://cloudfw.aliyuncs.com/api",
            "--endpoint https://cloudfw.aliyuncs.com/api has a path, query or fragment; "
            "give only scheme, host and port, such as https://cloudfw.aliyuncs.com",
        ),
        (
            "https://cloudfw.aliyuncs.com?x=1",
            "--endpoint https://cloudfw.aliyuncs.com?x=1 has a path, query or fragment; "
            "give only scheme, host and port, such as https://cloudfw.aliyuncs.com",
        ),
        (
            "cloudfw.aliyuncs.com",
            "--endpoint cloudfw.aliyuncs.com needs an http:// or https:// scheme and a host, such as https://cloudfw.aliyuncs.com",
        ),
        (
            "http://cloudfw.aliyuncs.com",
            "--endpoint http://cloudfw.aliyuncs.com uses plain http to a host other than this machine; use https",
        ),
        (
            "https://user:pa55@cloudfw.aliyuncs.com",
            "--endpoint contains a user name or password; remove it, because credentials come from the environment or a profile",
        ),
    ],
)
def test_endpoint_rejected(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_endpoint(text)

    assert str(caught.value) == message


def test_site_and_endpoint_exclusive() -> None:
    result = run_cli("fetch", *WINDOW, "--site", "china", "--endpoint", "http://127.0.0.1:9")

    assert result.code == 2
    assert result.stderr == "error: --endpoint and --site cannot be combined; give one of them\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--port", "70000", "argument --port: 70000 is out of range; give a port from 1 to 65535"),
        ("--port", "http", "argument --port: 'http' is not a port number; give 1 to 65535"),
        ("--dst-ip", "10.0.XX.XX", "argument --dst-ip: '10.0.XX.XX' is not an IPv4 or IPv6 address, such as 203.0.113.7"),
        ("--max-qps", "0", "argument --max-qps: 0 must be a positive number"),
        ("--timeout", "soon", "argument --timeout: 'soon' is not a number"),
        ("--max-retries", "50", "argument --max-retries: 50 is out of range; give 0 to 20"),
        ("--category", "Risky", "argument --category: invalid choice: 'Risky' (choose from 'All', 'RiskDomain', 'RiskIP', 'AliYun', 'NotAliYun')"),
    ],
)
def test_option_value_rejected(option: str, value: str, message: str) -> None:
    result = run_cli("fetch", *WINDOW, option, value)

    assert result.code == 2
    assert result.stderr.splitlines()[-1] == f"cfw-checker fetch: error: {message}"


def test_scan_accepts_fetch_options() -> None:
    result = run_cli("scan", "--fetch", "--since", "24h", "--endpoint", "http://example.com", "--lang", "en")

    assert result.code == 2
    assert result.stderr == "error: --endpoint http://example.com uses plain http to a host other than this machine; use https\n"


def test_limiter_halves_on_throttling_once_per_second() -> None:
    now = [100.0]
    limiter = RateLimiter(8.0, clock=lambda: now[0])

    limiter.throttled()
    limiter.throttled()
    assert limiter.rate == 4.0
    now[0] += 1.5
    limiter.throttled()
    assert limiter.rate == 2.0
    assert limiter.cuts == 2


def test_limiter_recovers_additively() -> None:
    limiter = RateLimiter(8.0, clock=lambda: 0.0)
    limiter.throttled()

    for _ in range(10):
        limiter.succeeded()

    assert limiter.rate == pytest.approx(5.0)
    for _ in range(100):
        limiter.succeeded()
    assert limiter.rate == 8.0


def test_limiter_floor_follows_low_maximum() -> None:
    limiter = RateLimiter(0.2)

    limiter.throttled()

    assert limiter.rate == 0.2


def test_limiter_spaces_requests() -> None:
    async def take(limiter: RateLimiter, count: int) -> None:
        await asyncio.gather(*(limiter.acquire() for _ in range(count)))

    started = time.monotonic()
    asyncio.run(take(RateLimiter(50.0), 11))
    elapsed = time.monotonic() - started

    assert 0.19 <= elapsed < 0.5


def test_limiter_pause_delays_next_request() -> None:
    async def paused() -> float:
        limiter = RateLimiter(100.0)
        await limiter.acquire()
        limiter.pause(0.2)
        started = time.monotonic()
        await limiter.acquire()
        return time.monotonic() - started

    assert asyncio.run(paused()) >= 0.19
