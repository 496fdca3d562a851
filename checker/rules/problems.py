"""Problems found while loading policy files, each naming its file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.errors import ProblemList
from checker.i18n import _, ngettext


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
            place += _("rule %(rule)s: ") % {"rule": self.rule}
        return place + self.text


def problem_list(problems: Sequence[Problem | str]) -> ProblemList:
    """Build the error for ``problems``; the headline names the file when there is only one."""
    sources = sorted({problem.source for problem in problems if isinstance(problem, Problem)})
    count = ngettext("%(count)d problem", "%(count)d problems", len(problems)) % {"count": len(problems)}
    if len(sources) == 1 and all(isinstance(problem, Problem) for problem in problems):
        headline = _("%(path)s: %(problems)s; nothing was evaluated") % {"path": sources[0], "problems": count}
    elif sources:
        files = ngettext("%(count)d policy file", "%(count)d policy files", len(sources)) % {"count": len(sources)}
        headline = _("%(problems)s in %(files)s; nothing was evaluated") % {"problems": count, "files": files}
    else:
        headline = _("%(problems)s in the policy options; nothing was evaluated") % {"problems": count}
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
