"""A fake Cloud Firewall API on 127.0.0.1 that speaks DescribeOutgoingDestinationIP.

It checks requests as the real service does: signature, date window, nonce reuse, action,
version and parameters. It serves generated records with filters, sorting and paging. On
request it injects faults: latency, throttling, 5xx replies, HTML pages, fixed error codes,
and records that move between pages while a client pages through them.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fake_cloudfw.auth import Account, Authenticator, Rejection
from fake_cloudfw.data import FakeRecord, generate_records, matches, ordered, swap_ranks, wire_copy

ACTION = "DescribeOutgoingDestinationIP"
VERSION = "2017-12-07"
MAX_PAGE_SIZE = 10
DEFAULT_PAGE_SIZE = 6


@dataclass
class Faults:
    """Fault injection knobs; change them between requests as a test needs."""

    #: Seconds to wait before every reply.
    latency: float = 0.0
    #: Requests per second the token bucket lets through; None turns throttling off.
    rate_limit: float | None = None
    #: Bucket size, the burst that passes at once.
    burst: int = 10
    #: ``x-acs-retry-after`` value in milliseconds sent with throttling replies, if any.
    retry_after_ms: int | None = None
    #: Share of requests that get 503 ServiceUnavailable, drawn from a seeded generator.
    error_rate: float = 0.0
    seed: int = 0
    #: Rank swaps across a page boundary after every page served.
    shift_per_request: int = 0
    #: Request numbers (1-based, all requests) that get an HTML page.
    html_at: frozenset[int] = frozenset()
    html_status: int = 502
    #: Error code returned for the requests in ``error_at`` (every request when it is empty).
    error_code: str | None = None
    error_at: frozenset[int] = frozenset()
    #: Records added to TotalCount that no page contains, to make a fetch incomplete.
    phantom_records: int = 0


_ERRORS = {
    "Throttling.User": (400, "Request was denied due to user flow control."),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the server."),
    "InternalError": (500, "The request processing has failed due to some unknown error."),
    "Forbidden.RAM": (403, "User not authorized to operate on the specified resource."),
    "NoPermission": (403, "You are not authorized to perform this operation."),
    "InvalidTimeStamp.Expired": (400, "Specified time stamp or date value is expired."),
    "SignatureDoesNotMatch": (400, "Specified signature does not match our calculation."),
    "IncompleteSignature": (400, "The request signature does not conform to Aliyun standards."),
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not found."),
    "SignatureNonceUsed": (400, "Specified signature nonce was used already."),
    "ErrorTimeError": (400, "The time is invalid."),
    "ErrorIntervalError": (400, "The interval is invalid."),
    "ErrorPageNo": (400, "Either page number or page size is invalid."),
    "MissingParameter": (400, "The input parameter is missing."),
}


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it, for assertions."""

    number: int
    raw_query: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int
    code: str


@dataclass
class _State:
    records: list[FakeRecord]
    faults: Faults
    authenticator: Authenticator
    rng: random.Random
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: list[Received] = field(default_factory=list)
    count: int = 0
    tokens: float = 0.0
    refilled: float = field(default_factory=time.monotonic)


