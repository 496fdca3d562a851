"""Which files load_policies reads: files, folders, the built-in pack, missing paths."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.errors import InputError, ProblemList
from checker.rules import load_policies
from test_policy_yaml import HEAD

RULE = HEAD + "    when: {field: HasAcl, equals: false}\n"


def test_file_loaded_with_digest(write_policy: Callable[..., str]) -> None:
    path = write_policy(RULE)
    (policy_file,) = load_policies([path]).files

    assert policy_file.path == "policy.yaml"
    assert policy_file.sha256 == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert policy_file.rules[0].source == "policy.yaml"
    assert policy_file.rules[0].line == 2


def test_folder_sorted_without_subfolders(write_policy: Callable[..., str]) -> None:
    write_policy(RULE.replace("R-1", "B-1"), name="pack/b.yml")
    write_policy(RULE.replace("R-1", "A-1"), name="pack/a.yaml")
    write_policy("not a policy", name="pack/notes.txt")
    write_policy(RULE.replace("R-1", "T-1"), name="pack/tests/case.yaml")

    policy_set = load_policies(["pack"])

    assert [policy_file.path for policy_file in policy_set.files] == ["pack/a.yaml", "pack/b.yml"]
    assert [rule.id for rule in policy_set.rules] == ["A-1", "B-1"]


def test_builtin_pack_loads() -> None:
    policy_set = load_policies(["builtin"])

    assert policy_set.files
    assert all(policy_file.path.startswith("builtin:") for policy_file in policy_set.files)
    assert all(rule.text["en"].title for rule in policy_set.rules)


def test_missing_path_named() -> None:
    with pytest.raises(InputError) as caught:
        load_policies(["no-such-policy.yaml"])

    assert str(caught.value) == (
        "no-such-policy.yaml: policy path not found; give a YAML file, a folder of YAML files or 'builtin'"
    )


def test_no_rules_is_an_error(write_policy: Callable[..., str]) -> None:
    path = write_policy("rules: []\n")

    with pytest.raises(InputError) as caught:
        load_policies([path])

    assert str(caught.value) == "no rules found in policy.yaml; give a policy file that has rules, or 'builtin'"


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_policies([str(tmp_path)])

    assert "no rules found in" in str(caught.value)


def test_rule_text_and_metadata(write_policy: Callable[..., str]) -> None:
    path = write_policy(
        """\
        rules:
          - id: R-1
            title: Malicious destination
            severity: critical
            description: Why it matters.
            remediation: What to do.
            references: [https://example.com/a]
            frameworks: {NIST-SP-800-53: [SC-7, SI-4]}
            tags: [threat-intel]
            enabled: false
            i18n: {zh: {title: 恶意目的地址, remediation: 处置}}
            when: {field: HasAcl, equals: false}
        """
    )
    (rule,) = load_policies([path]).rules

    assert rule.title == "Malicious destination"
    assert rule.text["en"].description == "Why it matters."
    assert rule.localized("zh").title == "恶意目的地址"
    assert rule.localized("zh").description == ""
    assert rule.localized("fr").title == "Malicious destination"
    assert rule.frameworks == {"NIST-SP-800-53": ("SC-7", "SI-4")}
    assert rule.references == ("https://example.com/a",)
    assert rule.enabled is False


def test_bad_file_blocks_all(write_policy: Callable[..., str]) -> None:
    good = write_policy(RULE, name="good.yaml")
    bad = write_policy("rules: [5]\n", name="bad.yaml")

    with pytest.raises(ProblemList):
        load_policies([good, bad])
