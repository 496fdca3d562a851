"""Request authentication as the real API checks it, with the official SDK's signer as oracle."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace

from alibabacloud_tea_openapi.utils import Utils

ALGORITHM = "ACS3-HMAC-SHA256"
DATE_WINDOW_SECONDS = 15 * 60
_AUTHORIZATION = re.compile(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})")
_REQUIRED_SIGNED = ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")


@dataclass(frozen=True)
class Account:
    """An AccessKey the fake accepts, with the STS token it requires, if any."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None


@dataclass(frozen=True)
class Rejection:
    """An authentication error: HTTP status, Code and Message."""

    status: int
    code: str
    message: str


class Authenticator:
    """Checks signature, date window, nonce reuse and STS token of each request."""

    def __init__(self, accounts: list[Account], *, clock_offset: float = 0.0) -> None:
        self._accounts = {account.access_key_id: account for account in accounts}
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        #: Seconds added to this machine's clock, to play a server whose clock differs.
        self.clock_offset = clock_offset

    def check(
        self, *, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Rejection | None:
        """Return why the request is rejected, or None when it is authentic."""
        match = _AUTHORIZATION.fullmatch(headers.get("authorization", ""))
        if match is None:
            return Rejection(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        key_id, signed_list, signature = match.groups()
        signed_names = signed_list.split(";")
        unsigned = [name for name in headers if name.startswith("x-acs-") and name not in signed_names]
        if any(name not in signed_names for name in _REQUIRED_SIGNED) or unsigned:
            return Rejection(400, "IncompleteSignature", f"Headers missing from SignedHeaders: {sorted(set(_REQUIRED_SIGNED) - set(signed_names)) + unsigned}.")
        account = self._accounts.get(key_id)
        if account is None:
            return Rejection(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")

        if hashlib.sha256(body).hexdigest() != headers.get("x-acs-content-sha256"):
            return Rejection(400, "IncompleteSignature", "x-acs-content-sha256 does not match the body.")
        expected = _official_signature(method, path, query, headers, signed_names, account)
        if not hmac.compare_digest(expected, signature):
            return Rejection(400, "SignatureDoesNotMatch", "Specified signature does not match our calculation.")
        return self._check_date(headers) or self._check_token(headers, account) or self._check_nonce(headers)

    def _check_date(self, headers: Mapping[str, str]) -> Rejection | None:
        try:
            sent = datetime.strptime(headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            return Rejection(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
        server_now = datetime.now(timezone.utc).timestamp() + self.clock_offset
        if abs(server_now - sent.timestamp()) > DATE_WINDOW_SECONDS:
            return Rejection(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        return None

    def _check_token(self, headers: Mapping[str, str], account: Account) -> Rejection | None:
        if account.security_token is None or headers.get("x-acs-security-token") == account.security_token:
            return None
        return Rejection(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")

    def _check_nonce(self, headers: Mapping[str, str]) -> Rejection | None:
        nonce = headers["x-acs-signature-nonce"]
        with self._lock:
            if nonce in self._nonces:
                return Rejection(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces.add(nonce)
        return None


def _official_signature(
    method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], signed_names: list[str], account: Account
) -> str:
    """Recompute the signature with ``alibabacloud_tea_openapi.utils.Utils.get_authorization``."""
    request = SimpleNamespace(
        pathname=path,
        method=method,
        query=dict(query),
        headers={name: headers.get(name, "") for name in signed_names},
    )
    authorization = Utils.get_authorization(
        request, ALGORITHM, headers["x-acs-content-sha256"], account.access_key_id, account.access_key_secret
    )
    return authorization.rsplit("Signature=", 1)[1]