class FakeCloudFirewall:
    """The fake service; use as a context manager, then point the client at :attr:`endpoint`."""

    def __init__(self, *, records: int | list[FakeRecord] = 95, accounts: list[Account], faults: Faults | None = None) -> None:
        data = generate_records(records) if isinstance(records, int) else records
        chosen = faults or Faults()
        self.state = _State(data, chosen, Authenticator(accounts), random.Random(chosen.seed), tokens=float(chosen.burst))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.state))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-cloudfw", daemon=True)

    @property
    def port(self) -> int:
        """Ephemeral port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        """Base URL for ``--endpoint``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def faults(self) -> Faults:
        """Live fault settings."""
        return self.state.faults

    @property
    def received(self) -> list[Received]:
        """Requests received so far."""
        return self.state.received

    @property
    def authenticator(self) -> Authenticator:
        """The request checker, for clock offsets."""
        return self.state.authenticator

    def dst_ips(self) -> set[str]:
        """DstIP of every record served."""
        return {record.dst_ip for record in self.state.records}

    def __enter__(self) -> FakeCloudFirewall:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        shared = state

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    shared: _State

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        """Keep the test output clean."""

    def do_POST(self) -> None:
        """Handle one API call."""
        self._serve()

    def do_GET(self) -> None:
        """Handle one API call, because the real service accepts GET as well."""
        self._serve()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        query = dict(pairs)
        headers = {name.lower(): value for name, value in self.headers.items()}
        with self.shared.lock:
            self.shared.count += 1
            number = self.shared.count
        faults = self.shared.faults
        if faults.latency:
            time.sleep(faults.latency)

        if number in faults.html_at:
            self._reply_html(faults.html_status, number, split.query, query, headers)
            return
        status, payload, extra = self._answer(number, split.path, pairs, query, headers, body)
        payload["RequestId"] = request_id(number)
        code = str(payload.get("Code", ""))
        self._record(number, split.query, query, headers, status, code)
        self._reply_json(status, payload, extra)

    def _answer(
        self, number: int, path: str, pairs: list[tuple[str, str]], query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        state, faults = self.shared, self.shared.faults
        if faults.error_rate and _draw(state) < faults.error_rate:
            return _error("ServiceUnavailable")
        if len(pairs) != len(query):
            return _error("MissingParameter", "A query parameter appears more than once.")
        rejection = state.authenticator.check(method=self.command, path=path, query=query, headers=headers, body=body)
        if rejection is not None:
            return _rejection(rejection)
        if headers.get("x-acs-action") != ACTION:
            return _rejection(Rejection(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."))
        if headers.get("x-acs-version") != VERSION:
            return _rejection(Rejection(400, "InvalidVersion", "Specified parameter Version is not valid."))
        if faults.rate_limit is not None and not _take_token(state):
            return _throttled(faults, "Throttling.User")
        if faults.error_code and (not faults.error_at or number in faults.error_at):
            return _throttled(faults, faults.error_code) if faults.error_code.startswith("Throttling") else _error(faults.error_code)
        return _page(state, query)

    def _record(self, number: int, raw_query: str, query: dict[str, str], headers: dict[str, str], status: int, code: str) -> None:
        with self.shared.lock:
            self.shared.received.append(Received(number, raw_query, query, headers, status, code))

    def _reply_json(self, status: int, payload: dict[str, Any], extra: dict[str, str]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _reply_html(self, status: int, number: int, raw_query: str, query: dict[str, str], headers: dict[str, str]) -> None:
        data = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>" + b"x" * 400 + b"</body></html>"
        self._record(number, raw_query, query, headers, status, "")
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def request_id(number: int) -> str:
    """Return the RequestId of request ``number``, predictable so that tests can pin messages."""
    return f"FAKE-{number:04d}"


def _draw(state: _State) -> float:
    with state.lock:
        return state.rng.random()


def _take_token(state: _State) -> bool:
    faults = state.faults
    with state.lock:
        now = time.monotonic()
        state.tokens = min(float(faults.burst), state.tokens + (now - state.refilled) * (faults.rate_limit or 0.0))
        state.refilled = now
        if state.tokens < 1.0:
            return False
        state.tokens -= 1.0
        return True


def _throttled(faults: Faults, code: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    status, payload, extra = _error(code)
    if faults.retry_after_ms is not None:
        extra["x-acs-retry-after"] = str(faults.retry_after_ms)
    return status, payload, extra


def _error(code: str, message: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    status, default = _ERRORS.get(code, (400, f"{code} (injected)."))
    return _rejection(Rejection(status, code, message or default))


def _rejection(rejection: Rejection) -> tuple[int, dict[str, Any], dict[str, str]]:
    payload = {
        "RequestId": "",
        "HostId": "cloudfw.aliyuncs.com",
        "Code": rejection.code,
        "Message": rejection.message,
        "Recommend": "https://api.aliyun.com/troubleshoot",
    }
    return rejection.status, payload, {}


def _page(state: _State, query: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
    problem = _check_parameters(query)
    if problem is not None:
        return _error(*problem)
    page = int(query.get("CurrentPage", "1"))
    size = int(query.get("PageSize", str(DEFAULT_PAGE_SIZE)))
    lang = query.get("Lang", "zh")
    with state.lock:
        selected = ordered(
            [record for record in state.records if matches(record, query)],
            sort=query.get("Sort", "SessionCount"),
            order=query.get("Order", "desc"),
        )
        items = [wire_copy(record, lang) for record in selected[(page - 1) * size : page * size]]
        _shift(state, selected, size)
    payload = {
        "RequestId": "",
        "TotalCount": len(selected) + state.faults.phantom_records,
        "DstIPList": items,
    }
    return 200, payload, {}


def _shift(state: _State, selected: list[FakeRecord], size: int) -> None:
    """Swap ranks across random page boundaries, so records move to a neighbouring page."""
    boundaries = math.ceil(len(selected) / size) - 1
    for _ in range(state.faults.shift_per_request if boundaries > 0 else 0):
        boundary = state.rng.randint(1, boundaries)
        swap_ranks(selected, boundary * size - 1)


def _check_parameters(query: dict[str, str]) -> tuple[str, str] | None:
    for name in ("StartTime", "EndTime"):
        if name not in query:
            return "MissingParameter", f"{name} is mandatory for this action."
        if not query[name].isdigit():
            return "ErrorTimeError", f"{name} must be UNIX seconds."
    if int(query["StartTime"]) >= int(query["EndTime"]):
        return "ErrorTimeError", "StartTime must be before EndTime."
    size, page = query.get("PageSize", str(DEFAULT_PAGE_SIZE)), query.get("CurrentPage", "1")
    if not size.isdigit() or not 1 <= int(size) <= MAX_PAGE_SIZE or not page.isdigit() or int(page) < 1:
        return "ErrorPageNo", "Either page number or page size is invalid."
    if query.get("Sort", "SessionCount") not in ("SessionCount", "TotalBytes"):
        return "ErrorSortError", "The sort is invalid."
    if query.get("Order", "desc") not in ("asc", "desc"):
        return "ErrorOrderFailed", "The order is invalid."
    if query.get("Lang", "zh") not in ("zh", "en"):
        return "ErrorDataTypeError", "The language is invalid."
    return None
