"""Findings: one rule fired on one destination record."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

import msgspec

from checker.severity import Severity


def canonical_ip(text: str) -> str:
    """Return ``text`` in the standard form of its IP address, or unchanged if it is not an IP address.

    IPv6 has several spellings of one address (``2001:DB8::0:1`` and ``2001:db8::1``);
    fingerprints use the compressed lower-case form so that they stay stable across exports.
    """
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


def fingerprint(rule_id: str, dst_ip: str) -> str:
    """Return the stable fingerprint of a finding, derived from the rule id and DstIP only."""
    # surrogatepass: a DstIP read by a lenient JSON parser may hold a lone surrogate.
    digest = hashlib.sha256(f"{rule_id}\x00{canonical_ip(dst_ip)}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """A rule that fired on a record, with the field values that made it fire."""

    rule_id: str
    severity: Severity
    dst_ip: str
    fingerprint: str
    #: Field values that made the rule fire, keyed by field name; for list quantifiers, the
    #: list items that decided the outcome.
    evidence: dict[str, Any]
    #: Id of the waiver that suppresses the finding, or None. A waived finding is kept in
    #: every report but does not count for the gate.
    waived_by: str | None = None
    #: Expiry of that waiver, ISO 8601 in UTC with ``Z``.
    waiver_expires: str | None = None
    #: Owner of that waiver, when the waiver names one.
    waiver_owner: str | None = None
    #: ``new`` or ``existing`` when a baseline was given, else None.
    baseline: str | None = None
