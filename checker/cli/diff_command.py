"""The ``diff`` subcommand: what a change adds, resolves and keeps, for pre-change review."""

from __future__ import annotations

import argparse

from checker.diff import DiffResult, compare_sides, load_side
from checker.diff.render import FORMATS, render
from checker.errors import ProblemList
from checker.i18n import _
from checker.severity import Severity

SEVERITY_NAMES = [severity.value for severity in Severity]


def add_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``diff`` and its options."""
    parser = commands.add_parser(
        "diff", parents=[common],
        help=_("compare two scans: new, resolved and unchanged findings"),
        description=_(
            "Compare BEFORE and AFTER, each a results.json or a records file (scanned with --policies). "
            "Exit 1 when a new, unwaived finding reaches --fail-on."
        ),
    )
    parser.add_argument("before", metavar="BEFORE", help=_("results.json or records file of the current state"))
    parser.add_argument("after", metavar="AFTER", help=_("results.json or records file of the proposed state"))
    parser.add_argument(
        "--policies", action="append", metavar="PATH",
        help=_("policies for sides that are records files, repeatable (default: builtin)"),
    )
    parser.add_argument("--waivers", metavar="FILE", help=_("waivers applied to sides that are records files"))
    parser.add_argument("--format", choices=FORMATS, default="text", help=_("output format (default: text)"))
    parser.add_argument(
        "--fail-on", default="high", choices=[*SEVERITY_NAMES, "never"],
        help=_("lowest severity of a new finding that makes diff exit 1 (default: high)"),
    )
    parser.add_argument(
        "--allow-partial", action="store_true",
        help=_(
            "compare even when a side is partial or AFTER contains no records; the output then "
            "warns that findings may show as resolved only because they are missing"
        ),
    )
    parser.add_argument("--lang", choices=["en", "zh"], help=_("language of messages (default: from LANG)"))
    parser.set_defaults(handler=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    """Compare the two sides, print the diff on standard output, and return 0 or 1.

    Raises:
        InputError: a side cannot be read, or a side is incomplete without ``--allow-partial``.
    """
    policies = tuple(args.policies or ["builtin"])
    before = load_side(args.before, policies=policies, waivers=args.waivers, allow_partial=args.allow_partial)
    after = load_side(args.after, policies=policies, waivers=args.waivers, allow_partial=args.allow_partial)
    diff = compare_sides(before, after)
    if diff.incomplete and not args.allow_partial:
        raise _incomplete_error(diff)
    fail_on = None if args.fail_on == "never" else Severity(args.fail_on)

    args.stdout.write(render(diff, args.format, fail_on))
    return 1 if diff.failing(fail_on) else 0


def _incomplete_error(diff: DiffResult) -> ProblemList:
    headline = _(
        "cannot compare: a side may be missing findings, so findings would show as resolved or new "
        "only because records are missing. Compare complete scans, or pass --allow-partial to compare "
        "anyway with a warning in the output:"
    )
    return ProblemList(headline, list(diff.incomplete))
