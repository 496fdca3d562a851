"""Check a rule's ``when`` against the record model and build its typed condition tree.

Runs after the schema check, so the shapes are right. This step checks that fields
exist, operators fit the field kind, values have the field's type, patterns and CIDRs
parse, and params resolve. Field types always come from :func:`checker.records.record_fields`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from checker.i18n import _
from checker.records import FieldKind, RecordField
from checker.rules.cidr import NetworkSet, parse_network
from checker.rules.conditions import (
    COMPARISONS,
    QUANTIFIERS,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
    Quantifier,
    operators_for,
)
from checker.rules.params import ParamResolver, ParamType
from checker.rules.problems import YamlPath
from checker.rules.values import ValueType, coerce

_SCALAR_TYPES: dict[FieldKind, ValueType] = {
    FieldKind.STRING: "string",
    FieldKind.INTEGER: "integer",
    FieldKind.BOOLEAN: "boolean",
}


def _kind_name(kind: FieldKind) -> str:
    """Name a field kind for a message, in the current language."""
    names = {
        FieldKind.STRING: _("string"),
        FieldKind.INTEGER: _("integer"),
        FieldKind.BOOLEAN: _("boolean"),
        FieldKind.STRING_LIST: _("string list"),
        FieldKind.OBJECT_LIST: _("object list"),
    }
    return names[kind]


class ConditionChecker:
    """Build the typed condition of one rule; problems go to the param resolver's issues."""

    def __init__(self, resolver: ParamResolver) -> None:
        self.resolver = resolver
        self.document = resolver.document
        self.issues = resolver.issues

    def check(
        self, raw: dict[str, Any], path: YamlPath, scope: Mapping[str, RecordField], item_of: str = ""
    ) -> Condition | None:
        """Return the typed condition of ``raw``, or None when it has a problem."""
        if "all" in raw or "any" in raw:
            key = "all" if "all" in raw else "any"
            children = [self.check(child, (*path, key, i), scope, item_of) for i, child in enumerate(raw[key])]
            if any(child is None for child in children):
                return None
            checked = tuple(child for child in children if child is not None)
            return AllOf(checked) if key == "all" else AnyOf(checked)
        if "not" in raw:
            child = self.check(raw["not"], (*path, "not"), scope, item_of)
            return None if child is None else Not(child)
        for kind in QUANTIFIERS:
            if kind in raw:
                return self._quantifier(kind, raw[kind], (*path, kind), scope, item_of)
        return self._leaf(raw, path, scope, item_of)

    def _field(self, name: str, path: YamlPath, scope: Mapping[str, RecordField], item_of: str) -> RecordField | None:
        if name in scope:
            return scope[name]
        same_letters = [known for known in scope if known.lower() == name.lower()]
        close = same_letters or difflib.get_close_matches(name, list(scope), n=1)
        if close:
            hint = _("did you mean '%(name)s'?") % {"name": close[0]}
        else:
            hint = _("use one of %(names)s") % {"names": ", ".join(scope)}
        values = {"name": name, "list": item_of, "hint": hint}
        if item_of:
            text = _("unknown field '%(name)s' in %(list)s items; %(hint)s") % values
        else:
            text = _("unknown field '%(name)s'; %(hint)s") % values
        self.issues.append(self.document.issue(path, text))
        return None

    def _quantifier(
        self, kind: Any, raw: dict[str, Any], path: YamlPath, scope: Mapping[str, RecordField], item_of: str
    ) -> Quantifier | None:
        field = self._field(raw["in"], (*path, "in"), scope, item_of)
        if field is None:
            return None
        if field.kind is not FieldKind.OBJECT_LIST or field.item_fields is None:
            lists = ", ".join(name for name, known in scope.items() if known.kind is FieldKind.OBJECT_LIST)
            text = _("'%(kind)s' needs a list of objects (%(lists)s), but '%(field)s' is a %(type)s field") % {
                "kind": kind, "lists": lists, "field": field.name, "type": _kind_name(field.kind)
            }
            self.issues.append(self.document.issue((*path, "in"), text))
            return None

        where = self.check(raw["where"], (*path, "where"), field.item_fields, field.name)
        comparison = next((name for name in COMPARISONS if name in raw), "")
        number = 0
        if comparison:
            context = _("'%(comparison)s' of 'count'") % {"comparison": comparison}
            number, valid = self._scalar(raw[comparison], (*path, comparison), "integer", context)
            if not valid:
                return None
        return None if where is None else Quantifier(kind, field, where, comparison, number)

    def _leaf(self, raw: dict[str, Any], path: YamlPath, scope: Mapping[str, RecordField], item_of: str) -> Leaf | None:
        field = self._field(raw["field"], (*path, "field"), scope, item_of)
        operator = next(key for key in raw if key != "field")
        if field is None:
            return None
        allowed = operators_for(field)
        if operator not in allowed:
            text = _("operator '%(operator)s' does not apply to the %(type)s field '%(field)s'; use one of %(allowed)s") % {
                "operator": operator, "type": _kind_name(field.kind), "field": field.name, "allowed": ", ".join(allowed)
            }
            self.issues.append(self.document.issue((*path, operator), text, at_key=True))
            return None

        value, valid = self._value(field, operator, raw[operator], (*path, operator))
        return Leaf(field, operator, value) if valid else None

    def _value(self, field: RecordField, operator: str, raw: Any, path: YamlPath) -> tuple[Any, bool]:
        context = _("'%(operator)s' on the %(type)s field '%(field)s'") % {
            "operator": operator, "type": _kind_name(field.kind), "field": field.name
        }
        if operator in ("is_empty", "exists"):
            return self._scalar(raw, path, "boolean", context)
        if operator in ("in_cidr", "not_in_cidr"):
            texts, valid = self._list(raw, path, "string", context, scalar_allowed=True)
            return self._networks(texts, path) if valid else (None, False)
        if operator in ("in", "not_in"):
            items, valid = self._list(raw, path, _SCALAR_TYPES[field.kind], context)
            return (frozenset(items), True) if valid else (None, False)
        if operator in ("gt", "gte", "lt", "lte"):
            return self._scalar(raw, path, "integer", context)
        if operator in ("equals", "not_equals"):
            return self._scalar(raw, path, _SCALAR_TYPES[field.kind], context)

        text, valid = self._scalar(raw, path, "string", context)
        if valid and operator == "matches":
            return self._pattern(text, path)
        return text, valid

    def _scalar(self, raw: Any, path: YamlPath, expected: ValueType, context: str) -> tuple[Any, bool]:
        if isinstance(raw, dict):
            return self.resolver.resolve(raw["param"], path, ParamType(expected))
        value, error = coerce(self.document, path, raw, expected)
        if error is not None:
            text = _("invalid value for %(context)s: %(error)s") % {"context": context, "error": error}
            self.issues.append(self.document.issue(path, text))
            return None, False
        return value, True

    def _list(
        self, raw: Any, path: YamlPath, expected: ValueType, context: str, *, scalar_allowed: bool = False
    ) -> tuple[list[Any], bool]:
        if isinstance(raw, dict):
            value, valid = self.resolver.resolve(raw["param"], path, ParamType(expected, True, scalar_allowed))
            return (list(value) if valid else []), valid
        if not isinstance(raw, list):
            value, valid = self._scalar(raw, path, expected, context)
            return [value], valid

        results = [self._scalar(item, (*path, index), expected, context) for index, item in enumerate(raw)]
        return [value for value, _ in results], all(valid for _, valid in results)

    def _pattern(self, text: str, path: YamlPath) -> tuple[re.Pattern[str] | None, bool]:
        try:
            return re.compile(text), True
        except re.error as exc:
            values = {"pattern": text, "reason": exc.msg, "position": exc.pos}
            if exc.pos is not None:
                message = _("invalid regular expression '%(pattern)s': %(reason)s at position %(position)d; fix the pattern") % values
            else:
                message = _("invalid regular expression '%(pattern)s': %(reason)s; fix the pattern") % values
            self.issues.append(self.document.issue(path, message))
            return None, False

    def _networks(self, texts: list[str], path: YamlPath) -> tuple[NetworkSet | None, bool]:
        networks = []
        for text in texts:
            network, reason = parse_network(text)
            if network is None:
                message = _("invalid CIDR '%(value)s': %(reason)s") % {"value": text, "reason": reason}
                self.issues.append(self.document.issue(path, message))
            else:
                networks.append(network)
        if len(networks) < len(texts):
            return None, False
        return NetworkSet(networks), True
