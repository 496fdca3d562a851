"""some, every, none and count over list fields, including empty lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checker.records import ApplicationPort, Record, Tag
from checker.rules import Rule

CompileWhen = Callable[..., Rule]
MALICIOUS = {"field": "ClassId", "equals": "Malicious"}


def tags(*classes: str) -> Record:
    return Record(DstIP="192.0.2.1", TagList=[Tag(TagId=f"t{i}", ClassId=c) for i, c in enumerate(classes)])


@pytest.mark.parametrize(
    ("kind", "classes", "expected"),
    [
        ("some", (), False),
        ("some", ("Trusted",), False),
        ("some", ("Trusted", "Malicious"), True),
        ("every", (), True),
        ("every", ("Malicious", "Trusted"), False),
        ("every", ("Malicious", "Malicious"), True),
        ("none", (), True),
        ("none", ("Trusted",), True),
        ("none", ("Trusted", "Malicious"), False),
    ],
)
def test_quantifier(compile_when: CompileWhen, kind: str, classes: tuple[str, ...], expected: bool) -> None:
    rule = compile_when({kind: {"in": "TagList", "where": MALICIOUS}})

    assert rule.matches(tags(*classes)) is expected


@pytest.mark.parametrize(
    ("comparison", "number", "count", "expected"),
    [
        ("equals", 2, 2, True),
        ("equals", 2, 1, False),
        ("not_equals", 0, 0, False),
        ("gt", 1, 2, True),
        ("gt", 1, 1, False),
        ("gte", 2, 2, True),
        ("lt", 1, 0, True),
        ("lte", 1, 2, False),
    ],
)
def test_count(compile_when: CompileWhen, comparison: str, number: int, count: int, expected: bool) -> None:
    rule = compile_when({"count": {"in": "TagList", "where": MALICIOUS, comparison: number}})

    assert rule.matches(tags(*(["Malicious"] * count), "Trusted")) is expected


def test_count_with_param(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {"count": {"in": "TagList", "where": MALICIOUS, "gte": {"param": "least"}}}, params={"least": 2}
    )

    assert rule.matches(tags("Malicious", "Malicious"))
    assert not rule.matches(tags("Malicious"))


def test_where_with_combinators(compile_when: CompileWhen) -> None:
    where: dict[str, Any] = {
        "all": [{"field": "Port", "in": [22, 3389]}, {"not": {"field": "ApplicationName", "equals": "SSH"}}]
    }
    rule = compile_when({"some": {"in": "ApplicationPortList", "where": where}})

    assert rule.matches(Record(DstIP="x", ApplicationPortList=[ApplicationPort(Port=22, ApplicationName="Unknown")]))
    assert not rule.matches(Record(DstIP="x", ApplicationPortList=[ApplicationPort(Port=22, ApplicationName="SSH")]))
    assert not rule.matches(Record(DstIP="x", ApplicationPortList=[ApplicationPort(Port=80)]))


def test_two_quantifiers_in_one_rule(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {
            "all": [
                {"some": {"in": "TagList", "where": MALICIOUS}},
                {"none": {"in": "AddressGroupList", "where": {"field": "AddressGroupName", "equals": "allow"}}},
            ]
        }
    )

    assert rule.matches(tags("Malicious"))
    assert not rule.matches(tags("Trusted"))
