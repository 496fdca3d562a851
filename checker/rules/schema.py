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

from checker.rules.problems import Issue, YamlPath
from checker.rules.values import describe_value
from checker.rules.yaml_source import YamlDocument

_JSON_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
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
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys here: {', '.join(allowed)}"
    return document.issue((*path, key), f"unknown key '{key}'; {hint}", at_key=True)


def _one_of_message(error: jsonschema.exceptions.ValidationError) -> str:
    """Explain a ``oneOf`` of required keys: exactly one of those keys must be present."""
    choices = [option["required"][0] for option in error.validator_value]
    present = [key for key in choices if key in error.instance]
    if "field" in choices:
        what = "a condition needs exactly one of"
    elif "in_cidr" in choices:
        what = "a field condition needs exactly one operator of"
    else:
        what = "'count' needs exactly one comparison of"
    if present:
        found = " and ".join(f"'{key}'" for key in present)
        return f"{what} {', '.join(choices)}, found {found}; keep exactly one"

    for key in error.instance:
        close = difflib.get_close_matches(str(key), choices, n=1)
        if close:
            return f"{what} {', '.join(choices)}, found none; did you mean '{close[0]}' for '{key}'?"
    return f"{what} {', '.join(choices)}, found none; add one"


def _message(path: YamlPath, error: jsonschema.exceptions.ValidationError) -> str:
    name = _name_of(path)
    validator = error.validator
    if validator == "required":
        missing = " and ".join(f"'{key}'" for key in error.validator_value if key not in error.instance)
        keys = "keys" if " and " in missing else "key"
        if path[:1] == ("rules",) and len(path) == 2:
            return f"missing {keys} {missing}; every rule needs id, title, severity and when"
        return f"missing {keys} {missing}; add it"
    if validator == "type" and error.instance is None:
        return f"{name} has no value; write one after the colon"
    if validator == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = "a single value" if len(names) > 1 else _JSON_TYPES.get(names[0], names[0])
        return f"{name} must be {wanted}, not {describe_value(error.instance)}"
    if validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return f"invalid {path[-1]} '{error.instance}'; use one of {choices}"
    if validator == "pattern" and path[-1:] == ("id",):
        return (
            f"invalid rule id '{error.instance}'; an id starts with a letter and contains "
            "only letters, digits, '_', '.' and '-'"
        )
    if validator == "pattern":
        return (
            f"invalid param name '{error.instance}'; a param name starts with a letter or '_' "
            "and contains only letters, digits and '_'"
        )
    if validator in ("minItems", "minLength"):
        return f"{name} must not be empty"
    return f"{name}: {error.message}"


def _name_of(path: YamlPath) -> str:
    """Name the value at ``path`` for a message: ``'title'`` or ``item 2 of 'tags'``."""
    if not path:
        return "the policy file"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else "list"
        return f"item {last + 1} of '{parent}'"
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
