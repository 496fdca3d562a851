"""Loaded rules and policy files, as the evaluator and the reports see them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checker.records import Record
from checker.severity import Severity

#: Compiled condition of a rule: True when the rule fires on the record.
Predicate = Callable[[Record], bool]
#: Returns the field values that made a rule fire on a record, keyed by field name.
EvidenceFunction = Callable[[Record], dict[str, Any]]


@dataclass(frozen=True)
class RuleText:
    """Human text of a rule in one language."""

    title: str
    description: str = ""
    remediation: str = ""


@dataclass(frozen=True, eq=False)
class Rule:
    """One policy rule, validated and compiled."""

    id: str
    severity: Severity
    #: Text by language code; ``"en"`` is always present, ``"zh"`` when the file gives it.
    text: Mapping[str, RuleText]
    references: tuple[str, ...] = ()
    #: Framework name (``MLPS-2.0``, ``ISO-27001-2022``, ``NIST-SP-800-53``) to control ids.
    frameworks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    #: Effective parameter values, after command-line overrides.
    params: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True
    #: Display path of the policy file and the 1-based line of the rule's ``id``.
    source: str = ""
    line: int = 0
    matches: Predicate = field(default=lambda record: False, repr=False)
    evidence: EvidenceFunction = field(default=lambda record: {}, repr=False)

    @property
    def title(self) -> str:
        """English title."""
        return self.text["en"].title

    def localized(self, lang: str) -> RuleText:
        """Return the rule's text in ``lang``, falling back to English."""
        return self.text.get(lang) or self.text["en"]


@dataclass(frozen=True)
class PolicyFile:
    """One loaded policy file and its rules in file order."""

    #: Path as given by the user, or ``builtin:NAME.yaml`` for the built-in pack.
    path: str
    sha256: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class PolicySet:
    """All policy files chosen for a run."""

    files: tuple[PolicyFile, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule of every file, in load order, disabled rules included."""
        return tuple(rule for policy_file in self.files for rule in policy_file.rules)
