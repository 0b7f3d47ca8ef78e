"""One generic test runs every rule's own VALID and INVALID examples (and their fixes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_skill.check.engine import Dispatch, analyze_python, analyze_text
from backend_skill.check.fixes import fix_all
from backend_skill.check.project import ProjectView
from backend_skill.check.registry import all_rules, rules_by_id
from backend_skill.check.rule import Invalid, ProjectRule, PythonRule, Rule, TextRule, Valid

RULES = all_rules()
CASES = [
    pytest.param(rule, example, id=f"{rule.id}-{kind}{i}")
    for rule in RULES
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for i, example in enumerate(examples)
]


def findings_of(rule: Rule, example: Valid | Invalid) -> list[str]:
    """Rule ids the example produces with only this rule on (plus syntax errors)."""
    dispatch = Dispatch((rule,))
    if isinstance(rule, ProjectRule):
        facts_dispatch = Dispatch(all_rules())
        facts = {}
        for path, text in example.files.items():
            if path.endswith(".py"):
                facts[path] = analyze_python(path, text, facts_dispatch).facts
        project = ProjectView(["."], sorted(example.files), facts)
        rule.check_project(project)
        return [f.rule_id for _, f in project.findings]
    if example.filename.endswith(".py"):
        result = analyze_python(example.filename, example.code, dispatch)
    else:
        result = analyze_text(example.filename, example.code, dispatch)
    return [f.rule_id for f in result.findings]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule: Rule, example: Valid | Invalid) -> None:
    found = findings_of(rule, example)
    if isinstance(example, Valid):
        assert found == [], f"{rule.id} fired on VALID code:\n{example.code or example.files}"
        return
    assert found.count(rule.id) == example.count, (
        f"{rule.id} expected {example.count} finding(s), got {found} on:\n{example.code}"
    )
    if isinstance(rule, PythonRule) and rule.fixable and example.fixable:
        assert example.fixed is not None, f"{rule.id} has a fix: give INVALID examples `fixed=`"
    if example.fixed is not None:
        dispatch = Dispatch((rule,))
        result = analyze_python(example.filename, example.code, dispatch)
        outcome = fix_all(example.filename, example.code, result.findings, rules_by_id(), True)
        assert outcome.source == example.fixed
        again = analyze_python(example.filename, outcome.source, dispatch)
        assert rule.id not in [f.rule_id for f in again.findings], "fixed code still flagged"
        twice = fix_all(example.filename, outcome.source, again.findings, rules_by_id(), True)
        assert twice.source == outcome.source, "fix is not idempotent"
    elif isinstance(rule, PythonRule) and rule.fixable and not example.fixable:
        result = analyze_python(example.filename, example.code, Dispatch((rule,)))
        outcome = fix_all(example.filename, example.code, result.findings, rules_by_id(), True)
        assert outcome.source == example.code, "a case marked fixable=False was changed"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_examples_on_both_sides(rule: Rule) -> None:
    assert len(rule.valid) >= 1, f"{rule.id} has no VALID example"
    assert len(rule.invalid) >= 1, f"{rule.id} has no INVALID example"
    for example in (*rule.valid, *rule.invalid):
        if isinstance(rule, ProjectRule):
            assert example.files, f"{rule.id}: project rule examples are file trees (files=)"
        else:
            assert example.code, f"{rule.id}: an example without code"
        if isinstance(rule, TextRule) and not rule.also_python:
            assert not example.filename.endswith(".py"), f"{rule.id}: text rule example is .py"


def test_example_files_are_real_paths() -> None:
    for rule in RULES:
        for example in (*rule.valid, *rule.invalid):
            for path in example.files:
                assert not Path(path).is_absolute() and ".." not in Path(path).parts
