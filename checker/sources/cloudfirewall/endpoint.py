"""Cloud Firewall API endpoints: the two sites, or an explicit URL for proxies and tests."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import httpx

from checker.errors import InputError
from checker.i18n import _

#: The API has no RegionId parameter: the account's site picks the endpoint.
SITES = {
    "china": "https://cloudfw.aliyuncs.com",
    "international": "https://cloudfw.ap-southeast-1.aliyuncs.com",
}
DEFAULT_SITE = "china"


@dataclass(frozen=True)
class Endpoint:
    """Base URL of the API and the ``host`` header value that gets signed."""

    #: ``scheme://host[:port]`` without a trailing slash.
    base_url: str
    #: Host and, when not the scheme's default, port, as httpx sends it.
    host: str


def resolve_endpoint(*, site: str | None, endpoint: str | None) -> Endpoint:
    """Return the endpoint named by ``--endpoint``, else the one of ``--site`` (default China)."""
    if endpoint is not None and site is not None:
        raise InputError(_("--endpoint and --site cannot be combined; give one of them"))
    if endpoint is None:
        return _from_url(SITES[site or DEFAULT_SITE])
    return parse_endpoint(endpoint)


def parse_endpoint(text: str) -> Endpoint:
    """Check ``--endpoint`` (scheme, host and optional port only) and return it."""
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InputError(
            _("--endpoint %(url)s is not a valid URL (%(reason)s); give one such as https://cloudfw.aliyuncs.com")
            % {"url": text, "reason": exc}
        ) from exc

    if url.userinfo:
        # Not echoed, because the text contains a password.
        raise InputError(
            _("--endpoint contains a user name or password; remove it, because credentials come from the environment or a profile")
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise InputError(
            _("--endpoint %(url)s needs an http:// or https:// scheme and a host, such as https://cloudfw.aliyuncs.com") % {"url": text}
        )
    if url.path not in ("", "/") or url.query or url.fragment:
        raise InputError(
            _("--endpoint %(url)s has a path, query or fragment; give only scheme, host and port, such as https://cloudfw.aliyuncs.com")
            % {"url": text}
        )
    if url.scheme == "http" and not _is_loopback(url.host):
        # The STS token and the signed request would cross the network in clear text.
        raise InputError(_("--endpoint %(url)s uses plain http to a host other than this machine; use https") % {"url": text})
    return _from_url(text)


def _from_url(text: str) -> Endpoint:
    url = httpx.URL(text)
    host = url.netloc.decode("ascii")
    return Endpoint(f"{url.scheme}://{host}", host)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
