"""Structural problems in policy files, reported by the JSON Schema step."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources

import jsonschema

from test_policy_yaml import HEAD

Problems = Callable[..., list[str]]


def test_shipped_schema_is_valid_2020_12() -> None:
    text = resources.files("checker").joinpath("schemas/policy.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_unknown_top_level_key(problems_of: Problems) -> None:
    problems = problems_of("rule: []\n")

    assert problems == ["policy.yaml:1:1: unknown key 'rule'; did you mean 'rules'?"]


def test_missing_rules_key(problems_of: Problems) -> None:
    assert problems_of("{}\n") == ["policy.yaml:1:1: missing key 'rules'; add it"]


def test_unknown_rule_key_suggests_name(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    remedation: fix it\n    when: {field: HasAcl, equals: true}\n")

    assert problems == ["policy.yaml:5:5: rule R-1: unknown key 'remedation'; did you mean 'remediation'?"]


def test_unknown_rule_key_lists_allowed(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    zzz: 1\n    when: {field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:5:5: rule R-1: unknown key 'zzz'; allowed keys here: description, enabled, frameworks, "
        "i18n, id, params, references, remediation, severity, tags, title, when"
    ]


def test_missing_required_keys(problems_of: Problems) -> None:
    problems = problems_of("rules:\n  - id: R-1\n    title: Rule\n")

    assert problems == [
        "policy.yaml:2:5: rule R-1: missing keys 'severity' and 'when'; every rule needs id, title, severity and when"
    ]


def test_rule_without_id_named_by_position(problems_of: Problems) -> None:
    problems = problems_of("rules:\n  - title: Rule\n    severity: high\n    when: {field: HasAcl, equals: true}\n")

    assert problems == ["policy.yaml:2:5: rule #1: missing key 'id'; every rule needs id, title, severity and when"]


def test_invalid_severity(problems_of: Problems) -> None:
    problems = problems_of(HEAD.replace("high", "urgent") + "    when: {field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:4:15: rule R-1: invalid severity 'urgent'; use one of info, low, medium, high, critical"
    ]


def test_invalid_rule_id(problems_of: Problems) -> None:
    problems = problems_of(HEAD.replace("R-1", "1 bad") + "    when: {field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:2:9: rule 1 bad: invalid rule id '1 bad'; an id starts with a letter and contains only "
        "letters, digits, '_', '.' and '-'"
    ]


def test_invalid_param_name(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {min-sessions: 1}\n    when: {field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:5:13: rule R-1: invalid param name 'min-sessions'; a param name starts with a letter or "
        "'_' and contains only letters, digits and '_'"
    ]


def test_wrong_type_for_title(problems_of: Problems) -> None:
    problems = problems_of(HEAD.replace("title: Rule", "title: [a]") + "    when: {field: HasAcl, equals: true}\n")

    assert problems == ["policy.yaml:3:12: rule R-1: 'title' must be a string, not a list"]


def test_rules_item_not_a_mapping(problems_of: Problems) -> None:
    assert problems_of("rules:\n  - 5\n") == ["policy.yaml:2:5: rule #1: item 1 of 'rules' must be a mapping, not the integer 5"]


def test_empty_all_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {all: []}\n")

    assert problems == ["policy.yaml:5:17: rule R-1: 'all' must not be empty"]


def test_condition_with_two_kinds(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {not: {field: HasAcl, equals: true}, field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:5:11: rule R-1: a condition needs exactly one of all, any, not, some, every, none, count, "
        "field, found 'not' and 'field'; keep exactly one"
    ]


def test_condition_key_typo(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {fields: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:5:11: rule R-1: a condition needs exactly one of all, any, not, some, every, none, count, "
        "field, found none; did you mean 'field' for 'fields'?"
    ]


def test_operator_typo(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: HasAcl, equal: true}\n")

    assert problems == ["policy.yaml:5:27: rule R-1: unknown key 'equal'; did you mean 'equals'?"]


def test_two_operators(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: SessionCount, gt: 1, lt: 5}\n")

    assert problems == [
        "policy.yaml:5:11: rule R-1: a field condition needs exactly one operator of equals, not_equals, in, "
        "not_in, gt, gte, lt, lte, matches, contains, starts_with, ends_with, is_empty, exists, in_cidr, "
        "not_in_cidr, found 'gt' and 'lt'; keep exactly one"
    ]


def test_count_needs_one_comparison(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {count: {in: TagList, where: {field: RiskLevel, gte: 2}}}\n")

    assert problems == [
        "policy.yaml:5:19: rule R-1: 'count' needs exactly one comparison of equals, not_equals, gt, gte, lt, "
        "lte, found none; add one"
    ]


def test_param_reference_typo(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {n: 1}\n    when: {field: SessionCount, gte: {parm: n}}\n")

    assert problems == ["policy.yaml:6:39: rule R-1: unknown key 'parm'; did you mean 'param'?"]


def test_list_where_single_value_expected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: RuleName, equals: [a, b]}\n")

    assert problems == ["policy.yaml:5:37: rule R-1: 'equals' must be a single value, not a list"]


def test_problems_of_several_rules_together(problems_of: Problems) -> None:
    problems = problems_of(
        """\
        rules:
          - id: R-1
            title: Rule
            severity: hihg
            when: {field: HasAcl, equals: true}
          - id: R-2
            title: Rule
            severity: low
            when: {field: HasAcll, equals: true}
        """
    )

    assert problems == [
        "policy.yaml:4:15: rule R-1: invalid severity 'hihg'; use one of info, low, medium, high, critical",
        "policy.yaml:9:19: rule R-2: unknown field 'HasAcll'; did you mean 'HasAcl'?",
    ]


def test_schema_error_does_not_hide_condition_problems(problems_of: Problems) -> None:
    problems = problems_of(
        """\
        rules:
          - id: R-1
            title: t
            severity: urgent
            when:
              all:
                - {field: AclCoverag, equals: Uncovered}
                - {field: DstIP, in_cidr: 10.0.0.0/33}
        """
    )

    assert len(problems) == 3
    assert problems[0].startswith("policy.yaml:4:15: rule R-1: invalid severity 'urgent'")
    assert problems[1] == "policy.yaml:7:19: rule R-1: unknown field 'AclCoverag'; did you mean 'AclCoverage'?"
    assert problems[2].startswith("policy.yaml:8:35: rule R-1: invalid CIDR '10.0.0.0/33'")


def test_broken_condition_not_checked_twice(problems_of: Problems) -> None:
    problems = problems_of(
        """\
        rules:
          - id: R-1
            title: t
            severity: urgent
            when: {all: {field: DstIP, equals: x}}
        """
    )

    assert len(problems) == 2
    assert problems[0].startswith("policy.yaml:4:15: rule R-1: invalid severity 'urgent'")
