"""Compile a typed condition into a Python function, once per rule.

The generated source reads record attributes and compares them with constants such as
``r.SessionCount >= _c1``. Every value from the policy file is passed in the function's
namespace as a named constant (``_c0``, ``_c1``...) and never written into the source,
so no policy text can inject code. Attribute names come from the record model only.
List quantifiers become small loop functions, which run faster than ``any()`` over a
generator.
"""

from __future__ import annotations

import logging
from typing import Any

from checker.rules.conditions import AllOf, AnyOf, Condition, Leaf, Not, Quantifier
from checker.rules.model import Predicate

logger = logging.getLogger(__name__)

_BINARY_OPERATORS = {
    "equals": "==",
    "not_equals": "!=",
    "in": "in",
    "not_in": "not in",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "in_cidr": "in",
    "not_in_cidr": "not in",
}


class _SourceBuilder:
    """Collect the constants and helper functions of one generated module."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.helpers: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def expression(self, condition: Condition, variable: str, depth: int = 0) -> str:
        if isinstance(condition, AllOf):
            return "(" + " and ".join(self.expression(child, variable, depth) for child in condition.children) + ")"
        if isinstance(condition, AnyOf):
            return "(" + " or ".join(self.expression(child, variable, depth) for child in condition.children) + ")"
        if isinstance(condition, Not):
            return f"(not {self.expression(condition.child, variable, depth)})"
        if isinstance(condition, Quantifier):
            return f"{self.quantifier(condition, depth + 1)}({_attribute(variable, condition.field.name)})"
        return self.leaf(condition, variable)

    def leaf(self, leaf: Leaf, variable: str) -> str:
        subject = _attribute(variable, leaf.field.name)
        operator = leaf.operator
        if operator in _BINARY_OPERATORS:
            return f"({subject} {_BINARY_OPERATORS[operator]} {self.constant(leaf.value)})"
        if operator == "matches":
            return f"({self.constant(leaf.value.search)}({subject}) is not None)"
        if operator == "contains":
            return f"({self.constant(leaf.value)} in {subject})"
        if operator == "starts_with":
            return f"{subject}.startswith({self.constant(leaf.value)})"
        if operator == "ends_with":
            return f"{subject}.endswith({self.constant(leaf.value)})"

        # The missing-field defaults ("", 0, False, []) are exactly the false values of each
        # kind, so "exists" is truthiness and "is_empty" is its negation.
        present = leaf.value if operator == "exists" else not leaf.value
        return f"(not not {subject})" if present else f"(not {subject})"

    def quantifier(self, quantifier: Quantifier, depth: int) -> str:
        """Define a loop function over the list items and return its name."""
        # Reserve the slot first: quantifiers nested in ``where`` add their helpers meanwhile.
        index = len(self.helpers)
        name = f"_q{index}"
        self.helpers.append("")
        item = f"_item{depth}"
        test = self.expression(quantifier.where, item, depth)
        if quantifier.kind == "count":
            number = self.constant(quantifier.number)
            operator = _BINARY_OPERATORS[quantifier.comparison]
            body = (
                f"    matched = 0\n    for {item} in items:\n        if {test}:\n            matched += 1\n"
                f"    return matched {operator} {number}\n"
            )
        else:
            on_match, otherwise = {"some": ("True", "False"), "every": ("False", "True"), "none": ("False", "True")}[
                quantifier.kind
            ]
            condition = f"not {test}" if quantifier.kind == "every" else test
            body = f"    for {item} in items:\n        if {condition}:\n            return {on_match}\n    return {otherwise}\n"
        self.helpers[index] = f"def {name}(items):\n{body}"
        return name


def _attribute(variable: str, name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"record field name is not an identifier: {name!r}")
    return f"{variable}.{name}"


def generate_source(condition: Condition) -> tuple[str, dict[str, Any]]:
    """Return the Python source of ``predicate(r)`` for ``condition`` and its constants."""
    builder = _SourceBuilder()
    expression = builder.expression(condition, "r")
    source = "\n".join([*builder.helpers, f"def predicate(r):\n    return {expression}\n"])
    return source, builder.constants


def compile_predicate(condition: Condition, label: str) -> Predicate:
    """Compile ``condition`` into a function of one record (or one list item)."""
    source, constants = generate_source(condition)
    logger.debug("compiled %s:\n%s", label, source)
    namespace: dict[str, Any] = {"__builtins__": {}, **constants}
    exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - source holds no policy text
    predicate: Predicate = namespace["predicate"]
    return predicate
