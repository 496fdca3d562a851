"""Command line entry: ``main()`` parses and exits; ``run()`` does the work and returns the code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import BinaryIO, TextIO

from checker import __version__
from checker.cli import diff_command, policies_command, scan_command
from checker.cli.logs import configure_logging, remove_logging
from checker.errors import CheckerError
from checker.i18n import _, default_language, set_language

#: Exit codes, the contract a CI gate relies on.
EXIT_PASSED = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
EXIT_SOURCE_ERROR = 3


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help=_("more diagnostics (-vv for debug)"))
    common.add_argument("-q", "--quiet", action="count", default=0, help=_("fewer diagnostics"))

    parser = argparse.ArgumentParser(
        prog="cfw-checker",
        description=_("Policy-as-code checks for Alibaba Cloud Firewall outbound destinations."),
        epilog=_("Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage, policy or input error, 3 source error."),
    )
    parser.add_argument("--version", action="version", version=f"cfw-checker {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    scan_command.add_parser(commands, common)
    _add_fetch_parser(commands, common)
    policies_command.add_parser(commands, common)
    diff_command.add_parser(commands, common)
    return parser


def _add_fetch_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from checker.cli import fetch

    parser = commands.add_parser(
        "fetch",
        parents=[common],
        help=_("fetch destination records from the Cloud Firewall API into a snapshot file"),
        description=_("Fetch every DescribeOutgoingDestinationIP record of a time window into a snapshot file."),
    )
    fetch.add_fetch_options(parser, include_lang=True)
    parser.set_defaults(handler=fetch.run_fetch)


def run(
    argv: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run cfw-checker with ``argv`` (without the program name) and return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    _set_language_early(argv)
    parser = build_parser()
    try:
        # argparse prints help and usage errors itself; send them to the given streams.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)

    args.verbosity = args.verbose - args.quiet
    args.stdin = stdin if stdin is not None else sys.stdin.buffer
    args.stdout = stdout
    args.stderr = stderr
    handler = configure_logging(args.verbosity, stderr)
    try:
        return int(args.handler(args))
    except CheckerError as exc:
        print(_("error: %(message)s") % {"message": exc}, file=stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        # Reports are written one by one, each atomically: some may be missing, none is partial.
        print(_("error: interrupted; the reports of this run may be missing"), file=stderr)
        return EXIT_SOURCE_ERROR
    finally:
        remove_logging(handler)


def _set_language_early(argv: Sequence[str]) -> None:
    """Apply ``--lang`` before the parser is built, so help and errors use it too."""
    lang = default_language()
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang if lang in ("en", "zh") else "en")


def main() -> None:
    """Console-script entry point."""
    try:
        code = run(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of standard output (such as head) has gone; that is not an error of ours.
        # Point stdout at devnull so that the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
