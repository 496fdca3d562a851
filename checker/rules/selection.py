"""Choose which loaded rules a run evaluates."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fnmatch import fnmatchcase

from checker.errors import ProblemList
from checker.i18n import _, ngettext
from checker.rules.model import PolicySet, Rule
from checker.severity import Severity


def select_rules(
    policy_set: PolicySet,
    *,
    rules: Sequence[str] = (),
    skip_rules: Sequence[str] = (),
    tags: Sequence[str] = (),
    skip_tags: Sequence[str] = (),
    severities: Collection[Severity] = (),
    enable: Sequence[str] = (),
) -> tuple[Rule, ...]:
    """Return the enabled rules that the options select, in load order.

    ``rules`` keeps only rules whose id matches one of its ids or fnmatch patterns
    (``CFW-TI-*``, case-sensitive) and ``skip_rules`` drops matching rules. ``tags`` keeps
    rules that have at least one of the tags and ``skip_tags`` drops rules with any of them.
    ``severities``, when given, keeps only rules of those severities. Disabled rules are
    selected only when an ``enable`` id or pattern matches them; the other options then
    apply to them as to any rule.

    Raises:
        ProblemList: a pattern matches no loaded rule, or a tag is on no loaded rule. Both
            are usually typos, and a gate must not silently check less than requested.
    """
    loaded = policy_set.rules
    problems = (
        _unmatched(loaded, rules, _("rule pattern"))
        + _unmatched(loaded, skip_rules, _("skipped rule pattern"))
        + _unmatched(loaded, enable, _("enabled rule pattern"))
    )
    known_tags = {tag for rule in loaded for tag in rule.tags}
    for option, names in ((_("tag"), tags), (_("skipped tag"), skip_tags)):
        problems.extend(
            _("%(option)s '%(name)s' is on no loaded rule; check the spelling against the tags of the policy files")
            % {"option": option, "name": name}
            for name in names
            if name not in known_tags
        )
    if problems:
        headline = ngettext(
            "%(count)d problem in the rule selection; nothing was evaluated",
            "%(count)d problems in the rule selection; nothing was evaluated",
            len(problems),
        ) % {"count": len(problems)}
        raise ProblemList(headline, problems)

    selected = [rule for rule in loaded if rule.enabled or any(fnmatchcase(rule.id, pattern) for pattern in enable)]
    if rules:
        selected = [rule for rule in selected if any(fnmatchcase(rule.id, pattern) for pattern in rules)]
    selected = [rule for rule in selected if not any(fnmatchcase(rule.id, pattern) for pattern in skip_rules)]
    if tags:
        selected = [rule for rule in selected if set(rule.tags) & set(tags)]
    selected = [rule for rule in selected if not set(rule.tags) & set(skip_tags)]
    if severities:
        selected = [rule for rule in selected if rule.severity in severities]
    return tuple(selected)


def _unmatched(loaded: Sequence[Rule], patterns: Sequence[str], option: str) -> list[str]:
    problems: list[str] = []
    for pattern in patterns:
        if any(fnmatchcase(rule.id, pattern) for rule in loaded):
            continue
        other_case = [rule.id for rule in loaded if fnmatchcase(rule.id.lower(), pattern.lower())]
        if other_case:
            problems.append(
                _("%(option)s '%(pattern)s' matches no loaded rule; rule ids are case-sensitive: did you mean '%(id)s'?")
                % {"option": option, "pattern": pattern, "id": other_case[0]}
            )
            continue
        problems.append(
            _("%(option)s '%(pattern)s' matches no loaded rule; check the id, or list the rules with 'cfw-checker policies list'")
            % {"option": option, "pattern": pattern}
        )
    return problems
