"""End-to-end fetches against the fake API: faults, completeness, snapshots, Ctrl-C, secrets."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from alibabacloud_cloudfw20171207 import models as sdk_models
from alibabacloud_cloudfw20171207.client import Client as SdkClient
from alibabacloud_tea_openapi.utils_models import Config as SdkConfig
from fake_cloudfw import FakeCloudFirewall, Faults, generate_records

from checker.records.model import Record
from checker.sources.cloudfirewall.client import RequestStats
from checker.sources.cloudfirewall.progress import BarProgress, make_progress
from checker.sources.cloudfirewall.ratelimit import RateLimiter
from checker.sources.cloudfirewall.signing import canonical_query

from .conftest import ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN, WINDOW, fetch_cli, read_json, run_cli

StartFake = Callable[..., FakeCloudFirewall]


@pytest.mark.usefixtures("env_credentials")
def test_all_faults_lose_no_record(start_fake: StartFake, tmp_path: Path) -> None:
    faults = Faults(
        latency=0.01, rate_limit=15, burst=2, retry_after_ms=50, error_rate=0.05, seed=7, shift_per_request=2
    )
    server = start_fake(records=157, faults=faults)
    output = tmp_path / "snapshot.json"

    result = fetch_cli(server, output, "--max-qps", "40")

    assert result.code == 0, result.stderr
    snapshot = read_json(output)
    assert {record["DstIP"] for record in snapshot["DstIPList"]} == server.dst_ips()
    assert len(snapshot["DstIPList"]) == 157
    assert snapshot["source"]["complete"] is True
    assert snapshot["source"]["missing"] == 0
    codes = {request.code for request in server.received}
    assert "Throttling.User" in codes
    assert "ServiceUnavailable" in codes
    assert {request.query["PageSize"] for request in server.received} == {"10"}


@pytest.mark.usefixtures("env_credentials")
def test_snapshot_layout(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=23)
    output = tmp_path / "out" / "snapshot.json"

    result = fetch_cli(server, output, "--lang", "en", "--sort", "TotalBytes", "--order", "asc", "--category", "All")

    assert result.code == 0, result.stderr
    snapshot = read_json(output)
    assert list(snapshot) == ["TotalCount", "RequestId", "DstIPList", "source"]
    assert snapshot["TotalCount"] == 23
    assert snapshot["RequestId"] == "FAKE-0001"
    source = snapshot["source"]
    assert source["kind"] == "cloudfirewall"
    assert source["endpoint"] == server.endpoint
    assert source["time_window"] == {
        "start": 1733300000, "end": 1733386400, "start_iso": "2024-12-04T08:13:20Z", "end_iso": "2024-12-05T08:13:20Z",
    }
    assert source["filters"] == {"CategoryId": "All"}
    assert (source["lang"], source["sort"], source["order"]) == ("en", "TotalBytes", "asc")
    assert source["pages"] == 3
    assert sorted(source["request_ids"]) == ["FAKE-0001", "FAKE-0002", "FAKE-0003"]
    assert source["complete"] is True
    assert source["fetched_at"].endswith("Z")
    totals = [int(record["TotalBytes"]) for record in snapshot["DstIPList"]]
    assert totals == sorted(totals)


@pytest.mark.usefixtures("env_credentials")
def test_snapshot_keeps_raw_records(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5)
    output = tmp_path / "snapshot.json"

    assert fetch_cli(server, output).code == 0

    text = output.read_text(encoding="utf-8")
    assert "阿里云产品" in text or "非阿里云产品" in text
    record = read_json(output)["DstIPList"][0]
    assert isinstance(record["TotalBytes"], str)
    assert record["HasAcl"] in ("true", "false")


@pytest.mark.usefixtures("env_credentials")
def test_summary_line(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=11)
    output = tmp_path / "snapshot.json"

    result = fetch_cli(server, output)

    last = result.stderr.splitlines()[-1]
    assert last.startswith("fetched 11 records from 2 pages (2 requests, 0 retries, 0 throttled) in ")
    assert last.endswith(f" s; wrote {output}")


@pytest.mark.usefixtures("env_credentials")
def test_quiet_prints_nothing(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=11)

    result = fetch_cli(server, tmp_path / "snapshot.json", "-q")

    assert result.code == 0
    assert result.stderr == ""


@pytest.mark.usefixtures("env_credentials")
def test_progress_lines_when_not_a_terminal(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=95)

    result = fetch_cli(server, tmp_path / "snapshot.json", "--max-qps", "50")

    lines = [line for line in result.stderr.splitlines() if line.startswith("fetch: ")]
    assert lines[-1] == "fetch: 10/10 pages, 95 records, 0 retries, 50.0 req/s"
    assert len(lines) == 9


@pytest.mark.usefixtures("env_credentials")
def test_filters_reach_the_api(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=60)
    output = tmp_path / "snapshot.json"

    result = fetch_cli(server, output, "--port", "443", "--tag-id", "C&C", "--application", "HTTPS", "--private-ip", "192.168.1.2")

    assert result.code == 0, result.stderr
    query = server.received[0].query
    assert {name: query[name] for name in ("Port", "TagIdNew", "ApplicationName", "PrivateIP")} == {
        "Port": "443", "TagIdNew": "C&C", "ApplicationName": "HTTPS", "PrivateIP": "192.168.1.2",
    }
    for record in read_json(output)["DstIPList"]:
        assert any(port["Port"] == 443 for port in record["ApplicationPortList"])
        assert any(tag["TagId"] == "C&C" for tag in record["TagList"])


@pytest.mark.usefixtures("env_credentials")
def test_query_sent_is_the_query_signed(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=3)

    assert fetch_cli(server, tmp_path / "s.json", "--tag-id", "Alexa Top1M").code == 0

    request = server.received[0]
    assert request.raw_query == canonical_query(request.query)
    assert "TagIdNew=Alexa%20Top1M" in request.raw_query


@pytest.mark.usefixtures("env_credentials")
def test_fetch_accepts_tag_as_tag_id(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=3)

    assert fetch_cli(server, tmp_path / "s.json", "--tag", "Miner").code == 0

    assert "TagIdNew=Miner" in server.received[0].raw_query


@pytest.mark.usefixtures("env_credentials")
def test_empty_result(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=0)
    output = tmp_path / "snapshot.json"

    assert fetch_cli(server, output).code == 0

    snapshot = read_json(output)
    assert (snapshot["TotalCount"], snapshot["DstIPList"], snapshot["source"]["complete"]) == (0, [], True)
    assert len(server.received) == 1


@pytest.mark.usefixtures("env_credentials")
def test_incomplete_fetch_exit_3_writes_nothing(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=25, faults=Faults(phantom_records=3))
    output = tmp_path / "out" / "snapshot.json"

    result = fetch_cli(server, output)

    assert result.code == 3
    assert result.stderr.splitlines()[-1] == (
        "error: incomplete fetch: 3 of 28 records are missing (still missing after 2 reconciliation passes over all pages); "
        "nothing was written. Try again, narrow the time window or the filters, "
        "or pass --allow-partial to write a snapshot marked partial."
    )
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


@pytest.mark.usefixtures("env_credentials")
def test_allow_partial_writes_marked_snapshot(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=25, faults=Faults(phantom_records=3))
    output = tmp_path / "snapshot.json"

    result = fetch_cli(server, output, "--allow-partial")

    assert result.code == 0
    assert (
        "warning: incomplete fetch: 3 of 28 records are missing "
        "(still missing after 2 reconciliation passes over all pages); the snapshot is marked partial"
    ) in result.stderr.splitlines()
    assert "; 3 missing; wrote partial snapshot " in result.stderr.splitlines()[-1]
    source = read_json(output)["source"]
    assert (source["complete"], source["missing"], source["reconcile_passes"]) == (False, 3, 2)


@pytest.mark.usefixtures("env_credentials")
def test_page_cap_makes_fetch_incomplete(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=35)

    result = fetch_cli(server, tmp_path / "snapshot.json", "--max-pages", "2")

    assert result.code == 3
    assert result.stderr.splitlines()[-1].startswith(
        "error: incomplete fetch: 15 of 35 records are missing (TotalCount 35 needs 4 pages, more than --max-pages 2); "
    )
    assert len(server.received) == 2


@pytest.mark.usefixtures("env_credentials")
def test_invalid_record_names_page_and_path(start_fake: StartFake, tmp_path: Path) -> None:
    records = generate_records(15)
    records[13].wire["zh"]["TagList"] = [{"TagId": "Miner", "RiskLevel": "high"}]
    server = start_fake(records=records)
    output = tmp_path / "snapshot.json"

    result = fetch_cli(server, output)

    assert result.code == 3
    assert result.stderr == (
        "error: page 2 (RequestId FAKE-0002), DstIPList[3].TagList[0].RiskLevel: Expected `int`, got `str`; "
        "the API returned a record that the record model rejects, so nothing was written. "
        "Report this with the RequestId.\n"
    )
    assert not output.exists()


@pytest.mark.usefixtures("env_credentials")
def test_ctrl_c_exit_3_leaves_no_file(start_fake: StartFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = start_fake(records=55)
    calls = {"count": 0}
    original_send = httpx.AsyncClient.send

    async def interrupting_send(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        calls["count"] += 1
        if calls["count"] == 3:
            raise KeyboardInterrupt
        return await original_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "send", interrupting_send)
    output = tmp_path / "out" / "snapshot.json"

    result = fetch_cli(server, output)

    assert result.code == 3
    assert result.stderr.splitlines()[-1] == "error: interrupted; nothing was written"
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


def test_secret_never_appears_at_debug(
    start_fake: StartFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", SECURITY_TOKEN)
    faults = Faults(rate_limit=10, burst=1, error_rate=0.1, seed=3, shift_per_request=1)
    server = start_fake(records=45, faults=faults, token=SECURITY_TOKEN)
    output = tmp_path / "snapshot.json"
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("checker").addHandler(handler)
    try:
        result = fetch_cli(server, output, "-vv", "--max-qps", "30")
    finally:
        logging.getLogger("checker").removeHandler(handler)

    assert result.code == 0, result.stderr
    assert any(record.levelno == logging.DEBUG for record in records)
    assert any("retry" in record.getMessage() for record in records)
    texts = [result.stdout, result.stderr, output.read_text(encoding="utf-8")]
    texts += [record.getMessage() for record in records]
    for secret in (ACCESS_KEY_SECRET, SECURITY_TOKEN):
        assert all(secret not in text for text in texts)
    assert server.received[0].headers["x-acs-security-token"] == SECURITY_TOKEN


def test_wrong_secret_message_hides_secret(start_fake: StartFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-secret-value")
    server = start_fake(records=5)

    result = fetch_cli(server, tmp_path / "snapshot.json", "-vv")

    assert result.code == 3
    assert "wrong-secret-value" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: Cloud Firewall API request for page 1 failed: SignatureDoesNotMatch: "
        "Specified signature does not match our calculation. (HTTP 400, RequestId FAKE-0001). "
        f"Check the AccessKey {ACCESS_KEY_ID} from environment: the secret must belong to this key id, "
        "the key must be active, and an STS token must not be expired."
    )


def test_profile_credentials_through_cli(start_fake: StartFake, tmp_path: Path, isolated_env: Path) -> None:
    ini = isolated_env / ".alibabacloud" / "credentials"
    ini.parent.mkdir()
    ini.write_text(
        f"[audit]\ntype = access_key\naccess_key_id = {ACCESS_KEY_ID}\naccess_key_secret = {ACCESS_KEY_SECRET}\n",
        encoding="utf-8",
    )
    server = start_fake(records=4)

    result = fetch_cli(server, tmp_path / "snapshot.json", "--profile", "audit")

    assert result.code == 0, result.stderr


def test_no_credentials_exit_3(tmp_path: Path) -> None:
    result = run_cli("fetch", *WINDOW, "--endpoint", "http://127.0.0.1:9", "--output", str(tmp_path / "s.json"))

    assert result.code == 3
    assert result.stderr.startswith("error: no Alibaba Cloud credentials found; looked in:\n")


def test_official_sdk_pages_through_fake(start_fake: StartFake) -> None:
    server = start_fake(records=37)
    config = SdkConfig(
        access_key_id=ACCESS_KEY_ID, access_key_secret=ACCESS_KEY_SECRET, endpoint=f"127.0.0.1:{server.port}", protocol="http"
    )
    client = SdkClient(config)
    seen: list[str] = []

    for page in range(1, 5):
        request = sdk_models.DescribeOutgoingDestinationIPRequest(
            start_time="1733300000", end_time="1733386400", page_size="10", current_page=str(page), lang="en"
        )
        body = client.describe_outgoing_destination_ip(request).body
        assert body.total_count == 37
        seen += [item.dst_ip for item in body.dst_iplist]

    assert set(seen) == server.dst_ips()
    assert len(seen) == 37


def test_fake_records_decode_with_model() -> None:
    for record in generate_records(30):
        for lang in ("zh", "en"):
            decoded = msgspec.convert(record.wire[lang], Record, strict=False)
            assert decoded.TotalBytes == int(record.wire[lang]["TotalBytes"])


@pytest.mark.usefixtures("env_credentials")
def test_scan_fetch_scans_the_snapshot(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=40)

    result = run_cli("scan", "--fetch", *WINDOW, "--endpoint", server.endpoint, "--output-dir", str(tmp_path), "--lang", "en")

    assert result.code in (0, 1), result.stderr
    assert "40 records scanned" in result.stderr.splitlines()[-1]
    assert len(read_json(tmp_path / "snapshot.json")["DstIPList"]) == 40
    assert server.received[0].query["Lang"] == "en"


def test_progress_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = make_progress(stream, quiet=False, stats=RequestStats(), limiter=RateLimiter(8.0))
    progress.set_pages(3)
    progress.page_done(10)
    progress.page_done(20)
    progress.close()

    assert isinstance(progress, BarProgress)
    assert "2/3" in stream.getvalue()
    assert "20 records, 0 retries, 8.0 req/s" in stream.getvalue()
