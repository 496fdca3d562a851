"""The ``scan`` subcommand: evaluate records against policies, write reports, gate."""

from __future__ import annotations

import argparse
import dataclasses
import logging
from pathlib import Path

from checker.errors import InputError
from checker.i18n import _
from checker.parallel import PARALLEL_MIN_BYTES
from checker.reports import FORMATS, write_reports
from checker.reports.verdict import verdict_line
from checker.scan import ScanOptions, run_scan
from checker.severity import Severity

logger = logging.getLogger(__name__)

DEFAULT_FORMATS = ("html", "junit", "json")
#: Options of the live fetch that mean nothing when scan reads INPUT files.
_FETCH_ONLY = ("start", "end", "since", "endpoint", "profile", "dst_ip", "public_ip", "private_ip", "tag_id")
SEVERITY_NAMES = [severity.value for severity in Severity]


def add_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``scan`` and its options."""
    parser = commands.add_parser(
        "scan",
        parents=[common],
        help=_("scan exported or fetched records against policies and write reports"),
        description=_(
            "Evaluate DescribeOutgoingDestinationIP records against YAML policies, write reports "
            "and exit 1 when a finding reaches --fail-on."
        ),
    )
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT",
        help=_("exported records: an API response, a list of pages, a list of records or JSON Lines; - reads standard input"),
    )
    _add_policy_options(parser)
    _add_output_options(parser)
    _add_waiver_options(parser)
    _add_fetch_options(parser)
    parser.set_defaults(handler=run_scan_command)


def _add_policy_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("policies"))
    group.add_argument(
        "--policies", action="append", metavar="PATH",
        help=_("policy file or folder, repeatable; 'builtin' is the built-in pack (default: builtin)"),
    )
    group.add_argument(
        "--param", action="append", default=[], metavar="RULE_ID.NAME=VALUE",
        help=_("override a rule parameter, repeatable"),
    )
    group.add_argument("--rule", action="append", default=[], metavar="ID", help=_("evaluate only these rule ids or globs, repeatable"))
    group.add_argument("--skip-rule", action="append", default=[], metavar="ID", help=_("skip these rule ids or globs, repeatable"))
    group.add_argument("--tag", action="append", default=[], metavar="TAG", help=_("evaluate only rules with this tag, repeatable"))
    group.add_argument("--skip-tag", action="append", default=[], metavar="TAG", help=_("skip rules with this tag, repeatable"))
    group.add_argument(
        "--enable-rule", action="append", default=[], metavar="ID",
        help=_("evaluate these rule ids or globs although their policy file disables them, repeatable"),
    )
    group.add_argument(
        "--severity", metavar="LIST",
        help=_("evaluate only rules of these severities, comma-separated (such as critical,high)"),
    )


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("reports and gate"))
    group.add_argument("--output-dir", default="reports", metavar="DIR", help=_("folder for the reports (default: reports)"))
    group.add_argument(
        "--format", default=",".join(DEFAULT_FORMATS), metavar="LIST",
        help=_("report formats, comma-separated: %(choices)s (default: %(default)s)") % {
            "choices": ",".join(FORMATS), "default": ",".join(DEFAULT_FORMATS)},
    )
    group.add_argument(
        "--fail-on", default="high", choices=[*SEVERITY_NAMES, "never"],
        help=_("lowest severity that fails the gate with exit 1; 'never' only reports (default: high)"),
    )
    group.add_argument(
        "--allow-partial", action="store_true",
        help=_("scan an export that contains fewer records than its TotalCount; every report then says it is partial"),
    )
    group.add_argument("--lang", choices=["en", "zh"], help=_("language of reports and messages (default: from LANG)"))
    group.add_argument(
        "--jobs", type=int, metavar="N",
        help=_("processes that evaluate the records; 1 evaluates in this process "
               "(default: one per CPU for inputs of %(size)d MB or more)") % {"size": PARALLEL_MIN_BYTES >> 20},
    )


def _add_waiver_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(_("waivers and baseline"))
    group.add_argument(
        "--waivers", metavar="FILE",
        help=_("YAML file of waivers: findings they match are kept and marked but do not fail the gate"),
    )
    group.add_argument(
        "--ignore-waivers", action="store_true",
        help=_("validate --waivers but apply none of them, so every finding counts (for audits)"),
    )
    group.add_argument(
        "--fail-on-expired-waivers", action="store_true",
        help=_("exit 1 when a waiver in --waivers has expired"),
    )
    group.add_argument(
        "--baseline", metavar="FILE",
        help=_("results.json of an earlier scan: marks each finding new or existing and lists resolved findings"),
    )
    group.add_argument(
        "--fail-on-new-only", action="store_true",
        help=_("count only findings that are new against --baseline for the gate"),
    )


def _add_fetch_options(parser: argparse.ArgumentParser) -> None:
    from checker.cli import fetch

    group = parser.add_argument_group(_("live fetch"))
    group.add_argument(
        "--fetch", action="store_true",
        help=_("fetch the records from the Cloud Firewall API instead of reading INPUT; the snapshot is kept in --output-dir"),
    )
    fetch.add_fetch_options(group, include_lang=False)


def run_scan_command(args: argparse.Namespace) -> int:
    """Run ``scan`` and return 0 (passed) or 1 (findings at or above --fail-on)."""
    from checker.i18n import current_language

    options = _scan_options(args, lang=args.lang or current_language())
    output_dir = Path(args.output_dir)
    formats = _parse_formats(args.format)
    if args.fetch:
        from checker.cli import fetch

        snapshot = fetch.fetch_snapshot(args, output_dir / "snapshot.json")
        options = dataclasses.replace(options, inputs=(str(snapshot),))

    result = run_scan(options, stdin=args.stdin)
    written = write_reports(result, output_dir, formats)
    for path in written:
        logger.info(_("wrote %s"), path)
    if args.verbosity >= 0:
        names = ", ".join(path.name for path in written)
        print(_("Reports in %(folder)s: %(names)s") % {"folder": output_dir, "names": names}, file=args.stderr)
    # The verdict comes last, so that the final line of a CI log gives the reason for the gate.
    if args.verbosity > -2:
        print(verdict_line(result), file=args.stderr)
    return 0 if result.gate.passed else 1


def _scan_options(args: argparse.Namespace, *, lang: str) -> ScanOptions:
    if args.fetch and args.inputs:
        raise InputError(_("give INPUT files or --fetch, not both"))
    if not args.fetch and not args.inputs:
        raise InputError(_("no input given; name an export file (or - for standard input), or use --fetch"))
    fetch_only = [f"--{name.replace('_', '-')}" for name in _FETCH_ONLY if getattr(args, name, None) is not None]
    if fetch_only and not args.fetch:
        raise InputError(
            _("%(options)s only apply to a live fetch; add --fetch, or drop them to scan INPUT")
            % {"options": ", ".join(fetch_only)}
        )

    return ScanOptions(
        inputs=tuple(args.inputs),
        policies=tuple(args.policies or ["builtin"]),
        param_overrides=_parse_params(args.param),
        rules=tuple(args.rule),
        skip_rules=tuple(args.skip_rule),
        tags=tuple(args.tag),
        skip_tags=tuple(args.skip_tag),
        enable_rules=tuple(args.enable_rule),
        severities=_parse_severities(args.severity),
        fail_on=None if args.fail_on == "never" else Severity(args.fail_on),
        allow_partial=args.allow_partial,
        lang=lang,
        waivers=args.waivers,
        ignore_waivers=args.ignore_waivers,
        fail_on_expired_waivers=args.fail_on_expired_waivers,
        baseline=args.baseline,
        fail_on_new_only=args.fail_on_new_only,
        jobs=_check_jobs(args.jobs),
    )


def _check_jobs(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise InputError(_("--jobs %(value)d: give 1 or more processes") % {"value": value})
    return value


def _parse_params(values: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        rule_id, dot, name = key.rpartition(".")
        if not sep or not dot or not rule_id or not name:
            raise InputError(
                _("--param %(value)s: expected RULE_ID.NAME=VALUE, such as CFW-TRF-001.min_out_bytes=1048576")
                % {"value": value}
            )
        overrides[key] = text
    return overrides


def _parse_severities(value: str | None) -> tuple[Severity, ...]:
    if not value:
        return ()
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SEVERITY_NAMES]
    if unknown:
        raise InputError(
            _("--severity: unknown severity %(names)s; use %(choices)s")
            % {"names": ", ".join(unknown), "choices": ", ".join(SEVERITY_NAMES)}
        )
    return tuple(Severity(name) for name in names)


def _parse_formats(value: str) -> list[str]:
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise InputError(
            _("--format: unknown format %(names)s; use a comma-separated list of %(choices)s")
            % {"names": ", ".join(unknown) or "(none)", "choices": ", ".join(FORMATS)}
        )
    return list(dict.fromkeys(names))
