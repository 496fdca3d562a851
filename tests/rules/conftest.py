"""Helpers for the rules tests: write policy files into a temporary folder and load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.errors import ProblemList
from checker.rules import Rule, load_policies

WritePolicy = Callable[..., str]


@pytest.fixture
def write_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WritePolicy:
    """Return a function that writes dedented YAML to a file in the working folder.

    The working folder is ``tmp_path``, so messages show the short relative name.
    """
    monkeypatch.chdir(tmp_path)

    def write(text: str, name: str = "policy.yaml") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return name

    return write


@pytest.fixture
def problems_of(write_policy: WritePolicy) -> Callable[..., list[str]]:
    """Return a function that loads YAML text and returns the problem lines it raises."""

    def problems(text: str, overrides: Mapping[str, str] | None = None) -> list[str]:
        path = write_policy(text)
        with pytest.raises(ProblemList) as caught:
            load_policies([path], param_overrides=overrides or {})
        return caught.value.problems

    return problems


@pytest.fixture
def compile_when(write_policy: WritePolicy) -> Callable[..., Rule]:
    """Return a function that compiles one condition (a Python dict) into a rule."""

    def compile_rule(
        when: dict[str, Any], params: dict[str, Any] | None = None, overrides: Mapping[str, str] | None = None
    ) -> Rule:
        rule: dict[str, Any] = {"id": "T-1", "title": "Test rule", "severity": "high", "when": when}
        if params is not None:
            rule["params"] = params
        path = write_policy(yaml.safe_dump({"rules": [rule]}, sort_keys=False), name="compiled.yaml")
        (loaded,) = load_policies([path], param_overrides=overrides or {}).rules
        return loaded

    return compile_rule
