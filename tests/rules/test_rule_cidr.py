"""in_cidr and not_in_cidr on DstIP: IPv4, IPv6, IPv4-mapped and masked addresses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checker.records import Record
from checker.rules import Rule
from checker.rules.cidr import NetworkSet, parse_address, parse_network

CompileWhen = Callable[..., Rule]
NETWORKS = ["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32"]


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("10.1.2.3", True),
        ("11.0.0.1", False),
        ("192.168.1.255", True),
        ("192.168.2.0", False),
        ("2001:db8::1", True),
        ("2001:DB8:0:0::ff", True),
        ("2001:db9::1", False),
        ("::ffff:10.9.9.9", True),
        ("::ffff:11.0.0.1", False),
        ("10.0.XX.XX", False),
        ("", False),
        ("not-an-ip", False),
    ],
)
def test_in_cidr_and_not_in_cidr(compile_when: CompileWhen, address: str, inside: bool) -> None:
    in_rule = compile_when({"field": "DstIP", "in_cidr": NETWORKS})
    out_rule = compile_when({"field": "DstIP", "not_in_cidr": NETWORKS})

    assert in_rule.matches(Record(DstIP=address)) is inside
    assert out_rule.matches(Record(DstIP=address)) is not inside


def test_masked_address_fails_closed(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "DstIP", "not_in_cidr": "0.0.0.0/0"})

    assert rule.matches(Record(DstIP="10.0.XX.XX"))
    assert not rule.matches(Record(DstIP="10.0.0.1"))


def test_single_cidr_string(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "DstIP", "in_cidr": "203.0.113.7"})

    assert rule.matches(Record(DstIP="203.0.113.7"))
    assert not rule.matches(Record(DstIP="203.0.113.8"))


def test_mapped_network_matches_ipv4_address() -> None:
    network, error = parse_network("::ffff:10.0.0.0/104")

    assert error is None
    assert str(network) == "10.0.0.0/8"
    assert "10.2.3.4" in NetworkSet([network])  # type: ignore[list-item]


def test_adjacent_networks_merge() -> None:
    networks = [parse_network(text)[0] for text in ("10.0.0.0/25", "10.0.0.128/25", "10.0.2.0/24")]
    network_set = NetworkSet(networks)  # type: ignore[arg-type]

    assert "10.0.0.200" in network_set
    assert "10.0.1.1" not in network_set
    assert "10.0.2.1" in network_set


def test_parse_address_versions() -> None:
    assert parse_address("10.0.0.1") == (4, 0x0A000001)
    assert parse_address("::ffff:10.0.0.1") == (4, 0x0A000001)
    assert parse_address("::1") == (6, 1)
    assert parse_address("10.0.XX.XX") is None
