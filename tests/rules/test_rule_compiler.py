"""Generated predicate source: policy text never becomes code."""

from __future__ import annotations

import re
from collections.abc import Callable

from checker.records import Record, record_fields
from checker.rules import Rule
from checker.rules.compiler import generate_source
from checker.rules.conditions import AllOf, Leaf

CompileWhen = Callable[..., Rule]
INJECTION = '"); import os; os.system("touch pwned"); ("'


def test_injection_value_stays_data(compile_when: CompileWhen) -> None:
    rule = compile_when(
        {"any": [{"field": "RuleName", "equals": INJECTION}, {"field": "RuleName", "matches": re.escape(INJECTION)}]}
    )

    assert rule.matches(Record(DstIP="x", RuleName=INJECTION))
    assert not rule.matches(Record(DstIP="x", RuleName="import os"))


def test_source_holds_no_policy_text() -> None:
    fields = record_fields()
    condition = AllOf((Leaf(fields["RuleName"], "equals", INJECTION), Leaf(fields["SessionCount"], "gte", 3)))

    source, constants = generate_source(condition)

    assert "import" not in source
    assert source == "def predicate(r):\n    return ((r.RuleName == _c0) and (r.SessionCount >= _c1))\n"
    assert constants == {"_c0": INJECTION, "_c1": 3}


def test_generated_code_has_no_builtins(compile_when: CompileWhen) -> None:
    rule = compile_when({"field": "HasAcl", "equals": True})

    assert rule.matches.__globals__["__builtins__"] == {}
