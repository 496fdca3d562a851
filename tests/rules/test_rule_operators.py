"""Each operator on each field kind, with a record that matches and one that does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checker.records import AddressGroup, ApplicationPort, Record, Tag
from checker.rules import Rule

CompileWhen = Callable[..., Rule]


def record(**fields: Any) -> Record:
    return Record(DstIP=fields.pop("DstIP", "192.0.2.1"), **fields)


CASES = [
    # string fields
    ("AclCoverage", "equals", "Uncovered", {"AclCoverage": "Uncovered"}, {"AclCoverage": "FullCoverage"}),
    ("AclCoverage", "not_equals", "Uncovered", {"AclCoverage": "FullCoverage"}, {"AclCoverage": "Uncovered"}),
    ("SecuritySuggest", "in", ["alert", "drop"], {"SecuritySuggest": "drop"}, {"SecuritySuggest": "pass"}),
    ("SecuritySuggest", "not_in", ["alert", "drop"], {"SecuritySuggest": "pass"}, {"SecuritySuggest": "alert"}),
    ("RuleName", "matches", "^deny-[0-9]+$", {"RuleName": "deny-42"}, {"RuleName": "allow-42"}),
    ("RuleName", "matches", "x", {"RuleName": "abxcd"}, {"RuleName": "abc"}),
    ("LocationName", "contains", "Hong", {"LocationName": "China Hong Kong"}, {"LocationName": "Tokyo"}),
    ("RuleName", "starts_with", "tmp-", {"RuleName": "tmp-allow"}, {"RuleName": "allow-tmp-"}),
    ("RuleName", "ends_with", "-tmp", {"RuleName": "allow-tmp"}, {"RuleName": "tmp-allow"}),
    ("RuleName", "is_empty", True, {}, {"RuleName": "x"}),
    ("RuleName", "is_empty", False, {"RuleName": "x"}, {}),
    ("RuleName", "exists", True, {"RuleName": "x"}, {"RuleName": ""}),
    ("RuleName", "exists", False, {"RuleName": ""}, {"RuleName": "x"}),
    # integer fields
    ("SessionCount", "equals", 5, {"SessionCount": 5}, {"SessionCount": 6}),
    ("SessionCount", "not_equals", 5, {"SessionCount": 6}, {"SessionCount": 5}),
    ("SessionCount", "in", [1, 3], {"SessionCount": 3}, {"SessionCount": 2}),
    ("SessionCount", "not_in", [1, 3], {"SessionCount": 2}, {"SessionCount": 1}),
    ("TotalBytes", "gt", 100, {"TotalBytes": 101}, {"TotalBytes": 100}),
    ("TotalBytes", "gte", 100, {"TotalBytes": 100}, {"TotalBytes": 99}),
    ("TotalBytes", "lt", 100, {"TotalBytes": 99}, {"TotalBytes": 100}),
    ("TotalBytes", "lte", 100, {"TotalBytes": 100}, {"TotalBytes": 101}),
    ("TotalBytes", "exists", True, {"TotalBytes": 1}, {"TotalBytes": 0}),
    ("TotalBytes", "exists", False, {"TotalBytes": 0}, {"TotalBytes": 1}),
    # boolean fields
    ("HasAcl", "equals", True, {"HasAcl": True}, {"HasAcl": False}),
    ("HasAcl", "equals", False, {"HasAcl": False}, {"HasAcl": True}),
    ("HasAcl", "not_equals", True, {"HasAcl": False}, {"HasAcl": True}),
    ("IsMarkNormal", "exists", True, {"IsMarkNormal": True}, {"IsMarkNormal": False}),
    ("IsMarkNormal", "exists", False, {"IsMarkNormal": False}, {"IsMarkNormal": True}),
    # object-list fields
    ("TagList", "is_empty", True, {}, {"TagList": [Tag(TagId="Miner")]}),
    ("TagList", "is_empty", False, {"TagList": [Tag(TagId="Miner")]}, {}),
    ("AddressGroupList", "exists", True, {"AddressGroupList": [AddressGroup(AddressGroupName="g")]}, {}),
    ("AddressGroupList", "exists", False, {}, {"AddressGroupList": [AddressGroup(AddressGroupName="g")]}),
]


@pytest.mark.parametrize(("field", "operator", "value", "hit", "miss"), CASES)
def test_operator_on_record_field(
    compile_when: CompileWhen, field: str, operator: str, value: Any, hit: dict[str, Any], miss: dict[str, Any]
) -> None:
    rule = compile_when({"field": field, operator: value})

    assert rule.matches(record(**hit)) is True
    assert rule.matches(record(**miss)) is False


STRING_LIST_CASES = [
    ("contains", "tcp_not_establish", ["tcp_not_establish"], ["no_payload"]),
    ("is_empty", True, [], ["no_payload"]),
    ("is_empty", False, ["no_payload"], []),
    ("exists", True, ["no_payload"], []),
    ("exists", False, [], ["no_payload"]),
]


@pytest.mark.parametrize(("operator", "value", "hit", "miss"), STRING_LIST_CASES)
def test_operator_on_string_list(
    compile_when: CompileWhen, operator: str, value: Any, hit: list[str], miss: list[str]
) -> None:
    rule = compile_when(
        {"some": {"in": "ApplicationPortList", "where": {"field": "UnknownReason", operator: value}}}
    )

    assert rule.matches(record(ApplicationPortList=[ApplicationPort(Port=1, UnknownReason=hit)])) is True
    assert rule.matches(record(ApplicationPortList=[ApplicationPort(Port=1, UnknownReason=miss)])) is False


def test_contains_is_element_equality(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {"some": {"in": "ApplicationPortList", "where": {"field": "UnknownReason", "contains": "tcp"}}}
    )

    assert not rule.matches(record(ApplicationPortList=[ApplicationPort(UnknownReason=["tcp_not_establish"])]))


def test_matches_is_case_sensitive_search(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "RuleName", "matches": "deny"})

    assert rule.matches(record(RuleName="auto-deny-1"))
    assert not rule.matches(record(RuleName="DENY"))


def test_combinators(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {
            "all": [
                {"field": "HasAcl", "equals": False},
                {"any": [{"field": "SessionCount", "gt": 10}, {"field": "CategoryClassId", "equals": "Malicious"}]},
                {"not": {"field": "IsMarkNormal", "equals": True}},
            ]
        }
    )

    assert rule.matches(record(SessionCount=11))
    assert rule.matches(record(CategoryClassId="Malicious"))
    assert not rule.matches(record(SessionCount=11, HasAcl=True))
    assert not rule.matches(record(SessionCount=11, IsMarkNormal=True))
    assert not rule.matches(record(SessionCount=10))


def test_predicate_returns_bool(compile_when: CompileWhen) -> None:
    rule = compile_when({"any": [{"field": "RuleName", "exists": True}, {"field": "TotalBytes", "gt": 0}]})

    assert rule.matches(record(RuleName="x")) is True
    assert rule.matches(record(TotalBytes=5)) is True
    assert rule.matches(record()) is False
