"""Rules checked against the record model: fields, operators, values, patterns and CIDRs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checker.errors import ProblemList
from checker.rules import load_policies
from test_policy_yaml import HEAD

Problems = Callable[..., list[str]]


def test_unknown_field_suggests_name(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: AclCoverag, equals: x}\n")

    assert problems == ["policy.yaml:5:19: rule R-1: unknown field 'AclCoverag'; did you mean 'AclCoverage'?"]


def test_unknown_field_ignores_case(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: dstip, equals: x}\n")

    assert problems == ["policy.yaml:5:19: rule R-1: unknown field 'dstip'; did you mean 'DstIP'?"]


def test_unknown_item_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {some: {in: TagList, where: {field: Clas, equals: x}}}\n")

    assert problems == ["policy.yaml:5:47: rule R-1: unknown field 'Clas' in TagList items; did you mean 'ClassId'?"]


def test_record_field_inside_where_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {some: {in: TagList, where: {field: SessionCount, gt: 1}}}\n")

    assert problems == [
        "policy.yaml:5:47: rule R-1: unknown field 'SessionCount' in TagList items; use one of TagId, TagName, "
        "TagDescribe, ClassId, RiskLevel"
    ]


@pytest.mark.parametrize(
    ("field", "operator", "value", "kind", "allowed"),
    [
        ("AclCoverage", "gt", "1", "string", "equals, not_equals, in, not_in, matches, contains, starts_with, "
         "ends_with, is_empty, exists"),
        ("SessionCount", "matches", "x", "integer", "equals, not_equals, in, not_in, gt, gte, lt, lte, exists"),
        ("HasAcl", "in", "[true]", "boolean", "equals, not_equals, exists"),
        ("TagList", "equals", "x", "object list", "is_empty, exists"),
        ("RuleName", "in_cidr", "10.0.0.0/8", "string", "equals, not_equals, in, not_in, matches, contains, "
         "starts_with, ends_with, is_empty, exists"),
    ],
)  # fmt: skip
def test_operator_not_for_kind(
    problems_of: Problems, field: str, operator: str, value: str, kind: str, allowed: str
) -> None:
    problems = problems_of(HEAD + f"    when:\n      field: {field}\n      {operator}: {value}\n")

    assert problems == [
        f"policy.yaml:7:7: rule R-1: operator '{operator}' does not apply to the {kind} field '{field}'; "
        f"use one of {allowed}"
    ]


def test_string_list_operators(problems_of: Problems) -> None:
    problems = problems_of(
        HEAD + "    when: {some: {in: ApplicationPortList, where: {field: UnknownReason, equals: x}}}\n"
    )

    assert problems == [
        "policy.yaml:5:74: rule R-1: operator 'equals' does not apply to the string list field 'UnknownReason'; "
        "use one of contains, is_empty, exists"
    ]


def test_wrong_value_type(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: AssetCount, in: [1, two, 3.5]}\n")

    assert problems == [
        "policy.yaml:5:39: rule R-1: invalid value for 'in' on the integer field 'AssetCount': "
        "expected an integer, got the string 'two'",
        "policy.yaml:5:44: rule R-1: invalid value for 'in' on the integer field 'AssetCount': "
        "expected an integer, got the number 3.5",
    ]


def test_boolean_value_for_integer_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: AssetCount, equals: true}\n")

    assert problems == [
        "policy.yaml:5:39: rule R-1: invalid value for 'equals' on the integer field 'AssetCount': "
        "expected an integer, got the boolean true"
    ]


def test_quoted_boolean_for_boolean_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: HasAcl, equals: 'true'}\n")

    assert problems == [
        "policy.yaml:5:35: rule R-1: invalid value for 'equals' on the boolean field 'HasAcl': "
        "expected true or false, got the string 'true'; remove the quotes"
    ]


def test_invalid_regular_expression(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: RuleName, matches: 'a(b'}\n")

    assert problems == [
        "policy.yaml:5:38: rule R-1: invalid regular expression 'a(b': missing ), unterminated subpattern "
        "at position 1; fix the pattern"
    ]


def test_invalid_cidr_prefix(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: DstIP, in_cidr: 10.0.0.0/33}\n")

    assert problems == [
        "policy.yaml:5:35: rule R-1: invalid CIDR '10.0.0.0/33': not an IPv4 or IPv6 network; write an address "
        "and a prefix length of 0 to 32 (IPv4) or 0 to 128 (IPv6), such as 10.0.0.0/8 or 2001:db8::/32"
    ]


def test_cidr_with_host_bits(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: DstIP, not_in_cidr: [10.0.0.0/8, 192.168.1.1/16]}\n")

    assert problems == [
        "policy.yaml:5:39: rule R-1: invalid CIDR '192.168.1.1/16': host bits are set; write 192.168.0.0/16 "
        "for the network or the address alone for one host"
    ]


def test_unknown_param(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {min_sessions: 1}\n    when: {field: SessionCount, gte: {param: min_session}}\n")

    assert problems == ["policy.yaml:6:38: rule R-1: unknown param 'min_session'; did you mean 'min_sessions'?"]


def test_param_without_params(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: SessionCount, gte: {param: low}}\n")

    assert problems == ["policy.yaml:5:38: rule R-1: unknown param 'low'; define it under params of rule R-1"]


def test_param_used_with_two_types(problems_of: Problems) -> None:
    problems = problems_of(
        HEAD + "    params: {x: 1}\n    when:\n      all:\n"
        "        - {field: SessionCount, gte: {param: x}}\n        - {field: RuleName, equals: {param: x}}\n"
    )

    assert problems == [
        "policy.yaml:9:37: rule R-1: param 'x' is used here as a string but at line 8 as an integer; "
        "use a separate param for each type"
    ]


def test_param_default_wrong_type(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {x: many}\n    when: {field: SessionCount, gte: {param: x}}\n")

    assert problems == [
        "policy.yaml:5:17: rule R-1: param 'x' (used at line 6 as an integer): expected an integer, "
        "got the string 'many'"
    ]


def test_param_list_default_wrong_item(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {ports: [22, x]}\n    when: {some: {in: ApplicationPortList, "
                           "where: {field: Port, in: {param: ports}}}}\n")  # fmt: skip

    assert problems == [
        "policy.yaml:5:21: rule R-1: param 'ports' (used at line 6 as a list of integers): item 2: "
        "expected an integer, got the string 'x'"
    ]


def test_quantifier_over_string_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {every: {in: AclCoverage, where: {field: TagId, equals: x}}}\n")

    assert problems == [
        "policy.yaml:5:24: rule R-1: 'every' needs a list of objects (TagList, ApplicationPortList, "
        "AddressGroupList), but 'AclCoverage' is a string field"
    ]


def test_quantifier_over_unknown_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {none: {in: Tags, where: {field: TagId, equals: x}}}\n")

    assert problems == ["policy.yaml:5:23: rule R-1: unknown field 'Tags'; did you mean 'TagList'?"]


def test_duplicate_id_across_files(write_policy: Callable[..., str]) -> None:
    rule = HEAD + "    when: {field: HasAcl, equals: true}\n"
    first = write_policy(rule, name="a.yaml")
    second = write_policy("# second\n" + rule, name="b.yaml")

    with pytest.raises(ProblemList) as caught:
        load_policies([first, second])

    assert caught.value.problems == [
        "b.yaml:3:9: rule R-1: duplicate rule id 'R-1' (first defined at a.yaml:2:9); rename one of the two"
    ]
    assert caught.value.headline == "b.yaml: 1 problem; nothing was evaluated"


def test_duplicate_id_in_one_file(problems_of: Problems) -> None:
    rule = "  - id: R-1\n    title: Rule\n    severity: high\n    when: {field: HasAcl, equals: true}\n"

    assert problems_of("rules:\n" + rule + rule) == [
        "policy.yaml:6:9: rule R-1: duplicate rule id 'R-1' (first defined at policy.yaml:2:9); rename one of the two"
    ]


def test_problems_of_all_files_reported(write_policy: Callable[..., str]) -> None:
    first = write_policy(HEAD + "    when: {field: Nope1, equals: true}\n", name="a.yaml")
    second = write_policy(HEAD.replace("R-1", "R-2") + "    when: {field: HasAc, equals: true}\n", name="b.yaml")

    with pytest.raises(ProblemList) as caught:
        load_policies([first, second])

    assert caught.value.headline == "2 problems in 2 policy files; nothing was evaluated"
    assert [problem.split(":")[0] for problem in caught.value.problems] == ["a.yaml", "b.yaml"]
    assert str(caught.value).splitlines()[0] == "2 problems in 2 policy files; nothing was evaluated"
