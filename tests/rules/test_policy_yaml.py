"""Reading policy YAML: syntax, duplicate keys and YAML 1.1 spellings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checker.records import Record
from checker.rules import Rule, load_policies

#: A rule up to its ``when``; the condition written after it starts on line 5.
HEAD = """\
rules:
  - id: R-1
    title: Rule
    severity: high
"""

Problems = Callable[..., list[str]]


def test_syntax_error_names_line(problems_of: Problems) -> None:
    problems = problems_of("rules: [\n")

    assert problems == [
        "policy.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>'; fix the syntax"
    ]


def test_empty_file_rejected(problems_of: Problems) -> None:
    assert problems_of("# nothing\n") == ["policy.yaml:1:1: the policy file is empty; add a 'rules' list"]


def test_duplicate_key_in_rule(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    severity: low\n    when: {field: HasAcl, equals: true}\n")

    assert problems == [
        "policy.yaml:5:5: rule R-1: duplicate key 'severity' (first defined at line 4); remove one of the two"
    ]


def test_duplicate_key_outside_rule(problems_of: Problems) -> None:
    problems = problems_of("rules: []\nrules: []\n")

    assert problems == ["policy.yaml:2:1: duplicate key 'rules' (first defined at line 1); remove one of the two"]


def test_duplicate_key_in_condition(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when:\n      field: HasAcl\n      field: IsMarkNormal\n      equals: true\n")

    assert problems == [
        "policy.yaml:7:7: rule R-1: duplicate key 'field' (first defined at line 6); remove one of the two"
    ]


def test_python_tag_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: RuleName, equals: !!python/object/apply:os.system [id]}\n")

    assert problems == [
        "policy.yaml:5:37: rule R-1: unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'; "
        "remove the tag"
    ]


def test_python_tag_on_scalar_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: RuleName, equals: !!python/name:os.system x}\n")

    assert problems == [
        "policy.yaml:5:37: rule R-1: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'; remove the tag or quote the value"
    ]


def test_recursive_alias_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: &loop {not: *loop}\n")

    assert problems[0] == "policy.yaml:5:11: rule R-1: an alias refers to itself; remove the recursive alias"


@pytest.mark.parametrize(
    ("written", "expected"),
    [("no", "no"), ("off", "off"), ("yes", "yes"), ("on", "on"), ("0443", "0443"), ("1:10", "1:10"),
     ("1e3", "1e3"), ("~", "~"), ("1.50", "1.50"), ("2024-01-02", "2024-01-02")],
)  # fmt: skip
def test_string_field_keeps_written_text(compile_when: Callable[..., Rule], written: str, expected: str) -> None:
    rule = compile_when({"field": "RuleName", "equals": "PLACEHOLDER"})
    path = "compiled.yaml"
    with open(path, encoding="utf-8") as stream:
        text = stream.read().replace("PLACEHOLDER", written)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
    (rule,) = load_policies([path]).rules

    assert rule.matches(Record(DstIP="192.0.2.1", RuleName=expected))
    assert not rule.matches(Record(DstIP="192.0.2.1", RuleName="other"))


def test_string_in_list_keeps_written_text(write_policy: Callable[..., str]) -> None:
    path = write_policy(HEAD + "    when: {field: SecuritySuggest, in: [no, off, 0443]}\n")
    (rule,) = load_policies([path]).rules

    assert rule.matches(Record(DstIP="192.0.2.1", SecuritySuggest="no"))
    assert rule.matches(Record(DstIP="192.0.2.1", SecuritySuggest="off"))
    assert rule.matches(Record(DstIP="192.0.2.1", SecuritySuggest="0443"))
    assert not rule.matches(Record(DstIP="192.0.2.1", SecuritySuggest="False"))


def test_text_keys_keep_written_text(write_policy: Callable[..., str]) -> None:
    path = write_policy(
        """\
        rules:
          - id: R-1
            title: no
            severity: high
            description: 0443
            tags: [on, 1:10]
            references: [~]
            frameworks: {MLPS-2.0: [8.1]}
            i18n: {zh: {title: yes}}
            when: {field: HasAcl, equals: true}
        """
    )
    (rule,) = load_policies([path]).rules

    assert rule.title == "no"
    assert rule.text["en"].description == "0443"
    assert rule.tags == ("on", "1:10")
    assert rule.references == ("~",)
    assert rule.frameworks == {"MLPS-2.0": ("8.1",)}
    assert rule.text["zh"].title == "yes"


@pytest.mark.parametrize(
    ("written", "read_as"), [("0443", 291), ("1:10", 70), ("0x1F", 31), ("1_000", 1000), ("0b11", 3)]
)
def test_integer_field_rejects_yaml11_number(problems_of: Problems, written: str, read_as: int) -> None:
    problems = problems_of(HEAD + f"    when: {{field: SessionCount, equals: {written}}}\n")

    assert problems == [
        f"policy.yaml:5:41: rule R-1: invalid value for 'equals' on the integer field 'SessionCount': "
        f"'{written}' is not a plain decimal integer (YAML 1.1 reads it as {read_as}); "
        "write the number in decimal digits without a leading zero"
    ]


@pytest.mark.parametrize("written", ["yes", "no", "on", "off", "Yes", "OFF"])
def test_boolean_field_rejects_yaml11_boolean(problems_of: Problems, written: str) -> None:
    problems = problems_of(HEAD + f"    when: {{field: HasAcl, equals: {written}}}\n")

    assert problems == [
        f"policy.yaml:5:35: rule R-1: invalid value for 'equals' on the boolean field 'HasAcl': "
        f"'{written}' is a YAML 1.1 boolean; write true or false"
    ]


@pytest.mark.parametrize("written", ["true", "True", "FALSE"])
def test_boolean_field_accepts_true_false(write_policy: Callable[..., str], written: str) -> None:
    path = write_policy(HEAD + f"    when: {{field: HasAcl, equals: {written}}}\n")
    (rule,) = load_policies([path]).rules

    assert rule.matches(Record(DstIP="192.0.2.1", HasAcl=written.lower() == "true"))


def test_enabled_rejects_yaml11_boolean(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    enabled: off\n    when: {field: HasAcl, equals: true}\n")

    assert problems == ["policy.yaml:5:14: rule R-1: 'off' is a YAML 1.1 boolean; write true or false"]


def test_exists_rejects_yaml11_boolean(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: RuleName, exists: yes}\n")

    assert problems == [
        "policy.yaml:5:37: rule R-1: invalid value for 'exists' on the string field 'RuleName': "
        "'yes' is a YAML 1.1 boolean; write true or false"
    ]


def test_count_rejects_yaml11_number(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {count: {in: TagList, where: {field: RiskLevel, gte: 2}, gte: 010}}\n")

    assert problems == [
        "policy.yaml:5:73: rule R-1: invalid value for 'gte' of 'count': "
        "'010' is not a plain decimal integer (YAML 1.1 reads it as 8); "
        "write the number in decimal digits without a leading zero"
    ]


def test_param_default_rejects_yaml11_number(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    params: {low: 0443}\n    when: {field: SessionCount, gte: {param: low}}\n")

    assert problems == [
        "policy.yaml:5:19: rule R-1: param 'low' (used at line 6 as an integer): '0443' is not a plain "
        "decimal integer (YAML 1.1 reads it as 291); write the number in decimal digits without a leading zero"
    ]


def test_quoted_number_for_integer_field(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when: {field: SessionCount, equals: '10'}\n")

    assert problems == [
        "policy.yaml:5:41: rule R-1: invalid value for 'equals' on the integer field 'SessionCount': "
        "expected an integer, got the string '10'; remove the quotes"
    ]


def test_invalid_utf8_rejected(write_policy: Callable[..., str]) -> None:
    path = write_policy("rules: []\n")
    with open(path, "wb") as stream:
        stream.write(b"rules: [\xff]\n")

    with pytest.raises(Exception) as caught:
        load_policies([path])

    assert caught.value.problems == ["policy.yaml:1:1: invalid UTF-8 at byte 8; save the file as UTF-8"]  # type: ignore[attr-defined]


def test_missing_leaf_value_rejected(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    when:\n      field: RuleName\n      equals:\n")

    assert problems == [
        "policy.yaml:7:14: rule R-1: invalid value for 'equals' on the string field 'RuleName': "
        "the value is missing; write a string after the colon"
    ]


def test_yaml11_problem_still_type_checks_rule(problems_of: Problems) -> None:
    problems = problems_of(HEAD + "    enabled: no\n    when: {field: HasAcls, equals: true}\n")

    assert problems == [
        "policy.yaml:5:14: rule R-1: 'no' is a YAML 1.1 boolean; write true or false",
        "policy.yaml:6:19: rule R-1: unknown field 'HasAcls'; did you mean 'HasAcl'?",
    ]
