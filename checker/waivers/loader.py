"""Read a waivers file: YAML with positions, the JSON Schema, then dates, CIDRs and rule ids.

Every problem of the file is collected and raised together as one
:class:`checker.errors.ProblemList` (exit 2). Each line reads
``FILE:LINE: waiver ID: FIELD: problem; what to do``.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema

from checker.errors import InputError, ProblemList
from checker.i18n import _, ngettext
from checker.rules.problems import YamlPath
from checker.rules.yaml_source import YamlDocument, read_yaml
from checker.waivers.fields import FieldError, parse_destination, parse_expiry
from checker.waivers.model import Waiver
from checker.waivers.scalars import normalize_scalars


def _json_types() -> dict[str, str]:
    """Name each JSON type for a message, in the current language."""
    return {
        "string": _("a string"), "integer": _("an integer"), "boolean": _("true or false"),
        "array": _("a list"), "object": _("a mapping"),
    }


@dataclass(frozen=True)
class WaiverFile:
    """The waivers of one file, in file order."""

    path: str
    waivers: tuple[Waiver, ...]


@functools.lru_cache(maxsize=1)
def waivers_schema() -> dict[str, Any]:
    """Return the JSON Schema of a waivers file, as shipped in the package."""
    text = resources.files("checker").joinpath("schemas/waivers.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_waivers(path: str, known_rules: Collection[str]) -> WaiverFile:
    """Read and check the waivers file at ``path`` against the ids of the loaded rules.

    Raises:
        InputError: the file cannot be read.
        ProblemList: the file has problems; every one is listed with its line.
    """
    document = _read_document(path)
    checker = _Checker(path, document)
    for problem_path, text in normalize_scalars(document):
        checker.invalid.add(problem_path)
        checker.add(problem_path, text)
    checker.check_schema()
    waivers = checker.build_waivers(frozenset(known_rules))
    if checker.problems:
        count = len(checker.problems)
        headline = ngettext(
            "%(path)s: %(count)d problem in the waivers file; nothing was evaluated",
            "%(path)s: %(count)d problems in the waivers file; nothing was evaluated",
            count,
        ) % {"path": path, "count": count}
        raise ProblemList(headline, [text for _line, text in sorted(checker.problems, key=lambda item: item[0])])
    return WaiverFile(path, tuple(waivers))


def _read_document(path: str) -> YamlDocument:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except FileNotFoundError as exc:
        raise InputError(_("%(path)s: waivers file not found; check the --waivers path") % {"path": path}) from exc
    except OSError as exc:
        raise InputError(
            _("%(path)s: cannot read the waivers file: %(reason)s; check its permissions")
            % {"path": path, "reason": exc.strerror or exc}
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("%(path)s: invalid UTF-8 at byte %(offset)d; save the waivers file as UTF-8")
            % {"path": path, "offset": exc.start}
        ) from exc

    document, issues = read_yaml(text)
    if document is None or issues:
        lines = [f"{path}:{issue.line}: {issue.text}" for issue in issues]
        raise ProblemList(_("%(path)s: the waivers file is not valid YAML; nothing was evaluated") % {"path": path}, lines)
    if document.value is None:
        raise InputError(_("%(path)s: the waivers file is empty; add a 'waivers' list") % {"path": path})
    return document


class _Checker:
    """Collect the problems of one waivers document and build its waivers."""

    def __init__(self, path: str, document: YamlDocument) -> None:
        self.path = path
        self.document = document
        #: Line and text of every problem found so far.
        self.problems: list[tuple[int, str]] = []
        #: Paths whose value failed the schema; the semantic checks skip them.
        self.invalid: set[YamlPath] = set()

    def add(self, path: YamlPath, text: str, *, at_key: bool = False) -> None:
        """Record a problem at ``path``, naming the waiver and the field it is in; repeats are dropped."""
        line = (self.document.key_position(path) if at_key else self.document.position(path))[0]
        place = f"{self.path}:{line}: "
        if len(path) >= 2 and path[0] == "waivers" and isinstance(path[1], int):
            place += _("waiver %(label)s: ") % {"label": self._label(path[1])}
            if len(path) >= 3:
                place += _field_name(path[2:]) + ": "
        elif path:
            place += _field_name(path) + ": "
        if (line, place + text) not in self.problems:
            self.problems.append((line, place + text))

    def _label(self, index: int) -> str:
        raw = self.document.value["waivers"][index]
        waiver_id = raw.get("id") if isinstance(raw, dict) else None
        return waiver_id if isinstance(waiver_id, str) and waiver_id.strip() else f"#{index + 1}"

    def check_schema(self) -> None:
        """Add one problem per schema error, in our words."""
        validator = jsonschema.Draft202012Validator(waivers_schema())
        for error in validator.iter_errors(self.document.value):
            path: YamlPath = tuple(error.absolute_path)
            if error.validator not in ("additionalProperties", "required"):
                self.invalid.add(path)
            if error.validator == "additionalProperties":
                for key in error.instance:
                    if key not in error.schema.get("properties", {}):
                        self.add((*path, key), _unknown_field(path, str(key), list(error.schema["properties"])), at_key=True)
            elif error.validator == "required":
                for key in error.validator_value:
                    if key not in error.instance:
                        self.invalid.add((*path, key))
                        self.add((*path, key), _missing_field(path, key))
            else:
                self.add(path, _schema_message(path, error))

    def build_waivers(self, known_rules: frozenset[str]) -> list[Waiver]:
        """Check dates, CIDRs, rule ids and duplicate ids; return the waivers when all are valid."""
        raw_list = self.document.value.get("waivers") if isinstance(self.document.value, dict) else None
        if not isinstance(raw_list, list):
            return []

        self._check_duplicate_ids(raw_list)
        waivers: list[Waiver] = []
        for index, raw in enumerate(raw_list):
            if isinstance(raw, dict):
                waiver = self._build_one(("waivers", index), raw, known_rules)
                if waiver is not None:
                    waivers.append(waiver)
        return waivers

    def _check_duplicate_ids(self, raw_list: list[Any]) -> None:
        first_line: dict[str, int] = {}
        for index, raw in enumerate(raw_list):
            waiver_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(waiver_id, str):
                continue
            line = self.document.position(("waivers", index))[0]
            if waiver_id in first_line:
                self.add(
                    ("waivers", index, "id"),
                    _("duplicate waiver id '%(id)s' (first defined at line %(line)d); give each waiver its own id")
                    % {"id": waiver_id, "line": first_line[waiver_id]},
                )
            else:
                first_line[waiver_id] = line

    def _valid(self, path: YamlPath) -> bool:
        return not any(path[: len(bad)] == bad or bad[: len(path)] == path for bad in self.invalid)

    def _build_one(self, path: YamlPath, raw: dict[str, Any], known_rules: frozenset[str]) -> Waiver | None:
        before = len(self.problems)
        rules = self._rules(path, raw, known_rules)
        networks = []
        for index, text in enumerate(raw.get("destinations") or []):
            item_path = (*path, "destinations", index)
            if self._valid(item_path) and isinstance(text, str):
                try:
                    networks.append(parse_destination(text))
                except FieldError as exc:
                    self.add(item_path, str(exc))
        expires = None
        if self._valid((*path, "expires")) and isinstance(raw.get("expires"), str):
            try:
                expires = parse_expiry(raw["expires"])
            except FieldError as exc:
                self.add((*path, "expires"), str(exc))
        if len(self.problems) > before or not self._valid(path) or expires is None:
            return None

        return Waiver(
            id=raw["id"],
            rules=frozenset(rules),
            all_rules=raw.get("all_rules") is True,
            networks=tuple(networks),
            ports=frozenset(raw.get("ports") or ()),
            applications=frozenset(name.casefold() for name in raw.get("applications") or ()),
            reason=raw["reason"].strip(),
            expires=expires,
            owner=raw.get("owner"),
            ticket=raw.get("ticket"),
            line=self.document.position(path)[0],
        )

    def _rules(self, path: YamlPath, raw: dict[str, Any], known_rules: frozenset[str]) -> list[str]:
        """Check ``rules`` and ``all_rules``: exactly one way of naming the rules, and known ids."""
        rules = raw.get("rules")
        all_rules = raw.get("all_rules")
        if not self._valid((*path, "rules")) or not self._valid((*path, "all_rules")):
            return []
        if rules is not None and all_rules is True:
            self.add((*path, "all_rules"), _("give either 'rules' or 'all_rules: true', not both; remove one"))
            return []
        if rules is None:
            if all_rules is not True:
                self.add(
                    (*path, "rules"),
                    _("missing; list the rule ids the waiver applies to, or write 'all_rules: true' to waive every rule"),
                )
            return []

        for index, rule_id in enumerate(rules):
            if rule_id not in known_rules:
                self.add((*path, "rules", index), _unknown_rule(rule_id, known_rules))
        return list(rules)


def _field_name(path: YamlPath) -> str:
    """Name a field for a message: ``expires`` or ``destinations[1]``."""
    name = str(path[0])
    for part in path[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


def _unknown_field(path: YamlPath, key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return _("unknown field; did you mean '%(name)s'?") % {"name": close[0]}
    if not path:
        return _("unknown field; a waivers file has only a 'waivers' list")
    return _("unknown field; the fields of a waiver are %(names)s") % {"names": ", ".join(allowed)}


def _missing_field(path: YamlPath, key: str) -> str:
    if not path:
        return _("missing; add the list of waivers under 'waivers'")
    hints = {
        "id": _("missing; give the waiver a unique id such as WVR-001"),
        "destinations": _("missing; list the IP addresses or CIDRs that the waiver covers"),
        "reason": _("missing; say why the findings are accepted"),
        "expires": _("missing; give a date such as 2025-12-31 or a datetime with an offset such as 2025-12-31T18:00:00+08:00"),
    }
    return hints.get(key, _("missing; add it"))


#: Similarity (difflib ratio) from which an unknown rule id gets a "did you mean" hint.
RULE_HINT_CUTOFF = 0.8


def _unknown_rule(rule_id: str, known_rules: frozenset[str]) -> str:
    close = closest_rule_id(rule_id, known_rules)
    hint = (_("did you mean '%(id)s'?") % {"id": close}) if close else _("list the rules with 'cfw-checker policies list'")
    return _("unknown rule id '%(id)s' in the loaded policies; %(hint)s") % {"id": rule_id, "hint": hint}


def closest_rule_id(rule_id: str, known_rules: Collection[str]) -> str | None:
    """Return the known rule id that ``rule_id`` is most likely a typo of, or None when none is close.

    A candidate is close when it differs only in letter case, when its difflib ratio reaches
    :data:`RULE_HINT_CUTOFF`, or when it has the same prefix before the last ``-`` and
    differs by one inserted, removed or replaced character. A distant guess would send the
    author to the wrong rule.
    """
    candidates = sorted(known_rules)
    same_letters = [candidate for candidate in candidates if candidate.casefold() == rule_id.casefold()]
    if same_letters:
        return same_letters[0]
    close = difflib.get_close_matches(rule_id, candidates, n=1, cutoff=RULE_HINT_CUTOFF)
    if close:
        return close[0]
    prefix = rule_id.rpartition("-")[0]
    for candidate in candidates:
        if candidate.rpartition("-")[0] == prefix and _one_edit_apart(rule_id, candidate):
            return candidate
    return None


def _one_edit_apart(first: str, second: str) -> bool:
    """Tell whether one inserted, removed or replaced character turns ``first`` into ``second``."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    shorter, longer = sorted((first, second), key=len)
    for index, (left, right) in enumerate(zip(shorter, longer)):
        if left != right:
            rest = index + 1 if len(shorter) == len(longer) else index
            return shorter[rest:] == longer[index + 1:]
    return True


