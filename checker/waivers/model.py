"""A validated waiver and how it matches a finding."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from checker.findings import Finding
from checker.records import Record
from checker.result import WaiverSummary

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: The IPv4-mapped IPv6 range ``::ffff:0:0/96``.
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


@dataclass(frozen=True)
class Waiver:
    """One waiver: the findings it suppresses and until when."""

    id: str
    #: Rule ids the waiver applies to; empty when ``all_rules`` is set.
    rules: frozenset[str]
    all_rules: bool
    #: Destinations as networks; IPv4-mapped IPv6 networks are stored in their IPv4 form.
    networks: tuple[IPNetwork, ...]
    #: Ports of which at least one must be in the record's ApplicationPortList; empty matches any.
    ports: frozenset[int]
    #: Case-folded application names; empty matches any.
    applications: frozenset[str]
    reason: str
    #: The last instant at which the waiver applies, aware; a date in the file means
    #: 23:59:59.999999 UTC of that day.
    expires: datetime.datetime
    owner: str | None = None
    ticket: str | None = None
    #: 1-based line of the waiver in its file.
    line: int = 0

    def is_expired(self, now: datetime.datetime) -> bool:
        """Tell whether the waiver has expired at ``now`` (an aware datetime)."""
        return now > self.expires

    def matches(self, finding: Finding, record: Record | None) -> bool:
        """Tell whether every condition of the waiver holds for ``finding`` and its record.

        The port and application conditions need the record; without it they do not match.
        """
        if not self.all_rules and finding.rule_id not in self.rules:
            return False
        address = destination_address(finding.dst_ip)
        if address is None or not any(address in network for network in self.networks):
            return False
        if self.ports or self.applications:
            if record is None:
                return False
            ports = record.ApplicationPortList
            if self.ports and not any(item.Port in self.ports for item in ports):
                return False
            if self.applications and not any(item.ApplicationName.casefold() in self.applications for item in ports):
                return False
        return True

    def summary(self) -> WaiverSummary:
        """Return the waiver as the reports list it."""
        return WaiverSummary(
            id=self.id, expires=format_expiry(self.expires), reason=self.reason, owner=self.owner, ticket=self.ticket
        )


def destination_address(text: str) -> IPAddress | None:
    """Parse a DstIP, turning an IPv4-mapped IPv6 address into its IPv4 form; None if it is no IP."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def unmap_network(network: IPNetwork) -> IPNetwork:
    """Return an IPv4-mapped IPv6 network (``::ffff:203.0.113.0/120``) in its IPv4 form."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96 and network.subnet_of(_MAPPED):
        first = network.network_address.ipv4_mapped
        assert first is not None
        return ipaddress.IPv4Network((first, network.prefixlen - 96))
    return network


def format_expiry(moment: datetime.datetime) -> str:
    """Format an expiry as ISO 8601 in UTC with ``Z``, to the second."""
    utc = moment.astimezone(datetime.timezone.utc).replace(microsecond=0)
    return utc.isoformat().replace("+00:00", "Z")
