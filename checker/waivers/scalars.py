"""Keep YAML 1.1 from changing what a waiver author wrote.

YAML 1.1 reads unquoted ``no`` as false, ``0777`` as the octal 511 and ``1:10`` as the
base-60 number 70. Where a waiver field is text (ids, rule ids, destinations, application
names, reason, owner, ticket, expiry), the scalar's own characters are used instead. Where
it is an integer (``ports``) or a boolean (``all_rules``), only decimal digits and
true/false are accepted, so that ``0443`` never becomes port 291.
"""

from __future__ import annotations

from typing import Any

from checker.rules.problems import YamlPath
from checker.rules.values import coerce, yaml11_problem
from checker.rules.yaml_source import YamlDocument

#: Waiver fields whose value is text.
TEXT_FIELDS = ("id", "reason", "owner", "ticket", "expires")
#: Waiver fields whose items are text.
TEXT_LIST_FIELDS = ("rules", "destinations", "applications")


def normalize_scalars(document: YamlDocument) -> list[tuple[YamlPath, str]]:
    """Put back the written text at text fields and return the YAML 1.1 numbers and booleans to reject.

    Changes ``document.value`` in place. Each returned problem is the path of the value and
    a message that says what to write instead.
    """
    raw_list = document.value.get("waivers") if isinstance(document.value, dict) else None
    if not isinstance(raw_list, list):
        return []

    problems: list[tuple[YamlPath, str]] = []
    for index, raw in enumerate(raw_list):
        if isinstance(raw, dict):
            problems.extend(_normalize_waiver(document, ("waivers", index), raw))
    return problems


def _normalize_waiver(document: YamlDocument, path: YamlPath, raw: dict[str, Any]) -> list[tuple[YamlPath, str]]:
    for name in TEXT_FIELDS:
        if name in raw:
            _restore_text(document, raw, name, (*path, name))
    for name in TEXT_LIST_FIELDS:
        items = raw.get(name)
        if isinstance(items, list):
            for position in range(len(items)):
                _restore_text(document, items, position, (*path, name, position))

    problems: list[tuple[YamlPath, str]] = []
    ports = raw.get("ports")
    if isinstance(ports, list):
        for position, port in enumerate(ports):
            port_path = (*path, "ports", position)
            problem = yaml11_problem(document, port_path, port, "integer")
            if problem is not None:
                problems.append((port_path, problem))
    if "all_rules" in raw:
        problem = yaml11_problem(document, (*path, "all_rules"), raw["all_rules"], "boolean")
        if problem is not None:
            problems.append(((*path, "all_rules"), problem))
    return problems


def _restore_text(document: YamlDocument, container: dict[str, Any] | list[Any], key: str | int, path: YamlPath) -> None:
    value = container[key]  # type: ignore[index]
    if isinstance(value, (str, list, dict)):
        return
    text, _error = coerce(document, path, value, "string")
    if text is not None:
        container[key] = text  # type: ignore[index]
