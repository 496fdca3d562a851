"""Evidence of a finding: the record values that a rule read when it fired."""

from __future__ import annotations

from typing import Any

import msgspec

from checker.records import Record
from checker.rules.compiler import compile_predicate
from checker.rules.conditions import AllOf, AnyOf, Condition, Leaf, Not, Quantifier
from checker.rules.model import EvidenceFunction, Predicate


def _parts(condition: Condition, label: str, parts: list[str | tuple[Quantifier, Predicate]]) -> None:
    """Collect, in rule order, the top-level fields that leaves read and the quantifiers."""
    if isinstance(condition, (AllOf, AnyOf)):
        for child in condition.children:
            _parts(child, label, parts)
    elif isinstance(condition, Not):
        _parts(condition.child, label, parts)
    elif isinstance(condition, Quantifier):
        parts.append((condition, compile_predicate(condition.where, f"{label} where")))
    elif isinstance(condition, Leaf) and condition.field.name not in parts:
        parts.append(condition.field.name)


def build_evidence(condition: Condition, label: str) -> EvidenceFunction:
    """Return a function that lists what ``condition`` read on a record it fired on.

    Each top-level field that a leaf reads maps to its value. A quantified list maps to its
    items, as plain dicts, that matched ``where`` (some, none, count) or did not match it
    (every). Two quantifiers over one list share the entry, without repeats. The function is
    only called for findings, so it runs at interpreter speed.
    """
    parts: list[str | tuple[Quantifier, Predicate]] = []
    _parts(condition, label, parts)

    def evidence(record: Record) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for part in parts:
            if isinstance(part, str):
                result[part] = msgspec.to_builtins(getattr(record, part))
                continue
            quantifier, where = part
            wanted = quantifier.kind != "every"
            items = result.setdefault(quantifier.field.name, [])
            for item in getattr(record, quantifier.field.name):
                value = msgspec.to_builtins(item)
                if where(item) == wanted and value not in items:
                    items.append(value)
        return result

    return evidence
