"""Property: each compiled predicate agrees with a plain interpreter of the YAML condition."""

from __future__ import annotations

import ipaddress
import operator
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.records import AddressGroup, ApplicationPort, Record, Tag
from checker.rules import Rule, load_policies

CONDITIONS: list[dict[str, Any]] = [
    {"all": [
        {"field": "AclCoverage", "not_equals": "FullCoverage"},
        {"field": "SessionCount", "gte": 1},
        {"any": [{"field": "CategoryClassId", "equals": "Malicious"},
                 {"some": {"in": "TagList", "where": {"field": "ClassId", "equals": "Malicious"}}}]},
    ]},
    {"any": [
        {"field": "RuleName", "matches": "^deny-[0-9]"},
        {"all": [{"field": "RuleName", "starts_with": "a"}, {"field": "RuleName", "ends_with": "y"}]},
        {"field": "RuleName", "contains": "en"},
        {"field": "RuleName", "is_empty": True},
    ]},
    {"any": [
        {"field": "DstIP", "in_cidr": ["10.0.0.0/8", "2001:db8::/32"]},
        {"all": [{"field": "DstIP", "not_in_cidr": "10.0.0.0/16"}, {"field": "HasAcl", "equals": True}]},
    ]},
    {"any": [
        {"count": {"in": "TagList", "where": {"all": [{"field": "RiskLevel", "gte": 2},
                                                       {"field": "TagId", "in": ["Miner", "Botnet"]}]}, "gte": 2}},
        {"every": {"in": "ApplicationPortList", "where": {"any": [
            {"field": "Port", "in": [80, 443]}, {"field": "UnknownReason", "contains": "no_payload"}]}}},
    ]},
    {"all": [
        {"field": "HasAcl", "equals": False},
        {"field": "IsMarkNormal", "exists": False},
        {"field": "SessionCount", "not_in": [0, 2, 4]},
        {"not": {"field": "TotalBytes", "lt": 10}},
        {"none": {"in": "AddressGroupList", "where": {"field": "AddressGroupName", "equals": "allow"}}},
        {"field": "TagList", "exists": True},
    ]},
]  # fmt: skip


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> list[Rule]:
    rules = [{"id": f"P-{i}", "title": "t", "severity": "low", "when": when} for i, when in enumerate(CONDITIONS)]
    path = Path(tmp_path_factory.mktemp("property")) / "property.yaml"
    path.write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
    return list(load_policies([str(path)]).rules)


_COMPARE = {"equals": operator.eq, "not_equals": operator.ne, "gt": operator.gt,
            "gte": operator.ge, "lt": operator.lt, "lte": operator.le}  # fmt: skip


def in_networks(text: str, cidrs: str | list[str]) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    networks = [ipaddress.ip_network(cidr) for cidr in ([cidrs] if isinstance(cidrs, str) else cidrs)]
    return any(address.version == network.version and address in network for network in networks)


def interpret(condition: dict[str, Any], subject: Any) -> bool:
    """Evaluate ``condition`` the slow, obvious way."""
    if "all" in condition:
        return all(interpret(child, subject) for child in condition["all"])
    if "any" in condition:
        return any(interpret(child, subject) for child in condition["any"])
    if "not" in condition:
        return not interpret(condition["not"], subject)
    for kind in ("some", "every", "none", "count"):
        if kind in condition:
            quantifier = condition[kind]
            results = [interpret(quantifier["where"], item) for item in getattr(subject, quantifier["in"])]
            if kind == "count":
                (name,) = [key for key in quantifier if key in _COMPARE]
                return bool(_COMPARE[name](sum(results), quantifier[name]))
            return {"some": any(results), "every": all(results), "none": not any(results)}[kind]

    value = getattr(subject, condition["field"])
    (name,) = [key for key in condition if key != "field"]
    expected = condition[name]
    if name in _COMPARE:
        return bool(_COMPARE[name](value, expected))
    checks = {
        "in": lambda: value in expected,
        "not_in": lambda: value not in expected,
        "matches": lambda: re.search(expected, value) is not None,
        "contains": lambda: expected in value,
        "starts_with": lambda: value.startswith(expected),
        "ends_with": lambda: value.endswith(expected),
        "is_empty": lambda: (len(value) == 0) == expected,
        "exists": lambda: (value not in ("", 0, False, [])) == expected,
        "in_cidr": lambda: in_networks(value, expected),
        "not_in_cidr": lambda: not in_networks(value, expected),
    }
    return bool(checks[name]())


tags = st.builds(
    Tag,
    TagId=st.sampled_from(["Miner", "Botnet", "AliYun", ""]),
    ClassId=st.sampled_from(["Malicious", "Suspicious", "Trusted", ""]),
    RiskLevel=st.integers(0, 3),
)
ports = st.builds(
    ApplicationPort,
    Port=st.sampled_from([0, 22, 80, 443, 3389]),
    UnknownReason=st.lists(st.sampled_from(["no_payload", "tcp_not_establish"]), max_size=2),
)
records = st.builds(
    Record,
    DstIP=st.sampled_from(["10.0.0.1", "10.1.0.1", "192.168.1.5", "2001:db8::1", "::ffff:10.0.3.4",
                           "10.0.XX.XX", "8.8.8.8", "fe80::1", ""]),
    AclCoverage=st.sampled_from(["Uncovered", "FullCoverage", ""]),
    CategoryClassId=st.sampled_from(["Malicious", "Trusted", ""]),
    RuleName=st.text(alphabet="adeny-09", max_size=8),
    SessionCount=st.integers(0, 6),
    TotalBytes=st.integers(0, 20),
    HasAcl=st.booleans(),
    IsMarkNormal=st.booleans(),
    TagList=st.lists(tags, max_size=4),
    ApplicationPortList=st.lists(ports, max_size=3),
    AddressGroupList=st.lists(st.builds(AddressGroup, AddressGroupName=st.sampled_from(["allow", "block"])), max_size=2),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(record=records)
def test_compiled_equals_interpreter(compiled: list[Rule], record: Record) -> None:
    for rule, condition in zip(compiled, CONDITIONS):
        assert rule.matches(record) is interpret(condition, record), rule.id