def _schema_message(path: YamlPath, error: jsonschema.ValidationError) -> str:
    validator = error.validator
    field = path[-1] if path else ""
    if validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else "value"
        return _("must be %(expected)s, not %(actual)s") % {
            "expected": _json_types().get(expected, expected), "actual": _describe(error.instance)}
    if validator in ("minimum", "maximum"):
        return _("port %(port)s is out of range; use a port from 0 to 65535") % {"port": error.instance}
    if validator == "pattern" and field == "id":
        return _(
            "invalid waiver id '%(id)s'; an id starts with a letter or digit and contains only "
            "letters, digits, '_', '.', ':' and '-'"
        ) % {"id": error.instance}
    if validator in ("minLength", "pattern") and field == "reason":
        return _("empty; say why the findings are accepted")
    if validator == "minItems" and field == "destinations":
        return _("empty; list at least one IP address or CIDR")
    if validator == "minItems" and field == "rules":
        return _("empty; list at least one rule id, or write 'all_rules: true' to waive every rule")
    if validator in ("minItems", "minLength", "pattern"):
        return _("empty; give a value or remove the field")
    return error.message


def _describe(value: Any) -> str:
    if value is None:
        return _("no value")
    if isinstance(value, bool):
        return _("the boolean %(value)s") % {"value": str(value).lower()}
    if isinstance(value, (int, float)):
        return _("the number %(value)s") % {"value": value}
    if isinstance(value, str):
        return _("the string '%(value)s'") % {"value": value}
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__
