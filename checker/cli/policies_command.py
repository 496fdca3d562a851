"""The ``policies`` subcommand: ``test``, ``validate``, ``list`` and ``docs`` for policy files."""

from __future__ import annotations

import argparse
import json
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from checker.i18n import _, current_language, ngettext
from checker.policytests import TestRun, load_cases, run_cases
from checker.reports.atomic import write_atomic
from checker.reports.junit import format_seconds, xml_safe
from checker.rules import PolicySet, Rule, load_policies


def add_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register ``policies`` and its subcommands."""
    parser = commands.add_parser(
        "policies", parents=[common],
        help=_("test, validate, list or document policy files"),
        description=_("Work with policy files: run their tests, validate them, list their rules or write their documentation."),
    )
    actions = parser.add_subparsers(dest="policies_command", metavar="ACTION", required=True)

    test = actions.add_parser(
        "test", parents=[common], help=_("run the policy tests in PATH/tests/*.test.yaml"),
        description=_("Run the test cases beside the policies; exit 0 when all pass, 1 when one fails, 2 on invalid test files."),
    )
    test.add_argument("path", nargs="?", default="builtin", metavar="PATH", help=_("policy folder, or 'builtin' (default)"))
    test.add_argument("--junit", metavar="FILE", help=_("also write the results as JUnit XML to FILE"))
    test.set_defaults(handler=run_test)
    _add_lang(test)

    validate = actions.add_parser(
        "validate", parents=[common], help=_("check policy files and list every problem"),
        description=_("Load the policy files and report every problem; exit 2 when there is one."),
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help=_("policy file or folder, or 'builtin' (default)"))
    validate.set_defaults(handler=run_validate)
    _add_lang(validate)

    listing = actions.add_parser("list", parents=[common], help=_("list the rules: id, severity, title, frameworks"))
    listing.add_argument("paths", nargs="*", metavar="PATH", help=_("policy file or folder, or 'builtin' (default)"))
    listing.add_argument("--format", choices=["table", "json"], default="table", help=_("output format (default: table)"))
    listing.set_defaults(handler=run_list)
    _add_lang(listing)

    docs = actions.add_parser("docs", parents=[common], help=_("write a Markdown page that documents every rule"))
    docs.add_argument("paths", nargs="*", metavar="PATH", help=_("policy file or folder, or 'builtin' (default)"))
    docs.add_argument("--output", metavar="FILE", help=_("write the page to FILE instead of standard output"))
    docs.set_defaults(handler=run_docs)
    _add_lang(docs)


def _add_lang(parser: argparse.ArgumentParser) -> None:
    # The CLI applies --lang before parsing (see checker.cli.main); this makes the option known.
    parser.add_argument("--lang", choices=["en", "zh"], help=_("language of messages (default: from LANG)"))


def run_test(args: argparse.Namespace) -> int:
    """Run the policy tests; print one line per failure and the summary line."""
    cases = load_cases(args.path)
    test_run = run_cases(args.path, cases)
    out: TextIO = args.stdout
    for result in test_run.results:
        for failure in result.failures:
            print(f"FAILED {result.case.case_id} - {failure}", file=out)
    print(test_run.summary_line(), file=out)
    if args.junit:
        write_atomic(Path(args.junit), lambda stream: _write_junit(test_run, stream))
    return 1 if test_run.failed else 0


def _write_junit(test_run: TestRun, stream: Any) -> None:
    root = ET.Element("testsuites", {"name": "cfw-checker policy tests"})
    files: dict[str, list[Any]] = {}
    for result in test_run.results:
        files.setdefault(result.case.file, []).append(result)
    for file_name, results in files.items():
        failed = sum(1 for result in results if not result.passed)
        suite = ET.SubElement(root, "testsuite", {
            "name": xml_safe(file_name), "tests": str(len(results)), "failures": str(failed), "errors": "0",
            "skipped": "0", "time": format_seconds(sum(result.seconds for result in results)),
        })
        for result in results:
            case = ET.SubElement(suite, "testcase", {
                "classname": xml_safe(file_name), "name": xml_safe(result.case.name),
                "time": format_seconds(result.seconds),
            })
            if result.failures:
                failure = ET.SubElement(case, "failure", {"message": xml_safe(result.failures[0])})
                failure.text = xml_safe("\n".join(result.failures))
    root.set("tests", str(len(test_run.results)))
    root.set("failures", str(test_run.failed))
    ET.indent(root)
    ET.ElementTree(root).write(stream, encoding="utf-8", xml_declaration=True)


def run_validate(args: argparse.Namespace) -> int:
    """Load the policy files; every problem is raised as one error (exit 2)."""
    policy_set = load_policies(_paths(args.paths))
    count = len(policy_set.rules)
    files = len(policy_set.files)
    print(
        ngettext("%(rules)d rule in %(files)s is valid", "%(rules)d rules in %(files)s are valid", count)
        % {"rules": count, "files": ngettext("%(count)d policy file", "%(count)d policy files", files) % {"count": files}},
        file=args.stdout,
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print the rules as a table or as JSON."""
    rules = load_policies(_paths(args.paths)).rules
    if args.format == "json":
        print(json.dumps([_rule_entry(rule) for rule in rules], ensure_ascii=False, indent=2), file=args.stdout)
        return 0

    lang = current_language()
    rows = [[_("ID"), _("SEVERITY"), _("TITLE"), _("FRAMEWORKS")]]
    for rule in rules:
        localized = rule.localized(lang).title
        title = localized if rule.enabled else localized + " " + _("(disabled)")
        rows.append([rule.id, rule.severity.value, title, _frameworks_text(rule)])
    widths = [max(display_width(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        cells = [cell + " " * (widths[column] - display_width(cell)) for column, cell in enumerate(row[:3])]
        print("  ".join([*cells, row[3]]).rstrip(), file=args.stdout)
    return 0


def display_width(text: str) -> int:
    """Return the terminal columns ``text`` takes: two for each wide or full-width character, such as Chinese."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _rule_entry(rule: Rule) -> dict[str, Any]:
    # The JSON keeps the English title whatever --lang is, as results.json does, so tools get stable text.
    return {
        "id": rule.id,
        "severity": rule.severity.value,
        "title": rule.title,
        "frameworks": {name: list(controls) for name, controls in sorted(rule.frameworks.items())},
        "tags": list(rule.tags),
        "enabled": rule.enabled,
        "policy_file": rule.source,
    }


def _frameworks_text(rule: Rule) -> str:
    return "; ".join(f"{name} {', '.join(controls)}" for name, controls in sorted(rule.frameworks.items()))


def run_docs(args: argparse.Namespace) -> int:
    """Write the Markdown documentation of every rule, in the language of ``--lang``."""
    paths = _paths(args.paths)
    title = _("Built-in rules") if paths == ["builtin"] else _("Rules")
    page = rules_markdown(load_policies(paths), title, current_language())
    if args.output:
        write_atomic(Path(args.output), lambda stream: stream.write(page.encode("utf-8")))
    else:
        args.stdout.write(page)
    return 0


def rules_markdown(policy_set: PolicySet, title: str, lang: str = "en") -> str:
    """Return a Markdown page with a summary table and one section per rule, in load order.

    Labels come from the message catalog and rule texts from each rule's ``lang`` text, so
    call :func:`checker.i18n.set_language` with the same ``lang`` first.
    """
    header = [_("id"), _("severity"), _("title"), _("policy file")]
    lines = [
        f"# {title}",
        "",
        _("Generated by `cfw-checker policies docs`; do not edit by hand."),
        "",
        "| " + " | ".join(header) + " |",
        "|---|---|---|---|",
    ]
    for rule in policy_set.rules:
        text = rule.localized(lang)
        lines.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.value} | {_cell(text.title)} | {rule.source} |")
    for rule in policy_set.rules:
        lines.extend(["", *_rule_section(rule, lang)])
    return "\n".join(lines) + "\n"


def _rule_section(rule: Rule, lang: str) -> list[str]:
    text = rule.localized(lang)
    lines = [f"## {rule.id}", "", f"**{text.title}**", ""]
    facts = [
        "- " + _("Severity: %(severity)s") % {"severity": rule.severity.value},
        "- " + _("Policy file: %(file)s") % {"file": f"`{rule.source}`"},
    ]
    if not rule.enabled:
        facts.append("- " + _("Disabled by default: enable it in a copy of the policy file."))
    if rule.tags:
        facts.append("- " + _("Tags: %(tags)s") % {"tags": ", ".join(f"`{tag}`" for tag in rule.tags)})
    for name, controls in sorted(rule.frameworks.items()):
        facts.append(f"- {name}: {', '.join(controls)}")
    for name, value in rule.params.items():
        facts.append("- " + _("Parameter %(name)s: %(value)s (override with %(option)s)") % {
            "name": f"`{name}`",
            "value": f"`{json.dumps(value, ensure_ascii=False)}`",
            "option": f"`--param {rule.id}.{name}=VALUE`",
        })
    lines.extend(facts)
    if text.description:
        lines.extend(["", text.description])
    if text.remediation:
        lines.extend(["", "**" + _("Remediation.") + "** " + text.remediation])
    if rule.references:
        lines.extend(["", _("References:"), "", *(f"- <{reference}>" for reference in rule.references)])
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _paths(paths: Sequence[str]) -> list[str]:
    return list(paths) or ["builtin"]
