"""Fast ``in_cidr`` tests of DstIP text against a fixed set of networks."""

from __future__ import annotations

import bisect
import functools
import ipaddress
from collections.abc import Iterable

from checker.i18n import _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAPPED_PREFIX = ipaddress.IPv6Network("::ffff:0:0/96")


@functools.lru_cache(maxsize=4096)
def parse_address(text: str) -> tuple[int, int] | None:
    """Return the IP version and integer value of ``text``, or None when it is no IP address.

    An IPv4-mapped IPv6 address (``::ffff:10.0.0.1``) returns its IPv4 form. Masked exports
    such as ``10.0.XX.XX`` return None. The cache keeps recent texts because the evaluator
    runs every rule on one record before it moves to the next.
    """
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.version, int(address)


def parse_network(text: str) -> tuple[Network | None, str | None]:
    """Parse a CIDR such as ``10.0.0.0/8``; return the network, or why it is invalid and the fix.

    A network with host bits set (``10.0.0.1/8``) is rejected, because the author may have
    meant a single host. A bare address is a network of one host. An IPv4-mapped IPv6
    network (``::ffff:10.0.0.0/104``) becomes its IPv4 form, like DstIP values do.
    """
    try:
        network = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            loose = ipaddress.ip_network(text.strip(), strict=False)
            return None, _("host bits are set; write %(network)s for the network or the address alone for one host") % {
                "network": loose
            }
        return None, _(
            "not an IPv4 or IPv6 network; write an address and a prefix length of 0 to 32 (IPv4) "
            "or 0 to 128 (IPv6), such as 10.0.0.0/8 or 2001:db8::/32"
        )
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96 and network.subnet_of(_MAPPED_PREFIX):
        mapped = ipaddress.IPv4Address(int(network.network_address) & 0xFFFFFFFF)
        network = ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}")
    return network, None


class NetworkSet:
    """Networks of both IP versions, stored as sorted, merged integer ranges."""

    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks = tuple(networks)
        self._starts: dict[int, list[int]] = {4: [], 6: []}
        self._ends: dict[int, list[int]] = {4: [], 6: []}
        ranges = sorted((n.version, int(n.network_address), int(n.broadcast_address)) for n in self.networks)
        for version, start, end in ranges:
            starts, ends = self._starts[version], self._ends[version]
            if ends and start <= ends[-1] + 1:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)

    def __contains__(self, text: object) -> bool:
        """Tell whether the address in ``text`` lies in one of the networks; False for a non-IP."""
        address = parse_address(text) if isinstance(text, str) else None
        if address is None:
            return False
        version, value = address
        index = bisect.bisect_right(self._starts[version], value) - 1
        return index >= 0 and value <= self._ends[version][index]

    def __repr__(self) -> str:
        return f"NetworkSet({', '.join(str(network) for network in self.networks)})"
