"""API error codes, retries and non-JSON replies: exit codes and the exact messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_cloudfw import FakeCloudFirewall, Faults

from checker.sources.cloudfirewall.apierrors import parse_retry_after

from .conftest import ACCESS_KEY_ID, fetch_cli

StartFake = Callable[..., FakeCloudFirewall]

PARAMETERS_SENT = (
    "CurrentPage=1, EndTime=1733386400, Lang=zh, Order=desc, PageSize=10, Sort=SessionCount, StartTime=1733300000"
)
PERMISSION_ADVICE = (
    f"Grant the RAM user or role of AccessKey {ACCESS_KEY_ID} the permission "
    "yundun-cloudfirewall:DescribeOutgoingDestinationIP."
)
ACCESS_KEY_ADVICE = (
    f"Check the AccessKey {ACCESS_KEY_ID} from environment: the secret must belong to this key id, "
    "the key must be active, and an STS token must not be expired."
)

FATAL_CODES = [
    ("Forbidden.RAM", "User not authorized to operate on the specified resource. (HTTP 403", PERMISSION_ADVICE),
    ("NoPermission", "You are not authorized to perform this operation. (HTTP 403", PERMISSION_ADVICE),
    ("SignatureDoesNotMatch", "Specified signature does not match our calculation. (HTTP 400", ACCESS_KEY_ADVICE),
    ("IncompleteSignature", "The request signature does not conform to Aliyun standards. (HTTP 400", ACCESS_KEY_ADVICE),
    ("InvalidAccessKeyId.NotFound", "Specified access key is not found. (HTTP 404", ACCESS_KEY_ADVICE),
    ("ErrorTimeError", "The time is invalid. (HTTP 400", f"Check the parameters sent: {PARAMETERS_SENT}."),
    ("ErrorIntervalError", "The interval is invalid. (HTTP 400", f"Check the parameters sent: {PARAMETERS_SENT}."),
    ("ErrorPageNo", "Either page number or page size is invalid. (HTTP 400", f"Check the parameters sent: {PARAMETERS_SENT}."),
    ("MissingParameter", "The input parameter is missing. (HTTP 400", f"Check the parameters sent: {PARAMETERS_SENT}."),
    ("ErrorDBSelectError", "ErrorDBSelectError (injected). (HTTP 400", f"Check the parameters sent: {PARAMETERS_SENT}."),
]


@pytest.mark.usefixtures("env_credentials")
@pytest.mark.parametrize(("code", "message", "advice"), FATAL_CODES)
def test_fatal_code_message(start_fake: StartFake, tmp_path: Path, code: str, message: str, advice: str) -> None:
    server = start_fake(records=5, faults=Faults(error_code=code))

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 3
    assert result.stderr == (
        f"error: Cloud Firewall API request for page 1 failed: {code}: {message}, RequestId FAKE-0001). {advice}\n"
    )
    assert len(server.received) == 1
    assert not (tmp_path / "snapshot.json").exists()


@pytest.mark.usefixtures("env_credentials")
def test_clock_skew_message(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5)
    server.authenticator.clock_offset = 3600.0

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 3
    pattern = (
        r"error: Cloud Firewall API request for page 1 failed: InvalidTimeStamp\.Expired: "
        r"Specified time stamp or date value is expired\. \(HTTP 400, RequestId FAKE-0001\)\. "
        r"Check this machine's clock: the request was signed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\), "
        r"which must be within 15 minutes of the server's time\.\n"
    )
    assert re.fullmatch(pattern, result.stderr)


@pytest.mark.usefixtures("env_credentials")
def test_unknown_key_id(start_fake: StartFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tUnknownKey")
    server = start_fake(records=5)

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 3
    assert "InvalidAccessKeyId.NotFound: Specified access key is not found. (HTTP 404" in result.stderr
    assert "Check the AccessKey LTAI5tUnknownKey from environment" in result.stderr


@pytest.mark.usefixtures("env_credentials")
def test_throttling_exhausted(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(error_code="Throttling.User"))

    result = fetch_cli(server, tmp_path / "snapshot.json", "--max-retries", "2")

    assert result.code == 3
    assert re.fullmatch(
        r"error: Cloud Firewall API request for page 1 failed after 3 attempts in \d+\.\d s; "
        r"last error: Throttling\.User: Request was denied due to user flow control\. \(HTTP 400, RequestId FAKE-0003\)\. "
        r"The API allows about 10 requests per second per account, shared by all its RAM users; "
        r"lower --max-qps or try again later\.\n",
        result.stderr,
    )
    assert len(server.received) == 3


@pytest.mark.usefixtures("env_credentials")
def test_server_errors_exhausted(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(error_code="ServiceUnavailable"))

    result = fetch_cli(server, tmp_path / "snapshot.json", "--max-retries", "1")

    assert result.code == 3
    assert re.fullmatch(
        r"error: Cloud Firewall API request for page 1 failed after 2 attempts in \d+\.\d s; "
        r"last error: ServiceUnavailable: The request has failed due to a temporary failure of the server\. "
        r"\(HTTP 503, RequestId FAKE-0002\)\. The service or a proxy in front of it is failing; try again later\.\n",
        result.stderr,
    )


@pytest.mark.usefixtures("env_credentials")
def test_timeout_exhausted(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(latency=0.4))

    result = fetch_cli(server, tmp_path / "snapshot.json", "--timeout", "0.1", "--max-retries", "1")

    assert result.code == 3
    assert re.fullmatch(
        r"error: Cloud Firewall API request for page 1 failed after 2 attempts in \d+\.\d s; "
        rf"last error: timed out \(ReadTimeout\)\. Check the network path to {re.escape(server.endpoint)} "
        r"and any proxy, or raise --timeout\.\n",
        result.stderr,
    )


@pytest.mark.usefixtures("env_credentials")
def test_connection_refused_exhausted(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5)
    endpoint = server.endpoint
    server.__exit__(None, None, None)

    result = fetch_cli(server, tmp_path / "snapshot.json", "--max-retries", "1")

    assert result.code == 3
    assert "last error: connection failed (ConnectError: " in result.stderr
    assert f"Check the network path to {endpoint} and any proxy, or raise --timeout." in result.stderr


@pytest.mark.usefixtures("env_credentials")
def test_retries_recover_from_transient_errors(start_fake: StartFake, tmp_path: Path) -> None:
    faults = Faults(error_code="InternalError", error_at=frozenset({1, 3}))
    server = start_fake(records=25, faults=faults)

    result = fetch_cli(server, tmp_path / "snapshot.json", "-v")

    assert result.code == 0, result.stderr
    assert "InternalError: The request processing has failed due to some unknown error. (HTTP 500, RequestId FAKE-0001); retry 1 of 5 in " in result.stderr


@pytest.mark.usefixtures("env_credentials")
def test_retry_after_is_honoured(start_fake: StartFake, tmp_path: Path) -> None:
    faults = Faults(error_code="Throttling.User", error_at=frozenset({1}), retry_after_ms=700)
    server = start_fake(records=5, faults=faults)

    result = fetch_cli(server, tmp_path / "snapshot.json", "-v")

    assert result.code == 0, result.stderr
    assert "retry 1 of 5 in 0.70 s" in result.stderr


@pytest.mark.usefixtures("env_credentials")
def test_nonce_used_resigns_once(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(error_code="SignatureNonceUsed", error_at=frozenset({1})))

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 0, result.stderr
    nonces = {request.headers["x-acs-signature-nonce"] for request in server.received}
    assert len(nonces) == 2


@pytest.mark.usefixtures("env_credentials")
def test_nonce_used_twice_fails(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(error_code="SignatureNonceUsed"))

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 3
    assert result.stderr.startswith(
        "error: Cloud Firewall API request for page 1 failed: SignatureNonceUsed: "
        "Specified signature nonce was used already. (HTTP 400, RequestId FAKE-0002). "
    )
    assert len(server.received) == 2


@pytest.mark.usefixtures("env_credentials")
def test_html_reply_is_reported(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=5, faults=Faults(html_at=frozenset({1}), html_status=403))

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 3
    preview = ("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>" + "x" * 400)[:200]
    assert result.stderr == (
        "error: Cloud Firewall API request for page 1 failed: the reply is not a JSON object "
        f"(content-type text/html); it starts with: {preview!r} (HTTP 403). "
        f"Check --endpoint ({server.endpoint}) and any proxy between this machine and the API.\n"
    )


@pytest.mark.usefixtures("env_credentials")
def test_html_502_is_retried(start_fake: StartFake, tmp_path: Path) -> None:
    server = start_fake(records=15, faults=Faults(html_at=frozenset({2})))

    result = fetch_cli(server, tmp_path / "snapshot.json")

    assert result.code == 0, result.stderr
    assert len(server.received) == 3


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("1500", 1.5), ("250", 0.25), (" 40 ", 0.04), ("0", None), ("-3", None), ("soon", None), (None, None), ("999999", 60.0)],
)
def test_retry_after_header_read_as_milliseconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
