"""The built-in policy pack: its test cases in policies/tests and its metadata.

The cases run through :mod:`checker.policytests`, the runner of ``cfw-checker policies
test``, so the test suite and the command never disagree about a case.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from checker import policytests
from checker.policytests import PolicyCase
from checker.rules import PolicySet, Rule, load_policies, select_rules

FRAMEWORKS = {"MLPS-2.0", "ISO-27001-2022", "NIST-SP-800-53"}
RULE_ID = re.compile(r"^CFW-[A-Z]+-\d{3}$")
# SecuritySuggest values are opaque codes, because the API reference gives alert and drop
# opposite meanings on two pages. Rule text may name AddControlPolicy's AclAction=drop,
# which is a different, unambiguous parameter, but never alert or drop on their own.
SUGGEST_WORDS = re.compile(r"\bSecuritySuggest\b|\balert\b|\bdrop\b|告警")


CASES = policytests.load_cases("builtin")


@cache
def _policy_set() -> PolicySet:
    return load_policies(["builtin"])


@pytest.mark.parametrize("case", CASES, ids=[case.case_id for case in CASES])
def test_policy_case(case: PolicyCase) -> None:
    fired = policytests.fired_rules("builtin", case)

    for rule_id in case.fire:
        assert rule_id in fired, f"{rule_id} did not fire; fired: {sorted(fired)}"
    for rule_id in case.not_fire:
        assert rule_id not in fired, f"{rule_id} fired; fired: {sorted(fired)}"


def test_every_case_names_known_rules() -> None:
    known = {rule.id for rule in _policy_set().rules}

    for case in CASES:
        named = {*case.fire, *case.not_fire, *case.enable}
        assert named, f"{case.case_id} expects nothing"
        assert named <= known, f"{case.case_id} names unknown rules {sorted(named - known)}"


def test_every_rule_has_firing_and_quiet_cases() -> None:
    fires = {rule_id for case in CASES for rule_id in case.fire}
    quiet = {rule_id for case in CASES for rule_id in case.not_fire}

    for rule in _policy_set().rules:
        assert rule.id in fires, f"{rule.id} has no case where it fires"
        assert rule.id in quiet, f"{rule.id} has no case where it does not fire"


def test_pack_has_enough_rules() -> None:
    assert len(_policy_set().rules) >= 15


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [rule.id for rule in _policy_set().rules]

    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert RULE_ID.match(rule_id), rule_id


@pytest.mark.parametrize("rule", _policy_set().rules, ids=lambda rule: rule.id)
def test_rule_metadata_is_complete(rule: Rule) -> None:
    english = rule.text["en"]
    assert english.title
    assert english.description
    assert "AddControlPolicy" in english.remediation
    assert "Cloud Firewall console" in english.remediation
    assert rule.references
    for reference in rule.references:
        assert reference.startswith("https://www.alibabacloud.com/help/en/cloud-firewall/"), reference
    assert set(rule.frameworks) <= FRAMEWORKS
    assert any(rule.frameworks.values())
    assert rule.tags


@pytest.mark.parametrize("rule", _policy_set().rules, ids=lambda rule: rule.id)
def test_rule_has_chinese_text(rule: Rule) -> None:
    chinese = rule.text.get("zh")

    assert chinese is not None
    for text in (chinese.title, chinese.description, chinese.remediation):
        assert re.search(r"[\u4e00-\u9fff]", text), text
    assert "AddControlPolicy" in chinese.remediation


@pytest.mark.parametrize("rule", _policy_set().rules, ids=lambda rule: rule.id)
def test_rule_text_never_explains_security_suggest(rule: Rule) -> None:
    for language, text in rule.text.items():
        for part in (text.title, text.description, text.remediation):
            cleaned = part.replace("AclAction=drop", "")
            assert not SUGGEST_WORDS.search(cleaned), f"{language}: {part}"


def test_location_rule_is_off_by_default() -> None:
    (rule,) = [rule for rule in _policy_set().rules if rule.id == "CFW-GEO-001"]

    assert not rule.enabled
    assert rule.params["allowed_locations"] == []
    assert rule not in select_rules(_policy_set())
