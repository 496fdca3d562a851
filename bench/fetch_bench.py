"""Benchmark the live fetch against the fake Cloud Firewall API on 127.0.0.1.

Compares cfw-checker's concurrent, rate-limited paging with the official SDK paging one
request after another, and with the ideal time ``pages / rate``. Then repeats the fetch
with 5 % injected 503 replies, throttling and records moving between pages, and checks
that no record is lost. Not part of the test suite; run it by hand:

    .venv/bin/python bench/fetch_bench.py [--pages 100] [--latency 0.3] [--rate 10]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The fake server lives in the test tree, which is not an installed package.
sys.path.insert(0, str(ROOT / "tests"))

from alibabacloud_cloudfw20171207 import models as sdk_models  # noqa: E402
from alibabacloud_cloudfw20171207.client import Client as SdkClient  # noqa: E402
from alibabacloud_tea_openapi.utils_models import Config as SdkConfig  # noqa: E402
from fake_cloudfw import Account, FakeCloudFirewall, Faults  # noqa: E402

from checker.sources.cloudfirewall.credentials import Credentials  # noqa: E402
from checker.sources.cloudfirewall.endpoint import parse_endpoint  # noqa: E402
from checker.sources.cloudfirewall.fetcher import FetchSettings, fetch  # noqa: E402
from checker.sources.cloudfirewall.timewindow import TimeWindow  # noqa: E402

KEY_ID = "LTAI5tBenchKey"
KEY_SECRET = "bench-secret-not-real"
WINDOW = TimeWindow(1733300000, 1733386400)


def time_ours(server: FakeCloudFirewall, max_qps: float) -> tuple[float, int, dict[str, int]]:
    """Return seconds, records and request counters of one cfw-checker fetch."""
    settings = FetchSettings(endpoint=parse_endpoint(server.endpoint), window=WINDOW, max_qps=max_qps)
    started = time.perf_counter()
    outcome = fetch(settings, Credentials(KEY_ID, KEY_SECRET, None, "bench"), stderr=io.StringIO(), quiet=True)
    seconds = time.perf_counter() - started
    stats = outcome.stats
    counters = {"requests": stats.requests, "retries": stats.retries, "throttled": stats.throttled, "5xx": stats.server_errors}
    found = {record["DstIP"] for record in outcome.snapshot["DstIPList"]}
    lost = len(server.dst_ips() - found)
    return seconds, lost, counters


def time_sdk(server: FakeCloudFirewall, pages: int) -> float:
    """Return seconds for the official SDK to fetch every page, one request after another."""
    config = SdkConfig(access_key_id=KEY_ID, access_key_secret=KEY_SECRET, endpoint=f"127.0.0.1:{server.port}", protocol="http")
    client = SdkClient(config)
    started = time.perf_counter()
    for page in range(1, pages + 1):
        request = sdk_models.DescribeOutgoingDestinationIPRequest(
            start_time=str(WINDOW.start), end_time=str(WINDOW.end), page_size="10", current_page=str(page)
        )
        client.describe_outgoing_destination_ip(request)
    return time.perf_counter() - started


def serve(pages: int, faults: Faults) -> FakeCloudFirewall:
    return FakeCloudFirewall(records=pages * 10, accounts=[Account(KEY_ID, KEY_SECRET)], faults=faults)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="pages of 10 records (default: 100)")
    parser.add_argument("--latency", type=float, default=0.3, help="server latency in seconds (default: 0.3)")
    parser.add_argument("--rate", type=float, default=10.0, help="server rate limit in requests per second (default: 10)")
    options = parser.parse_args()
    os.environ["NO_PROXY"] = "127.0.0.1,localhost,::1"

    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(f"{options.pages} pages, {options.latency * 1000:.0f} ms latency, server limit {options.rate:g} requests/s")
    ideal = options.pages / options.rate
    limit = Faults(latency=options.latency, rate_limit=options.rate, burst=int(options.rate))

    with serve(options.pages, limit) as server:
        ours, lost, counters = time_ours(server, options.rate)
    print(f"cfw-checker --max-qps {options.rate:g}: {ours:.2f} s ({ours / ideal:.2f}x ideal {ideal:.1f} s), lost {lost}, {counters}")
    with serve(options.pages, limit) as server:
        default_rate, lost, counters = time_ours(server, 8.0)
    print(f"cfw-checker --max-qps 8 (default): {default_rate:.2f} s ({default_rate / (options.pages / 8):.2f}x its ideal {options.pages / 8:.1f} s), lost {lost}, {counters}")
    with serve(options.pages, limit) as server:
        sdk = time_sdk(server, options.pages)
    print(f"official SDK, sequential: {sdk:.2f} s; cfw-checker at --max-qps {options.rate:g} takes {ours / sdk:.2f}x that")

    faulty = Faults(latency=options.latency, rate_limit=options.rate, burst=int(options.rate), error_rate=0.05, seed=11, shift_per_request=2)
    with serve(options.pages, faulty) as server:
        seconds, lost, counters = time_ours(server, options.rate * 1.5)
    print(f"faults (5% 503, throttling at --max-qps {options.rate * 1.5:g}, 2 rank swaps per page): {seconds:.2f} s, lost {lost}, {counters}")


if __name__ == "__main__":
    main()
