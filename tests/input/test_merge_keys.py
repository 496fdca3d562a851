"""Merge keys of DstIP values agree with the canonical IP form used in fingerprints."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.findings import canonical_ip
from checker.sources.loader import dst_ip_keys, ip_key

SPELLINGS = [
    "2001:db8::1",
    "2001:DB8:0:0:0:0:0:1",
    "2001:0db8:0000::0001",
    "::ffff:203.0.113.5",
    "::ffff:cb00:7105",
    "203.0.113.5",
    "fe80::1%eth0",
    "fe80::1",
    "10.0.XX.XX",
    "::",
]


def test_keys_equal_exactly_when_canonical_forms_are() -> None:
    for first in SPELLINGS:
        for second in SPELLINGS:
            same_key = ip_key(first)[0] == ip_key(second)[0]
            assert same_key == (canonical_ip(first) == canonical_ip(second)), (first, second)


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=(1 << 128) - 1))
def test_every_ipv6_spelling_gets_one_key(value: int) -> None:
    address = ipaddress.IPv6Address(value)
    spellings = [address.compressed, address.exploded, address.exploded.upper()]

    keys = {ip_key(spelling)[0] for spelling in spellings}

    assert len(keys) == 1


def test_masked_values_are_not_ips() -> None:
    keys, not_ips = dst_ip_keys(["203.0.113.5", "10.0.XX.XX", "2001:db8::1", "2001:db8::zz"])

    assert not_ips == [1, 3]
    assert keys[1] == "10.0.XX.XX"
