"""Choosing rules by id pattern, tag and severity."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checker.errors import ProblemList
from checker.rules import PolicySet, load_policies, select_rules
from checker.severity import Severity

POLICY = """\
rules:
  - {id: CFW-TI-001, title: a, severity: critical, tags: [threat-intel, acl], when: {field: HasAcl, equals: false}}
  - {id: CFW-TI-002, title: b, severity: medium, tags: [threat-intel], when: {field: HasAcl, equals: false}}
  - {id: CFW-ACL-001, title: c, severity: low, tags: [acl], when: {field: HasAcl, equals: false}}
  - {id: CFW-OFF-001, title: d, severity: high, tags: [acl], enabled: false, when: {field: HasAcl, equals: false}}
"""


@pytest.fixture
def policy_set(write_policy: Callable[..., str]) -> PolicySet:
    return load_policies([write_policy(POLICY)])


def ids(policy_set: PolicySet, **options: object) -> list[str]:
    return [rule.id for rule in select_rules(policy_set, **options)]  # type: ignore[arg-type]


def test_default_selects_enabled_rules(policy_set: PolicySet) -> None:
    assert ids(policy_set) == ["CFW-TI-001", "CFW-TI-002", "CFW-ACL-001"]
    assert policy_set.rules[3].enabled is False


def test_rules_by_id_and_glob(policy_set: PolicySet) -> None:
    assert ids(policy_set, rules=["CFW-TI-*"]) == ["CFW-TI-001", "CFW-TI-002"]
    assert ids(policy_set, rules=["CFW-ACL-001", "CFW-TI-002"]) == ["CFW-TI-002", "CFW-ACL-001"]


def test_disabled_rule_never_selected(policy_set: PolicySet) -> None:
    assert ids(policy_set, rules=["CFW-OFF-001"]) == []


def test_skip_rules(policy_set: PolicySet) -> None:
    assert ids(policy_set, skip_rules=["CFW-TI-00?"]) == ["CFW-ACL-001"]


def test_tags_and_skip_tags(policy_set: PolicySet) -> None:
    assert ids(policy_set, tags=["acl"]) == ["CFW-TI-001", "CFW-ACL-001"]
    assert ids(policy_set, skip_tags=["acl"]) == ["CFW-TI-002"]


def test_severities(policy_set: PolicySet) -> None:
    assert ids(policy_set, severities={Severity.CRITICAL, Severity.LOW}) == ["CFW-TI-001", "CFW-ACL-001"]


def test_glob_is_case_sensitive(policy_set: PolicySet) -> None:
    with pytest.raises(ProblemList):
        select_rules(policy_set, rules=["cfw-ti-*"])


def test_unknown_patterns_and_tags(policy_set: PolicySet) -> None:
    with pytest.raises(ProblemList) as caught:
        select_rules(policy_set, rules=["CFW-TI-01"], skip_rules=["CFW-X-*"], tags=["threat"], skip_tags=["acls"])

    assert caught.value.headline == "4 problems in the rule selection; nothing was evaluated"
    assert caught.value.problems == [
        "rule pattern 'CFW-TI-01' matches no loaded rule; check the id, or list the rules with "
        "'cfw-checker policies list'",
        "skipped rule pattern 'CFW-X-*' matches no loaded rule; check the id, or list the rules with "
        "'cfw-checker policies list'",
        "tag 'threat' is on no loaded rule; check the spelling against the tags of the policy files",
        "skipped tag 'acls' is on no loaded rule; check the spelling against the tags of the policy files",
    ]


def test_enable_selects_disabled_rule(policy_set: PolicySet) -> None:
    assert "CFW-OFF-001" not in ids(policy_set)
    assert ids(policy_set, enable=["CFW-OFF-*"]) == ["CFW-TI-001", "CFW-TI-002", "CFW-ACL-001", "CFW-OFF-001"]
    assert ids(policy_set, enable=["CFW-OFF-001"], rules=["CFW-OFF-001"]) == ["CFW-OFF-001"]


def test_enable_unknown_pattern_rejected(policy_set: PolicySet) -> None:
    with pytest.raises(ProblemList) as caught:
        select_rules(policy_set, enable=["CFW-NOPE-1"])

    assert caught.value.problems == [
        "enabled rule pattern 'CFW-NOPE-1' matches no loaded rule; check the id, "
        "or list the rules with 'cfw-checker policies list'"
    ]


def test_rule_pattern_in_other_case_suggests_id(policy_set: PolicySet) -> None:
    with pytest.raises(ProblemList) as caught:
        select_rules(policy_set, rules=["cfw-ti-001"])

    assert caught.value.problems == [
        "rule pattern 'cfw-ti-001' matches no loaded rule; rule ids are case-sensitive: did you mean 'CFW-TI-001'?"
    ]
