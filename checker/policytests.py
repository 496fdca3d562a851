"""Policy test cases: records and the rule ids expected to fire or not, run like a test runner.

A test file (``*.test.yaml`` in the ``tests`` folder beside the policies) reads::

    tests:
      - name: malicious tag without ACL coverage fires
        records:
          - {DstIP: 203.0.113.10, AclCoverage: Uncovered, SessionCount: 5}
        expect:
          fire: [CFW-TI-001]
          not_fire: [CFW-TI-003]
        enable: [CFW-GEO-001]                       # optional: rules disabled by default
        params: {CFW-GEO-001.allowed_locations: []}  # optional: as --param gives them

Problems in a test file (missing keys, unknown rule ids, invalid records) are input
errors (exit 2). A case whose expectation does not hold is a test failure (exit 1).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from checker.errors import InputError, ProblemList
from checker.evaluation import evaluate
from checker.i18n import _, ngettext
from checker.records import Record
from checker.rules import PolicySet, Rule, load_policies, select_rules
from checker.rules.yaml_source import YamlDocument, read_yaml
from checker.sources.jsonerrors import describe_invalid

BUILTIN = "builtin"
TEST_SUFFIX = ".test.yaml"


@dataclass(frozen=True)
class PolicyCase:
    """One test case of a test file."""

    file: str
    name: str
    line: int
    records: tuple[Record, ...]
    fire: tuple[str, ...]
    not_fire: tuple[str, ...]
    enable: tuple[str, ...] = ()
    #: ``RULE_ID.NAME`` to the text a user would pass to ``--param``.
    params: tuple[tuple[str, str], ...] = ()

    @property
    def case_id(self) -> str:
        """``FILE::NAME``, as a test runner names a test."""
        return f"{self.file}::{self.name}"


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: no failures means it passed."""

    case: PolicyCase
    fired: frozenset[str]
    failures: tuple[str, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """True when every expectation of the case held."""
        return not self.failures


@dataclass(frozen=True)
class TestRun:
    """The results of every case, in file order."""

    results: tuple[CaseResult, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> int:
        """Number of failed cases."""
        return sum(1 for result in self.results if not result.passed)

    def summary_line(self) -> str:
        """Return ``N passed, M failed``."""
        passed = len(self.results) - self.failed
        return _("%(passed)d passed, %(failed)d failed") % {"passed": passed, "failed": self.failed}


def load_cases(path: str = BUILTIN) -> list[PolicyCase]:
    """Read every test file of the policy folder ``path`` (or the built-in pack) and check it.

    Raises:
        InputError: the folder has no test files.
        ProblemList: a test file has problems; all are listed with file and line.
    """
    policy_set = _policy_set(path, ())
    known = {rule.id for rule in policy_set.rules}
    cases: list[PolicyCase] = []
    problems: list[str] = []
    for display, text in _test_files(path):
        file_cases, file_problems = _parse_file(display, text, known)
        cases.extend(file_cases)
        problems.extend(file_problems)
    if problems:
        headline = ngettext(
            "%(count)d problem in the policy test files", "%(count)d problems in the policy test files", len(problems)
        ) % {"count": len(problems)}
        raise ProblemList(headline, problems)
    if not cases:
        raise InputError(
            _("%(path)s: no policy tests found; put *.test.yaml files in its tests folder") % {"path": path}
        )
    return cases


def run_cases(path: str, cases: Sequence[PolicyCase]) -> TestRun:
    """Evaluate every case against the policies at ``path`` and return the results."""
    return TestRun(tuple(run_case(path, case) for case in cases))


def run_case(path: str, case: PolicyCase) -> CaseResult:
    """Evaluate one case: its records against the selected rules plus those it enables."""
    started = time.perf_counter()
    fired = fired_rules(path, case)
    failures = [
        _("%(rule)s did not fire; fired: %(fired)s") % {"rule": rule_id, "fired": _listing(fired)}
        for rule_id in case.fire
        if rule_id not in fired
    ]
    failures.extend(
        _("%(rule)s fired; fired: %(fired)s") % {"rule": rule_id, "fired": _listing(fired)}
        for rule_id in case.not_fire
        if rule_id in fired
    )
    return CaseResult(case, fired, tuple(failures), time.perf_counter() - started)


def fired_rules(path: str, case: PolicyCase) -> frozenset[str]:
    """Return the ids of the rules that fire on the records of ``case``."""
    return frozenset(finding.rule_id for finding in evaluate(case.records, _rules_for(path, case)))


def _listing(rule_ids: frozenset[str]) -> str:
    return "[" + ", ".join(sorted(rule_ids)) + "]"


def _rules_for(path: str, case: PolicyCase) -> tuple[Rule, ...]:
    policy_set = _policy_set(path, case.params)
    enabled = set(case.enable)
    extra = tuple(rule for rule in policy_set.rules if rule.id in enabled and not rule.enabled)
    return (*select_rules(policy_set), *extra)


@lru_cache(maxsize=64)
def _policy_set(path: str, params: tuple[tuple[str, str], ...]) -> PolicySet:
    return load_policies([path], param_overrides=dict(params))


def _test_files(path: str) -> Iterator[tuple[str, str]]:
    """Yield the display name and text of each test file, sorted by name."""
    if path == BUILTIN:
        folder = resources.files("checker.policies").joinpath("tests")
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if entry.name.endswith(TEST_SUFFIX):
                yield f"builtin:tests/{entry.name}", entry.read_text(encoding="utf-8")
        return
    root = Path(path)
    folder = root.parent / "tests" if root.is_file() else root / "tests"
    for file_path in sorted(folder.glob("*" + TEST_SUFFIX)):
        try:
            yield str(file_path), file_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                _("%(path)s: cannot read the test file: %(reason)s") % {"path": file_path, "reason": exc}
            ) from exc


def _parse_file(display: str, text: str, known: set[str]) -> tuple[list[PolicyCase], list[str]]:
    document, issues = read_yaml(text)
    if document is None or issues:
        return [], [f"{display}:{issue.line}: {issue.text}" for issue in issues]
    tests = document.value.get("tests") if isinstance(document.value, dict) else None
    if not isinstance(tests, list):
        return [], [_("%(file)s:1: missing 'tests' list; add the test cases under 'tests'") % {"file": display}]

    cases: list[PolicyCase] = []
    problems: list[str] = []
    for index, raw in enumerate(tests):
        case, case_problems = _parse_case(display, document, index, raw, known)
        problems.extend(case_problems)
        if case is not None:
            cases.append(case)
    return cases, problems


def _parse_case(
    display: str, document: YamlDocument, index: int, raw: Any, known: set[str]
) -> tuple[PolicyCase | None, list[str]]:
    line = document.position(("tests", index))[0]
    place = f"{display}:{line}: " + _("test #%(number)d") % {"number": index + 1}
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        return None, [place + ": " + _("a test case needs a 'name', 'records' and 'expect'")]
    label = _("test '%(name)s'") % {"name": raw["name"]}
    place = f"{display}:{line}: {label}"

    problems: list[str] = []
    expect = raw.get("expect")
    fire = _id_list(expect, "fire")
    not_fire = _id_list(expect, "not_fire")
    enable = _id_list(raw, "enable")
    if fire is None or not_fire is None or enable is None or not (fire or not_fire):
        problems.append(place + ": " + _("'expect' needs a list of rule ids under 'fire' or 'not_fire'"))
    unknown = sorted({*(fire or ()), *(not_fire or ()), *(enable or ())} - known)
    if unknown:
        problems.append(place + ": " + _("unknown rule ids %(ids)s; check them with 'cfw-checker policies list'") % {"ids": ", ".join(unknown)})
    records = _records(raw.get("records"), _RecordsPlace(display, document, index, label), problems)
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        problems.append(place + ": " + _("'params' must be a mapping of RULE_ID.NAME to a value"))
        params = {}
    if problems:
        return None, problems

    params_text = tuple(sorted((str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)) for key, value in params.items()))
    case = PolicyCase(display, raw["name"], line, records, tuple(fire or ()), tuple(not_fire or ()), tuple(enable or ()), params_text)
    return case, []


def _id_list(mapping: Any, key: str) -> list[str] | None:
    """Return the list of rule ids under ``key`` ([] when absent), or None when it is no list of text."""
    if not isinstance(mapping, dict):
        return None
    value = mapping.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return value


@dataclass(frozen=True)
class _RecordsPlace:
    """The place of one test case's records, so that a message can name a record's line."""

    file: str
    document: YamlDocument
    case_index: int
    #: ``test 'NAME'``, in the current language.
    label: str

    def line_of(self, *path: str | int) -> int:
        """Return the line of ``path`` below the test case."""
        return self.document.position(("tests", self.case_index, *path))[0]


def _records(raw: Any, place: _RecordsPlace, problems: list[str]) -> tuple[Record, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{place.file}:{place.line_of()}: {place.label}: " + _("'records' needs a list of at least one record"))
        return ()
    records: list[Record] = []
    for index, item in enumerate(raw):
        try:
            records.append(msgspec.convert(item, Record, strict=False))
        except msgspec.ValidationError as exc:
            line = place.line_of("records", index)
            problems.append(f"{place.file}:{line}: {place.label}: " + describe_invalid(item, exc, f"records[{index}]"))
    return tuple(records)
