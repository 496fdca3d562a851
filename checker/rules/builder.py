"""Build a :class:`Rule` from one rule mapping that passed the schema check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.records import record_fields
from checker.rules.compiler import compile_predicate
from checker.rules.evidence import build_evidence
from checker.rules.model import Rule, RuleText
from checker.rules.params import ParamResolver
from checker.rules.problems import Issue, YamlPath
from checker.rules.typecheck import ConditionChecker
from checker.rules.yaml_source import YamlDocument
from checker.severity import Severity


@dataclass
class BuiltRule:
    """Outcome of building one rule: the rule, or the problems that prevented it."""

    rule: Rule | None
    issues: list[Issue] = field(default_factory=list)
    override_problems: list[str] = field(default_factory=list)


def build_rule(
    document: YamlDocument, path: YamlPath, source: str, overrides: dict[str, str]
) -> BuiltRule:
    """Type-check, compile and return the rule at ``path`` of ``document``.

    ``overrides`` maps param names of this rule to command-line texts.
    """
    raw: dict[str, Any] = document.value["rules"][path[1]]
    rule_id: str = raw["id"]
    resolver = ParamResolver(document, path, rule_id, source, overrides)
    condition = ConditionChecker(resolver).check(raw["when"], (*path, "when"), record_fields())
    if condition is None or resolver.issues or resolver.override_problems:
        return BuiltRule(None, resolver.issues, resolver.override_problems)

    label = f"rule {rule_id}"
    params = {**(raw.get("params") or {}), **{name: text for name, text in overrides.items()}, **resolver.values}
    rule = Rule(
        id=rule_id,
        severity=Severity(raw["severity"]),
        text=_texts(raw),
        references=tuple(raw.get("references", ())),
        frameworks={name: tuple(controls) for name, controls in (raw.get("frameworks") or {}).items()},
        tags=tuple(raw.get("tags", ())),
        params=params,
        enabled=raw.get("enabled", True),
        source=source,
        line=document.position((*path, "id"))[0],
        matches=compile_predicate(condition, label),
        evidence=build_evidence(condition, label),
    )
    return BuiltRule(rule)


def check_condition(document: YamlDocument, path: YamlPath, source: str, overrides: dict[str, str]) -> list[Issue]:
    """Type-check only the ``when`` of a rule whose other keys failed the schema check.

    The caller makes sure that ``id``, ``when`` and ``params`` passed it, so that every
    problem of the rule is reported in one run.
    """
    raw: dict[str, Any] = document.value["rules"][path[1]]
    resolver = ParamResolver(document, path, raw["id"], source, overrides)
    ConditionChecker(resolver).check(raw["when"], (*path, "when"), record_fields())
    return resolver.issues


def _texts(raw: dict[str, Any]) -> dict[str, RuleText]:
    texts = {"en": RuleText(raw["title"], raw.get("description", ""), raw.get("remediation", ""))}
    for lang, text in (raw.get("i18n") or {}).items():
        texts[lang] = RuleText(text["title"], text.get("description", ""), text.get("remediation", ""))
    return texts
