"""Policy rules: loading, validation, compilation."""

from checker.rules.model import PolicyFile, PolicySet, Rule, RuleText

__all__ = ["PolicyFile", "PolicySet", "Rule", "RuleText"]
