"""The exception tree: one root, one branch per exit code a gate relies on."""

from __future__ import annotations

from checker.i18n import _


class CheckerError(Exception):
    """Root of every error cfw-checker raises on purpose."""

    exit_code = 2


class InputError(CheckerError):
    """Usage, configuration, policy or input error: nothing, or not all, was evaluated (exit 2)."""

    exit_code = 2


class SourceError(CheckerError):
    """The record source failed: API error, network, credentials, incomplete paging (exit 3)."""

    exit_code = 3


class ProblemList(InputError):
    """Several input problems reported together, each already naming its place."""

    def __init__(self, headline: str, problems: list[str], *, total: int | None = None) -> None:
        self.headline = headline
        self.problems = problems
        self.total = len(problems) if total is None else total
        lines = [headline, *(f"  {problem}" for problem in problems)]
        if self.total > len(problems):
            lines.append("  " + _("... and %(count)d more") % {"count": self.total - len(problems)})
        super().__init__("\n".join(lines))
