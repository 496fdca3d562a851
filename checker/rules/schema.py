"""Structural validation of policy files against ``checker/schemas/policy.schema.json``.

jsonschema reports every failed keyword, and an ``if``/``then`` or ``oneOf`` can fail in
several ways at one place. The loader shows one message per place: the most specific
error, rewritten in our words with the line and column of the value or key.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

import jsonschema
import jsonschema.exceptions
from jsonschema.exceptions import relevance

from checker.i18n import _, ngettext
from checker.rules.problems import Issue, YamlPath
from checker.rules.values import describe_value
from checker.rules.yaml_source import YamlDocument


def _json_types() -> dict[str, str]:
    """Name each JSON type for a message, in the current language."""
    return {
        "string": _("a string"),
        "integer": _("an integer"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "array": _("a list"),
        "object": _("a mapping"),
    }


#: Lower sorts first: the error kinds that tell the author most about what to change.
_PRIORITY = {"additionalProperties": 0, "oneOf": 1, "required": 2, "type": 3, "enum": 4, "pattern": 4}


@functools.lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    """Return the JSON Schema of a policy file, as shipped in the package."""
    text = resources.files("checker").joinpath("schemas/policy.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(policy_schema())


def validate_structure(document: YamlDocument) -> list[Issue]:
    """Validate the document against the policy schema; return one issue per place."""
    by_place: dict[YamlPath, list[jsonschema.exceptions.ValidationError]] = {}
    for error in _validator().iter_errors(document.value):
        by_place.setdefault(tuple(error.absolute_path), []).append(error)

    issues: list[Issue] = []
    for path, errors in by_place.items():
        if not _unexpected_keys(errors):
            # Each branch of a condition rejects the other branches' keys; when every key is
            # known to some branch, the "exactly one of" error explains the problem better.
            errors = [error for error in errors if error.validator != "additionalProperties"]
        errors.sort(key=lambda error: (_PRIORITY.get(str(error.validator), 5), relevance(error)))
        best = [error for error in errors if error.validator == errors[0].validator]
        issues.extend(_issues_for(document, path, best))
    return _unique(issues)


def _issues_for(
    document: YamlDocument, path: YamlPath, errors: list[jsonschema.exceptions.ValidationError]
) -> list[Issue]:
    """Rewrite the errors of one kind at one place as issues."""
    error = errors[0]
    if error.validator == "additionalProperties":
        return [_unknown_key(document, path, key, errors) for key in _unexpected_keys(errors)]
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return [document.issue(path, _one_of_message(error))]
    return [document.issue(path, _message(path, error))]


def _unexpected_keys(errors: list[jsonschema.exceptions.ValidationError]) -> list[str]:
    """Return the keys that no schema at this place allows."""
    rejections = [error for error in errors if error.validator == "additionalProperties"]
    allowed = {name for error in rejections for name in error.schema.get("properties", {})}
    keys: list[str] = []
    for error in rejections:
        keys.extend(key for key in error.instance if key not in allowed and key not in keys)
    return keys


def _unknown_key(
    document: YamlDocument, path: YamlPath, key: str, errors: list[jsonschema.exceptions.ValidationError]
) -> Issue:
    allowed = sorted({name for error in errors for name in error.schema.get("properties", {})})
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        hint = _("did you mean '%(name)s'?") % {"name": close[0]}
    else:
        hint = _("allowed keys here: %(keys)s") % {"keys": ", ".join(allowed)}
    return document.issue((*path, key), _("unknown key '%(key)s'; %(hint)s") % {"key": key, "hint": hint}, at_key=True)


def _one_of_message(error: jsonschema.exceptions.ValidationError) -> str:
    """Explain a ``oneOf`` of required keys: exactly one of those keys must be present."""
    choices = [option["required"][0] for option in error.validator_value]
    present = [key for key in choices if key in error.instance]
    names = {"choices": ", ".join(choices)}
    if "field" in choices:
        what = _("a condition needs exactly one of %(choices)s") % names
    elif "in_cidr" in choices:
        what = _("a field condition needs exactly one operator of %(choices)s") % names
    else:
        what = _("'count' needs exactly one comparison of %(choices)s") % names
    if present:
        found = _(" and ").join(f"'{key}'" for key in present)
        return _("%(what)s, found %(found)s; keep exactly one") % {"what": what, "found": found}

    for key in error.instance:
        close = difflib.get_close_matches(str(key), choices, n=1)
        if close:
            return _("%(what)s, found none; did you mean '%(close)s' for '%(key)s'?") % {
                "what": what, "close": close[0], "key": key
            }
    return _("%(what)s, found none; add one") % {"what": what}


def _message(path: YamlPath, error: jsonschema.exceptions.ValidationError) -> str:
    name = _name_of(path)
    validator = error.validator
    if validator == "required":
        absent = [f"'{key}'" for key in error.validator_value if key not in error.instance]
        missing = {"keys": _(" and ").join(absent)}
        if path[:1] == ("rules",) and len(path) == 2:
            return ngettext(
                "missing key %(keys)s; every rule needs id, title, severity and when",
                "missing keys %(keys)s; every rule needs id, title, severity and when",
                len(absent),
            ) % missing
        return ngettext("missing key %(keys)s; add it", "missing keys %(keys)s; add it", len(absent)) % missing
    if validator == "type" and error.instance is None:
        return _("%(name)s has no value; write one after the colon") % {"name": name}
    if validator == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = _("a single value") if len(names) > 1 else _json_types().get(names[0], names[0])
        return _("%(name)s must be %(expected)s, not %(actual)s") % {
            "name": name, "expected": wanted, "actual": describe_value(error.instance)
        }
    if validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return _("invalid %(key)s '%(value)s'; use one of %(choices)s") % {
            "key": path[-1], "value": error.instance, "choices": choices
        }
    if validator == "pattern" and path[-1:] == ("id",):
        return _(
            "invalid rule id '%(id)s'; an id starts with a letter and contains "
            "only letters, digits, '_', '.' and '-'"
        ) % {"id": error.instance}
    if validator == "pattern":
        return _(
            "invalid param name '%(name)s'; a param name starts with a letter or '_' "
            "and contains only letters, digits and '_'"
        ) % {"name": error.instance}
    if validator in ("minItems", "minLength"):
        return _("%(name)s must not be empty") % {"name": name}
    return f"{name}: {error.message}"


def _name_of(path: YamlPath) -> str:
    """Name the value at ``path`` for a message: ``'title'`` or ``item 2 of 'tags'``."""
    if not path:
        return _("the policy file")
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else "list"
        return _("item %(index)d of '%(parent)s'") % {"index": last + 1, "parent": parent}
    return f"'{last}'"


def _unique(issues: Iterable[Issue]) -> list[Issue]:
    seen: set[tuple[int, int, str]] = set()
    result: list[Issue] = []
    for issue in issues:
        key = (issue.line, issue.column, issue.text)
        if key not in seen:
            seen.add(key)
            result.append(issue)
    return result
