"""ACS3-HMAC-SHA256 request signing (Alibaba Cloud signature V3) for RPC-style calls.

The canonical query string built here is also the query string sent on the wire, so the
server hashes exactly the bytes that were signed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

ALGORITHM = "ACS3-HMAC-SHA256"
#: Hex SHA-256 of an empty request body.
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()

# RFC 3986 unreserved characters; quote() always keeps letters, digits and "_.-".
_UNRESERVED = "~"


def percent_encode(text: str) -> str:
    """Percent-encode UTF-8 ``text`` per RFC 3986: space is ``%20``, ``*`` ``%2A``, ``+`` ``%2B``."""
    return quote(text, safe=_UNRESERVED, encoding="utf-8")


def canonical_query(parameters: Mapping[str, str]) -> str:
    """Return ``k=v`` pairs, names and values percent-encoded, sorted by encoded name, joined by ``&``."""
    pairs = sorted((percent_encode(name), percent_encode(value)) for name, value in parameters.items())
    return "&".join(f"{name}={value}" for name, value in pairs)


@dataclass(frozen=True)
class SignedHeaders:
    """The canonical header block and the ``;``-joined list of signed header names."""

    canonical: str
    names: str


def canonical_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """Lower-case, trim and sort ``headers``, each written ``name:value`` and a newline."""
    normalised = sorted((name.lower(), value.strip()) for name, value in headers.items())
    canonical = "".join(f"{name}:{value}\n" for name, value in normalised)
    names = ";".join(name for name, _ in normalised)
    return SignedHeaders(canonical, names)


def authorization(
    *,
    method: str,
    query: str,
    headers: Mapping[str, str],
    payload_sha256: str,
    access_key_id: str,
    access_key_secret: str,
) -> str:
    """Return the ``Authorization`` header value for one request.

    ``query`` is the canonical query string from :func:`canonical_query`, and ``headers``
    are the headers to sign: ``host``, ``content-type`` when sent, and every ``x-acs-*``.
    The path of an RPC call is always ``/``.
    """
    signed = canonical_headers(headers)
    canonical_request = "\n".join([method, "/", query, signed.canonical, signed.names, payload_sha256])
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{digest}"
    signature = hmac.new(access_key_secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256)
    return f"{ALGORITHM} Credential={access_key_id},SignedHeaders={signed.names},Signature={signature.hexdigest()}"
