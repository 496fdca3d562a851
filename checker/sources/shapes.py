"""Detect which of the accepted JSON shapes an input holds, from its content."""

from __future__ import annotations

import enum
import re
from typing import Any

import msgspec


_SIGNIFICANT = re.compile(rb"[^ \t\r\n]")


class Shape(str, enum.Enum):
    """Layout of an input file."""

    #: One API response: ``{"TotalCount", "RequestId", "DstIPList"}``.
    RESPONSE = "response"
    #: A list of page responses.
    PAGES = "pages"
    #: A bare list of records.
    RECORDS = "records"
    #: One JSON value per line: records or page responses.
    JSONL = "jsonl"
    #: A response with a ``source`` section, written by ``cfw-checker fetch``.
    SNAPSHOT = "snapshot"


class _Probe(msgspec.Struct):
    """Just enough of an object to tell a page response from a record."""

    DstIPList: msgspec.Raw = msgspec.Raw(b"")
    DstIP: msgspec.Raw = msgspec.Raw(b"")
    source: msgspec.Raw = msgspec.Raw(b"")


def probe_object(raw: bytes) -> str:
    """Classify one JSON object as ``"page"``, ``"snapshot"``, ``"record"`` or ``"other"``."""
    try:
        probe = msgspec.json.decode(raw, type=_Probe)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return "other"
    if probe.DstIPList:
        return "snapshot" if probe.source else "page"
    if probe.DstIP:
        return "record"
    return "other"


def first_significant_byte(data: bytes) -> int | None:
    """Return the first byte that is not JSON whitespace, or None for a blank input."""
    # A search, because lstrip() would copy the whole input.
    found = _SIGNIFICANT.search(data)
    return found.group()[0] if found else None


def is_object_like(value: Any) -> bool:
    """Tell whether a decoded JSON value is an object."""
    return isinstance(value, dict)
