"""Reading an API reply: success, a retryable failure, or an error to report with its fix.

The decision goes by the error ``Code`` in the body, not by the HTTP status, except that
any 5xx counts as a server error.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from checker.errors import SourceError
from checker.i18n import _

PERMISSION = "yundun-cloudfirewall:DescribeOutgoingDestinationIP"
THROTTLING_CODES = frozenset({"Throttling", "Throttling.User", "Throttling.Api"})
NONCE_USED_CODE = "SignatureNonceUsed"
CLOCK_CODES = frozenset({"InvalidTimeStamp.Expired"})
PERMISSION_CODES = frozenset({"Forbidden.RAM", "NoPermission"})
ACCESS_KEY_CODES = frozenset(
    {
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.Malformed",
        "InvalidSecurityToken.MismatchWithAccessKey",
    }
)
#: Upper bound on a server's retry-after request, in seconds.
MAX_RETRY_AFTER = 60.0
_BODY_PREVIEW = 200


class FailureKind(enum.Enum):
    """Category of a failed attempt, which decides whether the client retries."""

    THROTTLED = "throttled"
    SERVER = "server"
    #: A timeout or a connection error; no reply arrived.
    NETWORK = "network"
    NONCE_USED = "nonce used"
    FATAL = "fatal"


@dataclass(frozen=True)
class Failure:
    """One failed attempt: an API error body, a non-JSON page, or a network error."""

    kind: FailureKind
    #: The API's error ``Code``; empty for non-JSON replies and network errors.
    code: str
    #: The API's ``Message``, or a description of what went wrong.
    message: str
    status: int | None = None
    request_id: str = ""
    #: Seconds the server asked to wait (``x-acs-retry-after``), if any.
    retry_after: float | None = None
    #: True when the reply was not JSON, such as a proxy's HTML error page.
    non_json: bool = False

    def describe(self) -> str:
        """Return ``Code: Message (HTTP n, RequestId r)`` for messages and logs."""
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.request_id:
            details.append(f"RequestId {self.request_id}")
        head = f"{self.code}: {self.message}" if self.code else self.message
        return f"{head} ({', '.join(details)})" if details else head


def read_reply(response: httpx.Response) -> dict[str, Any] | Failure:
    """Return the JSON body of a successful reply, or the :class:`Failure` it describes."""
    body = _json_object(response)
    if body is None:
        return _non_json_failure(response)
    code = str(body.get("Code") or "")
    if response.status_code < 400 and not code:
        return body

    request_id = str(body.get("RequestId") or "")
    message = str(body.get("Message") or _("(no message)"))
    if code in THROTTLING_CODES:
        kind = FailureKind.THROTTLED
    elif code == NONCE_USED_CODE:
        kind = FailureKind.NONCE_USED
    elif response.status_code >= 500:
        kind = FailureKind.SERVER
    else:
        kind = FailureKind.FATAL
    retry_after = parse_retry_after(response.headers.get("x-acs-retry-after"))
    return Failure(kind, code or "(no code)", message, response.status_code, request_id, retry_after)


def parse_retry_after(value: str | None) -> float | None:
    """Read ``x-acs-retry-after`` as milliseconds and return seconds, capped at a minute.

    alibabacloud-tea-openapi 0.4.6 with darabonba-core 1.0.9 reads the header as an integer
    and sleeps that many milliseconds, so this client does too.
    """
    if value is None:
        return None
    try:
        milliseconds = float(value.strip())
    except ValueError:
        return None
    if not milliseconds > 0:
        return None
    return min(milliseconds / 1000.0, MAX_RETRY_AFTER)


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _non_json_failure(response: httpx.Response) -> Failure:
    content_type = response.headers.get("content-type", "(none)")
    preview = response.content[:_BODY_PREVIEW * 4].decode("utf-8", errors="replace")[:_BODY_PREVIEW]
    message = _("the reply is not a JSON object (content-type %(type)s); it starts with: %(preview)s") % {
        "type": content_type, "preview": repr(" ".join(preview.split()))
    }
    kind = FailureKind.SERVER if response.status_code >= 500 else FailureKind.FATAL
    return Failure(kind, "", message, response.status_code, non_json=True)


def fatal_error(failure: Failure, *, page: int, parameters: Mapping[str, str], context: Mapping[str, str]) -> SourceError:
    """Build the error for a failure that is not retried, with what the user should check.

    ``context`` carries ``access_key_id``, ``credentials_source``, ``endpoint`` and ``date``
    (the ``x-acs-date`` sent); none of them is secret.
    """
    advice = _advice(failure, parameters, context)
    return SourceError(
        _("Cloud Firewall API request for page %(page)d failed: %(failure)s. %(advice)s")
        % {"page": page, "failure": failure.describe(), "advice": advice}
    )


def _advice(failure: Failure, parameters: Mapping[str, str], context: Mapping[str, str]) -> str:
    if failure.non_json:
        return _("Check --endpoint (%(endpoint)s) and any proxy between this machine and the API.") % {
            "endpoint": context["endpoint"]
        }
    if failure.code in CLOCK_CODES:
        return _(
            "Check this machine's clock: the request was signed at %(date)s (UTC), "
            "which must be within 15 minutes of the server's time."
        ) % {"date": context["date"]}
    if failure.code in PERMISSION_CODES:
        return _("Grant the RAM user or role of AccessKey %(key)s the permission %(permission)s.") % {
            "key": context["access_key_id"], "permission": PERMISSION
        }
    if failure.code in ACCESS_KEY_CODES:
        return _(
            "Check the AccessKey %(key)s from %(source)s: "
            "the secret must belong to this key id, the key must be active, and an STS token must not be expired."
        ) % {"key": context["access_key_id"], "source": context["credentials_source"]}
    return _("Check the parameters sent: %(parameters)s.") % {"parameters": format_parameters(parameters)}


def format_parameters(parameters: Mapping[str, str]) -> str:
    """Return ``Name=value`` pairs sorted by name; the query never contains a secret."""
    return ", ".join(f"{name}={value}" for name, value in sorted(parameters.items()))
