"""Problems found while loading policy files, each naming its file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.errors import ProblemList


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a policy file, with the step that fixes it in ``text``."""

    source: str
    line: int
    column: int
    #: Rule id (or ``#N`` for a rule without a usable id); None outside a rule.
    rule: str | None
    text: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}:{self.column}: "
        if self.rule is not None:
            place += f"rule {self.rule}: "
        return place + self.text


def plural(count: int, noun: str) -> str:
    """Return ``count`` with ``noun``, adding an ``s`` unless the count is 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def problem_list(problems: Sequence[Problem | str]) -> ProblemList:
    """Build the error for ``problems``; the headline names the file when there is only one."""
    sources = sorted({problem.source for problem in problems if isinstance(problem, Problem)})
    count = plural(len(problems), "problem")
    if len(sources) == 1 and all(isinstance(problem, Problem) for problem in problems):
        headline = f"{sources[0]}: {count}; nothing was evaluated"
    elif sources:
        headline = f"{count} in {plural(len(sources), 'policy file')}; nothing was evaluated"
    else:
        headline = f"{count} in the policy options; nothing was evaluated"
    return ProblemList(headline, [str(problem) for problem in problems])


#: Location of a value inside a YAML document: mapping keys and list indices from the root.
YamlPath = tuple["str | int", ...]


@dataclass(frozen=True)
class Issue:
    """A problem at a place in one document, before the loader names the file and the rule."""

    path: YamlPath
    line: int
    column: int
    text: str
