"""Load policy files: read, validate, type-check and compile every rule, or report all problems.

Each file goes through the same steps: YAML with positions and duplicate-key checks, the
YAML 1.1 rules, the JSON Schema, then the record-model type check of each rule whose
structure is valid. Problems of every file are collected first and raised together, so
one run shows the author everything to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from checker.errors import InputError
from checker.i18n import _
from checker.rules.builder import build_rule, check_condition
from checker.rules.model import PolicyFile, PolicySet, Rule
from checker.rules.problems import Issue, Problem, problem_list
from checker.rules.schema import validate_structure
from checker.rules.values import apply_fixed_types
from checker.rules.yaml_source import YamlDocument, read_yaml

logger = logging.getLogger(__name__)

BUILTIN = "builtin"
_SUFFIXES = (".yaml", ".yml")


@dataclass
class _LoadedFile:
    """One file's rules and problems, plus what the cross-file checks need."""

    source: str
    policy_file: PolicyFile | None = None
    problems: list[Problem] = field(default_factory=list)
    override_problems: list[str] = field(default_factory=list)
    #: Id, line and column of the ``id`` value of every rule with a usable id, in file order.
    ids: list[tuple[str, int, int]] = field(default_factory=list)
    #: Param names of every rule with a usable id.
    params: dict[str, list[str]] = field(default_factory=dict)


def load_policies(paths: Sequence[str], *, param_overrides: Mapping[str, str] = {}) -> PolicySet:
    """Load the policy files at ``paths`` and return them with compiled rules.

    A path is a YAML file, a folder (its ``*.yaml`` and ``*.yml`` files, sorted, without
    subfolders) or ``builtin`` for the built-in pack. ``param_overrides`` maps
    ``RULE_ID.NAME`` to the text of a command-line value.

    Raises:
        InputError: a path does not exist or cannot be read, or there are no rules.
        ProblemList: any file or override has a problem; every problem is listed.
    """
    overrides, problems = _split_overrides(param_overrides)
    loaded = [_load_file(source, data, overrides) for source, data in _policy_sources(paths)]

    all_problems: list[Problem | str] = []
    for loaded_file in loaded:
        all_problems.extend(sorted(loaded_file.problems, key=lambda problem: (problem.line, problem.column)))
    all_problems.extend(_duplicate_ids(loaded))
    all_problems.extend(problem for loaded_file in loaded for problem in loaded_file.override_problems)
    all_problems.extend(problems)
    all_problems.extend(_unknown_override_targets(loaded, overrides))
    if all_problems:
        raise problem_list(all_problems)

    files = tuple(loaded_file.policy_file for loaded_file in loaded if loaded_file.policy_file is not None)
    policy_set = PolicySet(files)
    if not policy_set.rules:
        raise InputError(
            _("no rules found in %(paths)s; give a policy file that has rules, or 'builtin'") % {"paths": ", ".join(paths)}
        )
    logger.info(_("loaded %d rules from %d policy files"), len(policy_set.rules), len(files))
    return policy_set


def _policy_sources(paths: Sequence[str]) -> Iterator[tuple[str, bytes]]:
    """Yield the display path and bytes of every policy file that ``paths`` selects."""
    for path in paths:
        if path == BUILTIN:
            pack = resources.files("checker.policies")
            for entry in sorted(pack.iterdir(), key=lambda entry: entry.name):
                if entry.is_file() and entry.name.endswith(_SUFFIXES):
                    yield f"builtin:{entry.name}", entry.read_bytes()
            continue
        if not os.path.exists(path):
            raise InputError(
                _("%(path)s: policy path not found; give a YAML file, a folder of YAML files or 'builtin'") % {"path": path}
            )
        if os.path.isdir(path):
            names = sorted(name for name in os.listdir(path) if name.endswith(_SUFFIXES))
            files = [os.path.join(path, name) for name in names if os.path.isfile(os.path.join(path, name))]
        else:
            files = [path]
        for file_path in files:
            yield file_path, _read_bytes(file_path)


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise InputError(
            _("%(path)s: cannot read the policy file: %(reason)s; check its permissions") % {"path": path, "reason": exc.strerror}
        ) from exc


