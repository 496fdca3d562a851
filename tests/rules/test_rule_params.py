"""Params: defaults, command-line overrides and their errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checker.errors import ProblemList
from checker.records import ApplicationPort, Record
from checker.rules import Rule, load_policies
from test_policy_yaml import HEAD

CompileWhen = Callable[..., Rule]
Problems = Callable[..., list[str]]
PORTS = {"some": {"in": "ApplicationPortList", "where": {"field": "Port", "in": {"param": "ports"}}}}


def ports(*numbers: int) -> Record:
    return Record(DstIP="192.0.2.1", ApplicationPortList=[ApplicationPort(Port=number) for number in numbers])


def test_default_value_used(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "SessionCount", "gte": {"param": "low"}}, params={"low": 5})

    assert rule.matches(Record(DstIP="x", SessionCount=5))
    assert not rule.matches(Record(DstIP="x", SessionCount=4))
    assert rule.params == {"low": 5}


def test_integer_override(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "SessionCount", "gte": {"param": "low"}}, params={"low": 5}, overrides={"T-1.low": "10"})

    assert not rule.matches(Record(DstIP="x", SessionCount=9))
    assert rule.matches(Record(DstIP="x", SessionCount=10))
    assert rule.params == {"low": 10}


def test_boolean_and_string_overrides(compile_when: CompileWhen) -> None:
    when = {"all": [{"field": "HasAcl", "equals": {"param": "acl"}}, {"field": "RuleName", "equals": {"param": "name"}}]}
    rule = compile_when(when, params={"acl": True, "name": "a"}, overrides={"T-1.acl": "false", "T-1.name": "0443"})

    assert rule.matches(Record(DstIP="x", HasAcl=False, RuleName="0443"))
    assert rule.params == {"acl": False, "name": "0443"}


@pytest.mark.parametrize("text", ["[22, 3389]", "22,3389", " 22 , 3389 "])
def test_list_override(compile_when: CompileWhen, text: str) -> None:
    rule = compile_when(PORTS, params={"ports": [80]}, overrides={"T-1.ports": text})

    assert rule.matches(ports(3389))
    assert not rule.matches(ports(80))
    assert rule.params == {"ports": [22, 3389]}


def test_cidr_list_override(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {"field": "DstIP", "in_cidr": {"param": "nets"}}, params={"nets": "10.0.0.0/8"},
        overrides={"T-1.nets": "192.168.0.0/16,2001:db8::/32"},
    )  # fmt: skip

    assert rule.matches(Record(DstIP="2001:db8::5"))
    assert not rule.matches(Record(DstIP="10.0.0.1"))


def test_list_element_param(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "SecuritySuggest", "in": ["drop", {"param": "extra"}]}, params={"extra": "alert"})

    assert rule.matches(Record(DstIP="x", SecuritySuggest="alert"))
    assert not rule.matches(Record(DstIP="x", SecuritySuggest="pass"))


def test_same_param_used_twice(compile_when: CompileWhen) -> None:
    when = {"all": [{"field": "InBytes", "gte": {"param": "n"}}, {"field": "OutBytes", "gte": {"param": "n"}}]}
    rule = compile_when(when, params={"n": 3}, overrides={"T-1.n": "4"})

    assert rule.matches(Record(DstIP="x", InBytes=4, OutBytes=4))
    assert not rule.matches(Record(DstIP="x", InBytes=4, OutBytes=3))


def test_unused_param_keeps_override_text(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "HasAcl", "equals": True}, params={"spare": 1}, overrides={"T-1.spare": "7"})

    assert rule.params == {"spare": "7"}


RULE_WITH_PARAM = HEAD + "    params: {low: 1}\n    when: {field: SessionCount, gte: {param: low}}\n"
PORT_RULE = HEAD + "    params: {ports: [22]}\n    when: {some: {in: ApplicationPortList, where: {field: Port, in: {param: ports}}}}\n"


@pytest.mark.parametrize(
    ("policy", "overrides", "expected"),
    [
        (RULE_WITH_PARAM, {"R-2.low": "3"}, "--param R-2.low=3: unknown rule 'R-2'; did you mean 'R-1'?"),
        (RULE_WITH_PARAM, {"ZZZ.low": "3"}, "--param ZZZ.low=3: unknown rule 'ZZZ'; check the rule id in the policy files"),
        (RULE_WITH_PARAM, {"R-1.high": "3"}, "--param R-1.high=3: rule R-1 has no param 'high'; its params are: low"),
        (RULE_WITH_PARAM, {"low": "3"}, "--param low=3: expected RULE_ID.NAME=VALUE, such as CFW-TI-001.min_sessions=5"),
        (RULE_WITH_PARAM, {"R-1.low": "ten"}, "--param R-1.low=ten: expected an integer in decimal digits, got 'ten'; "
         "the param is used at policy.yaml:6:38 as an integer"),
        (RULE_WITH_PARAM, {"R-1.low": "0x10"}, "--param R-1.low=0x10: expected an integer in decimal digits, got "
         "'0x10'; the param is used at policy.yaml:6:38 as an integer"),
        (PORT_RULE, {"R-1.ports": "22,,80"}, "--param R-1.ports=22,,80: an item of the comma-separated list is empty; "
         "the param is used at policy.yaml:6:69 as a list of integers"),
        (PORT_RULE, {"R-1.ports": "[22, \"80\"]"}, "--param R-1.ports=[22, \"80\"]: expected a list of integers, got "
         "the JSON value \"80\"; the param is used at policy.yaml:6:69 as a list of integers"),
        (PORT_RULE, {"R-1.ports": "[22"}, "--param R-1.ports=[22: invalid JSON array: Expecting ',' delimiter at "
         "character 4; the param is used at policy.yaml:6:69 as a list of integers"),
        (PORT_RULE, {"R-1.ports": "[]"}, "--param R-1.ports=[]: expected a non-empty JSON array; the param is used "
         "at policy.yaml:6:69 as a list of integers"),
    ],
)  # fmt: skip
def test_override_errors(problems_of: Problems, policy: str, overrides: dict[str, str], expected: str) -> None:
    assert problems_of(policy, overrides) == [expected]


def test_boolean_override_error(problems_of: Problems) -> None:
    policy = HEAD + "    params: {acl: true}\n    when: {field: HasAcl, equals: {param: acl}}\n"

    assert problems_of(policy, {"R-1.acl": "yes"}) == [
        "--param R-1.acl=yes: expected true or false, got 'yes'; the param is used at policy.yaml:6:35 as true or false"
    ]


def test_override_problem_headline(write_policy: Callable[..., str]) -> None:
    path = write_policy(RULE_WITH_PARAM)

    with pytest.raises(ProblemList) as caught:
        load_policies([path], param_overrides={"R-9.low": "1"})

    assert caught.value.headline == "1 problem in the policy options; nothing was evaluated"
