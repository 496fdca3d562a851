"""Rule params: ``{param: NAME}`` references, their defaults and command-line overrides.

A param has no declared type. Its type is the type that its use sites need, so every use
of one param must need the same type. The default under ``params`` and any
``--param RULE_ID.NAME=VALUE`` override are converted to that type.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

from checker.i18n import _
from checker.rules.problems import Issue, YamlPath
from checker.rules.values import ValueType, coerce, coerce_override, describe_value, type_name
from checker.rules.yaml_source import YamlDocument


@dataclass(frozen=True)
class ParamType:
    """Type that a use site needs: a scalar, or a list of scalars."""

    scalar: ValueType
    is_list: bool = False
    #: True where a single scalar stands for a list of one (``in_cidr: 10.0.0.0/8``).
    scalar_allowed: bool = False

    def describe(self) -> str:
        """Name the type for a message: ``an integer`` or ``a list of strings``."""
        if not self.is_list:
            return type_name(self.scalar)
        names = {"string": _("a list of strings"), "integer": _("a list of integers"), "boolean": _("a list of booleans")}
        return names[self.scalar]


@dataclass
class _Use:
    param_type: ParamType
    path: YamlPath


@dataclass
class ParamResolver:
    """Resolve the params of one rule, collecting problems instead of raising them."""

    document: YamlDocument
    rule_path: YamlPath
    rule_id: str
    #: Display path of the policy file, for override messages.
    source: str
    #: Override texts of this rule by param name.
    overrides: dict[str, str]
    issues: list[Issue] = field(default_factory=list)
    #: Problems of command-line overrides, which have no place in a file.
    override_problems: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    _uses: dict[str, _Use] = field(default_factory=dict)
    _valid: dict[str, bool] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        rule = self.document.value["rules"][self.rule_path[1]]
        params: dict[str, Any] = rule.get("params") or {}
        return params

    def resolve(self, name: str, path: YamlPath, param_type: ParamType) -> tuple[Any, bool]:
        """Return the value of param ``name`` used at ``path``, and whether it is valid."""
        if name not in self.defaults:
            close = difflib.get_close_matches(name, list(self.defaults), n=1)
            if close:
                hint = _("did you mean '%(name)s'?") % {"name": close[0]}
            else:
                hint = _("define it under params of rule %(rule)s") % {"rule": self.rule_id}
            self.issues.append(self.document.issue(path, _("unknown param '%(name)s'; %(hint)s") % {"name": name, "hint": hint}))
            return None, False

        first = self._uses.get(name)
        if first is None:
            self._uses[name] = _Use(param_type, path)
            value, valid = self._convert(name, param_type, path)
            self._valid[name] = valid
            if valid:
                self.values[name] = value
            return value, valid

        if (first.param_type.scalar, first.param_type.is_list) != (param_type.scalar, param_type.is_list):
            line = self.document.position(first.path)[0]
            text = _(
                "param '%(name)s' is used here as %(type)s but at line %(line)d as "
                "%(first)s; use a separate param for each type"
            ) % {"name": name, "type": param_type.describe(), "line": line, "first": first.param_type.describe()}
            self.issues.append(self.document.issue(path, text))
            return None, False
        return self.values.get(name), self._valid[name]

    def _convert(self, name: str, param_type: ParamType, use_path: YamlPath) -> tuple[Any, bool]:
        line, column = self.document.position(use_path)
        if name in self.overrides:
            value, error = _convert_override(self.overrides[name], param_type)
            if error is not None:
                self.override_problems.append(
                    _("--param %(rule)s.%(name)s=%(value)s: %(error)s; the param is used at %(place)s as %(type)s")
                    % {
                        "rule": self.rule_id, "name": name, "value": self.overrides[name], "error": error,
                        "place": f"{self.source}:{line}:{column}", "type": param_type.describe(),
                    }
                )
            return value, error is None

        default_path = (*self.rule_path, "params", name)
        value, error = _convert_default(self.document, default_path, self.defaults[name], param_type)
        if error is not None:
            text = _("param '%(name)s' (used at line %(line)d as %(type)s): %(error)s") % {
                "name": name, "line": line, "type": param_type.describe(), "error": error
            }
            self.issues.append(self.document.issue(default_path, text))
        return value, error is None


def _convert_default(
    document: YamlDocument, path: YamlPath, value: Any, param_type: ParamType
) -> tuple[Any, str | None]:
    if not param_type.is_list:
        converted, error = coerce(document, path, value, param_type.scalar)
        return converted, error
    if not isinstance(value, list):
        if param_type.scalar_allowed:
            converted, error = coerce(document, path, value, param_type.scalar)
            return ([converted], None) if error is None else (None, error)
        return None, _("expected %(expected)s, got %(actual)s") % {
            "expected": param_type.describe(), "actual": describe_value(value)
        }

    items: list[Any] = []
    for index, item in enumerate(value):
        converted, error = coerce(document, (*path, index), item, param_type.scalar)
        if error is not None:
            return None, _("item %(index)d: %(error)s") % {"index": index + 1, "error": error}
        items.append(converted)
    return items, None


def _convert_override(text: str, param_type: ParamType) -> tuple[Any, str | None]:
    """Convert an override: a scalar, or a list as a JSON array or comma-separated text."""
    if not param_type.is_list:
        return coerce_override(text, param_type.scalar)
    if text.lstrip().startswith("["):
        return _json_list(text, param_type)

    items: list[Any] = []
    for part in text.split(","):
        if not part.strip():
            return None, _("an item of the comma-separated list is empty")
        converted, error = coerce_override(part.strip(), param_type.scalar)
        if error is not None:
            return None, error
        items.append(converted)
    return items, None


def _json_list(text: str, param_type: ParamType) -> tuple[Any, str | None]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, _("invalid JSON array: %(reason)s at character %(position)d") % {"reason": exc.msg, "position": exc.pos + 1}
    if not isinstance(items, list) or not items:
        return None, _("expected a non-empty JSON array")
    python_type = {"string": str, "integer": int, "boolean": bool}[param_type.scalar]
    for item in items:
        if not isinstance(item, python_type) or (python_type is int and isinstance(item, bool)):
            return None, _("expected %(expected)s, got the JSON value %(value)s") % {
                "expected": param_type.describe(), "value": json.dumps(item)
            }
    return items, None
