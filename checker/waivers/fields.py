"""Parse the waiver fields that the JSON Schema cannot check: destinations and expiry."""

from __future__ import annotations

import datetime
import ipaddress
import re

from checker.i18n import _
from checker.waivers.model import IPNetwork, unmap_network

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s*(?P<offset>[Zz]|[+-]\d{2}:?\d{2})?$")
_DATETIME_EXAMPLE = "2025-12-31T18:00:00+08:00"


class FieldError(ValueError):
    """A field value that is invalid; the message says what to write instead."""


def parse_destination(text: str) -> IPNetwork:
    """Parse an IP address or CIDR; an IPv4-mapped IPv6 value becomes its IPv4 form.

    A CIDR with host bits set (``10.0.0.1/24``) is rejected, because it is usually a typo
    for an address or for another prefix.
    """
    value = text.strip()
    address_text, slash, prefix_text = value.partition("/")
    try:
        address = ipaddress.ip_address(address_text)
    except ValueError as exc:
        raise FieldError(
            _("invalid IP address '%(value)s'; write an IPv4 or IPv6 address or CIDR such as 203.0.113.0/24")
            % {"value": text}
        ) from exc

    if slash:
        limit = address.max_prefixlen
        if not prefix_text.isdigit() or int(prefix_text) > limit:
            raise FieldError(
                _("invalid CIDR '%(value)s': the prefix length must be a number from 0 to %(limit)d for IPv%(version)d")
                % {"value": text, "limit": limit, "version": address.version}
            )
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        fixed = ipaddress.ip_network(value, strict=False)
        raise FieldError(
            _("invalid CIDR '%(value)s': host bits are set; write %(network)s, or the address alone")
            % {"value": text, "network": fixed}
        ) from exc
    return unmap_network(network)


def parse_expiry(text: str) -> datetime.datetime:
    """Parse ``expires``: a date means the end of that day in UTC; a datetime needs an offset.

    Returns the last instant at which the waiver applies, as an aware datetime.
    """
    value = text.strip()
    if _DATE.match(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise FieldError(_invalid_date(text)) from exc
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.timezone.utc)

    match = _DATETIME.match(value)
    if match is None:
        raise FieldError(_invalid_date(text))
    if match.group("offset") is None:
        raise FieldError(
            _("datetime '%(value)s' has no UTC offset; add Z or an offset such as +08:00") % {"value": text}
        )
    normalized = value[:10] + "T" + value[11:].replace(" ", "")
    normalized = re.sub(r"[Zz]$", "+00:00", normalized)
    normalized = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", normalized)
    # Python 3.10 reads only 3 or 6 fraction digits, so pad the fraction to 6.
    normalized = re.sub(r"\.(\d{1,6})", lambda found: "." + found.group(1).ljust(6, "0"), normalized)
    try:
        return datetime.datetime.fromisoformat(normalized)
    except ValueError as exc:
        raise FieldError(_invalid_date(text)) from exc


def _invalid_date(text: str) -> str:
    return _(
        "invalid date '%(value)s'; write a date as YYYY-MM-DD or a datetime with an offset such as %(example)s"
    ) % {"value": text, "example": _DATETIME_EXAMPLE}
