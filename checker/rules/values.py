"""Give YAML values the type their target needs, without YAML 1.1 changing their meaning.

YAML 1.1 reads unquoted ``no``, ``on``, ``0443`` (octal), ``1:10`` (base 60) and ``~`` as
booleans, numbers and null. Where the target is text, the author's exact characters are
kept. Where the target is an integer or a boolean, only plain decimal digits and
``true``/``false`` are accepted, so that ``0443`` never silently becomes 291.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from checker.i18n import _
from checker.rules.problems import Issue, YamlPath
from checker.rules.yaml_source import YamlDocument

#: Scalar type a value must have where it is used.
ValueType = Literal["string", "integer", "boolean"]

_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")


def describe_value(value: Any) -> str:
    """Name a YAML value and its type for a message, such as ``the string '10'``."""
    if value is None:
        return _("an empty value")
    if isinstance(value, bool):
        return _("the boolean %(value)s") % {"value": str(value).lower()}
    if isinstance(value, int):
        return _("the integer %(value)s") % {"value": value}
    if isinstance(value, float):
        return _("the number %(value)s") % {"value": value}
    if isinstance(value, str):
        return _("the string '%(value)s'") % {"value": value}
    if isinstance(value, list):
        return _("a list")
    return _("a mapping")


def type_name(expected: ValueType) -> str:
    """Return how messages name ``expected``: ``a string``, ``an integer``, ``true or false``."""
    names = {"string": _("a string"), "integer": _("an integer"), "boolean": _("true or false")}
    return names[expected]


def yaml11_problem(document: YamlDocument, path: YamlPath, value: Any, expected: ValueType) -> str | None:
    """Return why a YAML 1.1 spelling is rejected at an integer or boolean target, or None.

    ``0443``, ``1:10``, ``0x1F`` and ``1_000`` resolve to integers and ``yes``, ``no``,
    ``on`` and ``off`` to booleans; only plain decimal digits and true/false are accepted.
    """
    scalar = document.scalars.get(path)
    if scalar is None or not scalar.plain:
        return None
    if expected == "integer" and isinstance(value, int) and not isinstance(value, bool):
        if not _DECIMAL.fullmatch(scalar.text):
            return _(
                "'%(text)s' is not a plain decimal integer (YAML 1.1 reads it as %(value)s); "
                "write the number in decimal digits without a leading zero"
            ) % {"text": scalar.text, "value": value}
    if expected == "boolean" and isinstance(value, bool):
        if scalar.text.lower() not in ("true", "false"):
            return _("'%(text)s' is a YAML 1.1 boolean; write true or false") % {"text": scalar.text}
    return None


def coerce(document: YamlDocument, path: YamlPath, value: Any, expected: ValueType) -> tuple[Any, str | None]:
    """Convert the YAML value at ``path`` to ``expected``; return the value and an error or None.

    The error states what is wrong and what to write instead. The caller adds the context.
    """
    if expected == "string":
        if isinstance(value, str):
            return value, None
        scalar = document.scalars.get(path)
        # A null written as ``~`` or ``null`` keeps its text; a missing value (no text) stays missing.
        if scalar is not None and scalar.plain and scalar.text and not isinstance(value, (list, dict)):
            return scalar.text, None
    elif expected == "integer" and isinstance(value, int) and not isinstance(value, bool):
        error = yaml11_problem(document, path, value, expected)
        return (None, error) if error else (value, None)
    elif expected == "boolean" and isinstance(value, bool):
        error = yaml11_problem(document, path, value, expected)
        return (None, error) if error else (value, None)

    if value is None:
        return None, _("the value is missing; write %(type)s after the colon") % {"type": type_name(expected)}
    error = _("expected %(expected)s, got %(actual)s") % {"expected": type_name(expected), "actual": describe_value(value)}
    quoted_number = expected == "integer" and isinstance(value, str) and _DECIMAL.fullmatch(value)
    quoted_boolean = expected == "boolean" and value in ("true", "false")
    return None, _("%(error)s; remove the quotes") % {"error": error} if quoted_number or quoted_boolean else error


def coerce_override(text: str, expected: ValueType) -> tuple[Any, str | None]:
    """Convert the text of a command-line param override to ``expected``."""
    if expected == "string":
        return text, None
    if expected == "integer":
        stripped = text.strip()
        if _DECIMAL.fullmatch(stripped):
            return int(stripped), None
        return None, _("expected an integer in decimal digits, got '%(text)s'") % {"text": text}
    if text.strip() in ("true", "false"):
        return text.strip() == "true", None
    return None, _("expected true or false, got '%(text)s'") % {"text": text}


#: Keys of a rule whose values are text.
_RULE_TEXT_KEYS = ("id", "title", "severity", "description", "remediation")
_TEXT_KEYS = ("title", "description", "remediation")
_QUANTIFIERS = ("some", "every", "none", "count")
_COMPARISONS = ("equals", "not_equals", "gt", "gte", "lt", "lte")


class _FixedTypes:
    """Apply the string, boolean and integer rules at the positions whose type is fixed.

    Text positions (ids, titles, tags, field names, param names) get the author's
    characters back, and ``enabled`` rejects YAML 1.1 booleans. Condition values and params
    wait for the type check, which has the field's type.
    """

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.issues: list[Issue] = []

    def text_at(self, container: dict[str, Any] | list[Any], key: str | int, path: YamlPath) -> None:
        value = container[key]  # type: ignore[index]
        if isinstance(value, (str, list, dict)):
            return
        converted, _error = coerce(self.document, path, value, "string")
        if converted is not None:
            container[key] = converted  # type: ignore[index]

    def strict_at(self, value: Any, path: YamlPath, expected: ValueType) -> None:
        error = yaml11_problem(self.document, path, value, expected)
        if error is not None:
            self.issues.append(self.document.issue(path, error))

    def texts(self, mapping: dict[str, Any], keys: tuple[str, ...], path: YamlPath) -> None:
        for key in keys:
            if key in mapping:
                self.text_at(mapping, key, (*path, key))

    def text_list(self, items: Any, path: YamlPath) -> None:
        if isinstance(items, list):
            for index in range(len(items)):
                self.text_at(items, index, (*path, index))

    def rule(self, rule: Any, path: YamlPath) -> None:
        if not isinstance(rule, dict):
            return
        self.texts(rule, _RULE_TEXT_KEYS, path)
        self.text_list(rule.get("references"), (*path, "references"))
        self.text_list(rule.get("tags"), (*path, "tags"))
        if isinstance(rule.get("frameworks"), dict):
            for name, controls in rule["frameworks"].items():
                self.text_list(controls, (*path, "frameworks", name))
        if isinstance(rule.get("i18n"), dict):
            for lang, text in rule["i18n"].items():
                if isinstance(text, dict):
                    self.texts(text, _TEXT_KEYS, (*path, "i18n", lang))
        if "enabled" in rule:
            self.strict_at(rule["enabled"], (*path, "enabled"), "boolean")
        if "when" in rule:
            self.condition(rule["when"], (*path, "when"))

    def condition(self, condition: Any, path: YamlPath) -> None:
        if not isinstance(condition, dict):
            return
        for key, value in condition.items():
            key_path = (*path, key)
            if key in ("all", "any") and isinstance(value, list):
                for index, child in enumerate(value):
                    self.condition(child, (*key_path, index))
            elif key == "not":
                self.condition(value, key_path)
            elif key in _QUANTIFIERS and isinstance(value, dict):
                self.quantifier(value, key_path)
            elif key == "field":
                self.text_at(condition, key, key_path)
            self.param_names(value, key_path)

    def quantifier(self, quantifier: dict[str, Any], path: YamlPath) -> None:
        self.texts(quantifier, ("in",), path)
        if "where" in quantifier:
            self.condition(quantifier["where"], (*path, "where"))
        for key in _COMPARISONS:
            if key in quantifier:
                self.param_names(quantifier[key], (*path, key))

    def param_names(self, value: Any, path: YamlPath) -> None:
        if isinstance(value, dict) and "param" in value:
            self.text_at(value, "param", (*path, "param"))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict) and "param" in item:
                    self.text_at(item, "param", (*path, index, "param"))


def apply_fixed_types(document: YamlDocument) -> list[Issue]:
    """Fix up text positions in place and return the YAML 1.1 problems at typed positions."""
    fixer = _FixedTypes(document)
    root = document.value
    if isinstance(root, dict) and isinstance(root.get("rules"), list):
        for index, rule in enumerate(root["rules"]):
            fixer.rule(rule, ("rules", index))
    return fixer.issues
