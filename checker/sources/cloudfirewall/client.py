"""One signed DescribeOutgoingDestinationIP request, with retries and error mapping."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

from checker import __version__
from checker.errors import SourceError
from checker.i18n import _
from checker.sources.cloudfirewall.apierrors import Failure, FailureKind, fatal_error, read_reply
from checker.sources.cloudfirewall.credentials import Credentials
from checker.sources.cloudfirewall.endpoint import Endpoint
from checker.sources.cloudfirewall.ratelimit import RateLimiter
from checker.sources.cloudfirewall.signing import EMPTY_BODY_SHA256, authorization, canonical_query

logger = logging.getLogger(__name__)

ACTION = "DescribeOutgoingDestinationIP"
VERSION = "2017-12-07"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying throttling, 5xx replies, timeouts and connection errors."""

    max_retries: int = 5
    #: First backoff ceiling in seconds; it doubles per retry (full jitter below it).
    base_delay: float = 0.25
    #: Largest backoff ceiling in seconds.
    max_delay: float = 20.0
    #: Seconds one page may spend from its first attempt until its last retry starts.
    budget: float = 120.0


@dataclass
class RequestStats:
    """Counters shared by all requests of one fetch, for progress and the summary."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    server_errors: int = 0
    network_errors: int = 0
    request_ids: list[str] = field(default_factory=list)


class ApiClient:
    """Sends signed requests to one endpoint with one set of credentials."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        endpoint: Endpoint,
        credentials: Credentials,
        limiter: RateLimiter,
        policy: RetryPolicy,
        stats: RequestStats,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self._endpoint = endpoint
        self._credentials = credentials
        self._limiter = limiter
        self._policy = policy
        self._stats = stats
        self._rng = rng or random.Random()

    async def describe(self, parameters: Mapping[str, str], *, page: int) -> dict[str, Any]:
        """Return the JSON body of one successful reply, retrying what may succeed later."""
        started = time.monotonic()
        attempt = 0
        nonce_resent = False
        while True:
            await self._limiter.acquire()
            date = _utc_now()
            outcome = await self._attempt(parameters, date)
            if isinstance(outcome, dict):
                self._limiter.succeeded()
                self._stats.request_ids.append(str(outcome.get("RequestId") or ""))
                return outcome

            if outcome.kind is FailureKind.FATAL or (outcome.kind is FailureKind.NONCE_USED and nonce_resent):
                raise fatal_error(outcome, page=page, parameters=parameters, context=self._context(date))
            if outcome.kind is FailureKind.NONCE_USED:
                # Every attempt carries a fresh nonce, so re-signing once is enough.
                logger.info(_("page %d: signature nonce already used; re-signing with a new nonce"), page)
                nonce_resent = True
                continue

            attempt += 1
            delay = self._backoff(attempt, outcome)
            elapsed = time.monotonic() - started
            if attempt > self._policy.max_retries or elapsed + delay > self._policy.budget:
                raise self._exhausted(outcome, page=page, attempts=attempt, elapsed=elapsed)
            self._stats.retries += 1
            logger.info(
                _("page %d: %s; retry %d of %d in %.2f s (retries so far: %d, throttled: %d, rate now %.1f req/s)"),
                page, outcome.describe(), attempt, self._policy.max_retries, delay,
                self._stats.retries, self._stats.throttled, self._limiter.rate,
            )
            await asyncio.sleep(delay)

    async def _attempt(self, parameters: Mapping[str, str], date: str) -> dict[str, Any] | Failure:
        query = canonical_query(parameters)
        headers = self._signed_headers(query, date)
        url = httpx.URL(f"{self._endpoint.base_url}/?{query}")
        self._stats.requests += 1
        try:
            response = await self._http.post(url, headers=headers, content=b"")
        except httpx.TimeoutException as exc:
            self._stats.network_errors += 1
            return Failure(FailureKind.NETWORK, "", _("timed out (%(kind)s)") % {"kind": type(exc).__name__})
        except httpx.TransportError as exc:
            self._stats.network_errors += 1
            message = _("connection failed (%(kind)s: %(reason)s)") % {"kind": type(exc).__name__, "reason": exc}
            return Failure(FailureKind.NETWORK, "", message)
        return read_reply(response)

    def _signed_headers(self, query: str, date: str) -> dict[str, str]:
        signed = {
            "host": self._endpoint.host,
            "x-acs-action": ACTION,
            "x-acs-version": VERSION,
            "x-acs-date": date,
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": EMPTY_BODY_SHA256,
        }
        if self._credentials.security_token:
            signed["x-acs-security-token"] = self._credentials.security_token
        signature = authorization(
            method="POST",
            query=query,
            headers=signed,
            payload_sha256=EMPTY_BODY_SHA256,
            access_key_id=self._credentials.access_key_id,
            access_key_secret=self._credentials.access_key_secret,
        )
        return {
            **signed,
            "Authorization": signature,
            "Accept": "application/json",
            "User-Agent": f"cfw-checker/{__version__}",
        }

    def _backoff(self, attempt: int, failure: Failure) -> float:
        """Return the wait before retry ``attempt``: full jitter, at least the server's retry-after."""
        if failure.kind is FailureKind.THROTTLED:
            self._stats.throttled += 1
            self._limiter.throttled()
        elif failure.kind is FailureKind.SERVER:
            self._stats.server_errors += 1
        ceiling = min(self._policy.max_delay, self._policy.base_delay * 2 ** (attempt - 1))
        delay = self._rng.uniform(0, ceiling)
        if failure.retry_after is not None:
            self._limiter.pause(failure.retry_after)
            delay = max(delay, failure.retry_after)
        return delay

    def _exhausted(self, failure: Failure, *, page: int, attempts: int, elapsed: float) -> SourceError:
        if failure.kind is FailureKind.THROTTLED:
            hint = _(
                "The API allows about 10 requests per second per account, shared by all its RAM users; "
                "lower --max-qps or try again later."
            )
        elif failure.kind is FailureKind.NETWORK:
            hint = _("Check the network path to %(url)s and any proxy, or raise --timeout.") % {"url": self._endpoint.base_url}
        else:
            hint = _("The service or a proxy in front of it is failing; try again later.")
        return SourceError(
            _(
                "Cloud Firewall API request for page %(page)d failed after %(attempts)d attempts in %(seconds).1f s; "
                "last error: %(failure)s. %(hint)s"
            ) % {"page": page, "attempts": attempts, "seconds": elapsed, "failure": failure.describe(), "hint": hint}
        )

    def _context(self, date: str) -> dict[str, str]:
        return {
            "access_key_id": self._credentials.access_key_id,
            "credentials_source": self._credentials.source,
            "endpoint": self._endpoint.base_url,
            "date": date,
        }


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
