"""The built-in policy pack: its test cases in policies/tests and its metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from checker.evaluation import evaluate
from checker.records import Record
from checker.rules import PolicySet, Rule, load_policies, select_rules

CASES_DIR = Path(__file__).resolve().parent.parent / "policies" / "tests"
FRAMEWORKS = {"MLPS-2.0", "ISO-27001-2022", "NIST-SP-800-53"}
RULE_ID = re.compile(r"^CFW-[A-Z]+-\d{3}$")
# SecuritySuggest values are opaque codes, because the API reference gives alert and drop
# opposite meanings on two pages. Rule text may name AddControlPolicy's AclAction=drop,
# which is a different, unambiguous parameter, but never alert or drop on their own.
SUGGEST_WORDS = re.compile(r"\bSecuritySuggest\b|\balert\b|\bdrop\b|告警")


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.test.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["tests"]:
            cases.append((f"{path.name}::{case['name']}", case))
    return cases


CASES = _load_cases()


def _override_text(value: Any) -> str:
    """Return a case's param value as the text a user would pass to --param."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@cache
def _policy_set(overrides: tuple[tuple[str, str], ...] = ()) -> PolicySet:
    return load_policies(["builtin"], param_overrides=dict(overrides))


def _rules_for(case: Mapping[str, Any]) -> tuple[Rule, ...]:
    """Return the enabled built-in rules plus those the case enables, with its params."""
    overrides = tuple(sorted((key, _override_text(value)) for key, value in case.get("params", {}).items()))
    policy_set = _policy_set(overrides)
    enabled = set(case.get("enable", []))
    return (*select_rules(policy_set), *(rule for rule in policy_set.rules if rule.id in enabled and not rule.enabled))


def _fired(case: Mapping[str, Any]) -> set[str]:
    records = [msgspec.convert(raw, Record, strict=False) for raw in case["records"]]
    return {finding.rule_id for finding in evaluate(records, _rules_for(case))}


@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[case_id for case_id, _ in CASES])
def test_policy_case(case: dict[str, Any]) -> None:
    fired = _fired(case)

    expect = case["expect"]
    for rule_id in expect.get("fire", []):
        assert rule_id in fired, f"{rule_id} did not fire; fired: {sorted(fired)}"
    for rule_id in expect.get("not_fire", []):
        assert rule_id not in fired, f"{rule_id} fired; fired: {sorted(fired)}"


def test_every_case_names_known_rules() -> None:
    known = {rule.id for rule in _policy_set().rules}

    for case_id, case in CASES:
        named = {*case["expect"].get("fire", []), *case["expect"].get("not_fire", []), *case.get("enable", [])}
        assert named, f"{case_id} expects nothing"
        assert named <= known, f"{case_id} names unknown rules {sorted(named - known)}"


def test_every_rule_has_firing_and_quiet_cases() -> None:
    fires = {rule_id for _, case in CASES for rule_id in case["expect"].get("fire", [])}
    quiet = {rule_id for _, case in CASES for rule_id in case["expect"].get("not_fire", [])}

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
