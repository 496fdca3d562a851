"""Type-checked conditions: the tree that the compiler turns into a predicate.

Every value here already has the Python type its field needs: ``in`` lists are frozensets,
``matches`` contains a compiled pattern and ``in_cidr`` a :class:`~checker.rules.cidr.NetworkSet`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Union

from checker.records import FieldKind, RecordField

#: Operators that each field kind accepts; DstIP also accepts ``in_cidr`` and ``not_in_cidr``.
OPERATORS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.STRING: (
        "equals", "not_equals", "in", "not_in", "matches", "contains",
        "starts_with", "ends_with", "is_empty", "exists",
    ),
    FieldKind.INTEGER: ("equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "exists"),
    FieldKind.BOOLEAN: ("equals", "not_equals", "exists"),
    FieldKind.STRING_LIST: ("contains", "is_empty", "exists"),
    FieldKind.OBJECT_LIST: ("is_empty", "exists"),
}  # fmt: skip
IP_OPERATORS = ("in_cidr", "not_in_cidr")
COMPARISONS = ("equals", "not_equals", "gt", "gte", "lt", "lte")
QUANTIFIERS = ("some", "every", "none", "count")

#: Value of a field kind that the API leaves out: ``exists`` is true for any other value.
MISSING_VALUES: dict[FieldKind, Any] = {
    FieldKind.STRING: "",
    FieldKind.INTEGER: 0,
    FieldKind.BOOLEAN: False,
    FieldKind.STRING_LIST: [],
    FieldKind.OBJECT_LIST: [],
}


def operators_for(field: RecordField) -> tuple[str, ...]:
    """Return the operators that apply to ``field``."""
    return OPERATORS[field.kind] + (IP_OPERATORS if field.is_ip else ())


@dataclass(frozen=True)
class Leaf:
    """``field`` compared with ``value`` by ``operator``."""

    field: RecordField
    operator: str
    value: Any


@dataclass(frozen=True)
class AllOf:
    """True when every child is true."""

    children: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one child is true."""

    children: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """True when the child is false."""

    child: Condition


@dataclass(frozen=True)
class Quantifier:
    """A test on the items of an object-list field that match ``where``.

    ``some`` is false and ``every`` and ``none`` are true for an empty list. ``count``
    compares the number of matching items with ``number`` by ``comparison``.
    """

    kind: Literal["some", "every", "none", "count"]
    field: RecordField
    where: Condition
    comparison: str = ""
    number: int = 0


Condition = Union[Leaf, AllOf, AnyOf, Not, Quantifier]