def _load_file(source: str, data: bytes, overrides: dict[str, dict[str, str]]) -> _LoadedFile:
    """Run every check on one file and build its rules when it has no problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _("invalid UTF-8 at byte %(offset)d; save the file as UTF-8") % {"offset": exc.start}
        problem = Problem(source, 1, 1, None, text)
        return _LoadedFile(source, problems=[problem])
    document, issues = read_yaml(text)
    if document is None:
        return _LoadedFile(source, problems=[_problem(source, None, issue) for issue in issues])
    if document.value is None:
        issues.append(Issue((), 1, 1, _("the policy file is empty; add a 'rules' list")))
        return _LoadedFile(source, problems=[_problem(source, document, issue) for issue in issues])

    read_paths = [issue.path for issue in issues]
    issues.extend(apply_fixed_types(document))
    structure_issues = validate_structure(document)
    # An unreadable value fails the schema too; showing that would only repeat the problem.
    issues.extend(
        issue for issue in structure_issues if not any(issue.path[: len(path)] == path for path in read_paths)
    )
    loaded = _LoadedFile(source)
    _collect_ids(document, loaded)
    raw_rules = document.value.get("rules") if isinstance(document.value, dict) else None
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules if isinstance(raw_rules, list) else []):
        path = ("rules", index)
        rule_issues = [issue for issue in structure_issues if issue.path[:2] == path]
        if rule_issues:
            # Building needs a valid rule, but a valid condition can still be checked.
            if _condition_checkable(raw, path, rule_issues):
                issues.extend(check_condition(document, path, source, overrides.get(raw["id"], {})))
            continue
        built = build_rule(document, path, source, overrides.get(raw["id"], {}))
        issues.extend(built.issues)
        loaded.override_problems.extend(built.override_problems)
        if built.rule is not None:
            rules.append(built.rule)

    loaded.problems = [_problem(source, document, issue) for issue in issues]
    if not loaded.problems and not loaded.override_problems:
        loaded.policy_file = PolicyFile(source, hashlib.sha256(data).hexdigest(), tuple(rules))
    return loaded


def _condition_checkable(raw: Any, path: tuple[str, int], rule_issues: list[Issue]) -> bool:
    """Tell whether a rule's ``id``, ``when`` and ``params`` passed the schema check."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or "when" not in raw:
        return False
    checked_keys = {"id", "when", "params"}
    return not any(len(issue.path) <= 2 or issue.path[2] in checked_keys for issue in rule_issues)


def _collect_ids(document: YamlDocument, loaded: _LoadedFile) -> None:
    rules = document.value.get("rules") if isinstance(document.value, dict) else None
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            loaded.ids.append((rule["id"], *document.position(("rules", index, "id"))))
            params = rule.get("params")
            loaded.params.setdefault(rule["id"], list(params) if isinstance(params, dict) else [])


def _problem(source: str, document: YamlDocument | None, issue: Issue) -> Problem:
    """Place ``issue`` in ``source`` and name the rule it belongs to."""
    rule = None
    if document is not None and issue.path[:1] == ("rules",) and len(issue.path) >= 2:
        index = issue.path[1]
        raw = document.value["rules"][index] if isinstance(index, int) else None
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        rule = rule_id if isinstance(rule_id, str) and rule_id else f"#{int(index) + 1}"
    return Problem(source, issue.line, issue.column, rule, issue.text)


def _duplicate_ids(loaded: list[_LoadedFile]) -> list[Problem]:
    """Report every rule whose id an earlier rule, in any file, already has."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for loaded_file in loaded:
        for rule_id, line, column in loaded_file.ids:
            if rule_id in first:
                text = _("duplicate rule id '%(id)s' (first defined at %(place)s); rename one of the two") % {
                    "id": rule_id, "place": first[rule_id]
                }
                problems.append(Problem(loaded_file.source, line, column, rule_id, text))
            else:
                first[rule_id] = f"{loaded_file.source}:{line}:{column}"
    return problems


def _split_overrides(param_overrides: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Group ``RULE_ID.NAME`` overrides by rule id; a rule id may itself contain dots."""
    overrides: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for key, text in param_overrides.items():
        rule_id, _dot, name = key.rpartition(".")
        if not rule_id or not name:
            problems.append(
                _("--param %(key)s=%(value)s: expected RULE_ID.NAME=VALUE, such as CFW-TI-001.min_sessions=5")
                % {"key": key, "value": text}
            )
            continue
        overrides.setdefault(rule_id, {})[name] = text
    return overrides, problems


def _unknown_override_targets(loaded: list[_LoadedFile], overrides: dict[str, dict[str, str]]) -> list[str]:
    """Report overrides of a rule that no file defines, or of a param that the rule lacks."""
    params: dict[str, list[str]] = {}
    for loaded_file in loaded:
        for rule_id, names in loaded_file.params.items():
            params.setdefault(rule_id, names)
    problems: list[str] = []
    for rule_id, names in overrides.items():
        for name, text in names.items():
            if rule_id not in params:
                close = difflib.get_close_matches(rule_id, list(params), n=1)
                hint = (_("did you mean '%(id)s'?") % {"id": close[0]}) if close else _("check the rule id in the policy files")
                problems.append(
                    _("--param %(rule)s.%(name)s=%(value)s: unknown rule '%(rule)s'; %(hint)s")
                    % {"rule": rule_id, "name": name, "value": text, "hint": hint}
                )
            elif name not in params[rule_id]:
                known = ", ".join(params[rule_id]) or _("none")
                problems.append(
                    _("--param %(rule)s.%(name)s=%(value)s: rule %(rule)s has no param '%(name)s'; its params are: %(known)s")
                    % {"rule": rule_id, "name": name, "value": text, "known": known}
                )
    return problems
