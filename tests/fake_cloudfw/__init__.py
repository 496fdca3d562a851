"""A fake Cloud Firewall DescribeOutgoingDestinationIP service for tests and benchmarks."""

from fake_cloudfw.auth import Account
from fake_cloudfw.data import FakeRecord, generate_records
from fake_cloudfw.server import FakeCloudFirewall, Faults, Received

__all__ = ["Account", "FakeCloudFirewall", "FakeRecord", "Faults", "Received", "generate_records"]
