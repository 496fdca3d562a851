"""Policy rules: loading, validation, compilation and selection."""

from checker.rules.loader import load_policies
from checker.rules.model import PolicyFile, PolicySet, Rule, RuleText
from checker.rules.selection import select_rules

__all__ = ["PolicyFile", "PolicySet", "Rule", "RuleText", "load_policies", "select_rules"]
