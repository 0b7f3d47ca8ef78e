"""Fixes: libcst node replacements at the spans rules reported, verified before they are used.

A fix is kept only when the fixed source still parses and the finding it targets is gone (the
rule reports fewer findings). libcst is imported here only, so a check without fixes never pays
for it.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_skill.check.context import FixContext, RawFinding, Span
from backend_skill.check.engine import Dispatch, analyze_python
from backend_skill.check.rule import PythonRule, Rule

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class FixOutcome:
    source: str
    applied: list[RawFinding]


def fixable(finding: RawFinding, rules: dict[str, Rule], unsafe: bool) -> bool:
    rule = rules.get(finding.rule_id)
    return (
        isinstance(rule, PythonRule)
        and rule.fix_description is not None
        and finding.fix_span is not None
        and (rule.fix_is_safe or unsafe)
    )


def fix_each(
    path: str, source: str, findings: list[RawFinding], rules: dict[str, Rule]
) -> dict[int, str]:
    """For each fixable finding (by index), the fixed source if that fix alone is verified."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    wanted = [(i, f) for i, f in enumerate(findings) if fixable(f, rules, unsafe=True)]
    if not wanted:
        return {}
    try:
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    except Exception:  # libcst cannot read it: no fixes, findings stand
        return {}
    fixed: dict[int, str] = {}
    for index, finding in wanted:
        new_source = _apply(wrapper, [finding], rules)
        if new_source is not None and _verified(path, source, new_source, [finding], rules):
            fixed[index] = new_source
    return fixed


def fix_all(
    path: str, source: str, findings: list[RawFinding], rules: dict[str, Rule], unsafe: bool
) -> FixOutcome:
    """Apply every verified fix to one file; repeats until nothing more applies (idempotent)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    applied: list[RawFinding] = []
    current = source
    current_findings = findings
    for _round in range(5):
        targets = [f for f in current_findings if fixable(f, rules, unsafe)]
        if not targets:
            break
        try:
            wrapper = MetadataWrapper(cst.parse_module(current), unsafe_skip_copy=True)
        except Exception:
            break
        together = _apply(wrapper, targets, rules)
        if together is not None and _verified(path, current, together, targets, rules):
            accepted, current = targets, together
        else:
            accepted = []
            for target in targets:  # one by one; keep those that verify
                single = _apply(wrapper, [target], rules)
                if single is not None and _verified(path, current, single, [target], rules):
                    accepted = [target]
                    current = single
                    break
        if not accepted:
            break
        applied.extend(accepted)
        dispatch = Dispatch(tuple(rules.values()))
        current_findings = analyze_python(path, current, dispatch).findings
    return FixOutcome(current, applied)


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def _apply(wrapper: object, targets: list[RawFinding], rules: dict[str, Rule]) -> str | None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    if not isinstance(wrapper, MetadataWrapper):
        raise TypeError("expected a libcst MetadataWrapper")
    by_span: dict[tuple[int, int, int, int], list[PythonRule]] = {}
    for target in targets:
        rule = rules[target.rule_id]
        if not isinstance(rule, PythonRule) or target.fix_span is None:
            return None
        rules_here = by_span.setdefault(_key(target.fix_span), [])
        if rule not in rules_here:  # one fix per node and rule, however many findings share it
            rules_here.append(rule)
    fix_ctx = FixContext()

    class Replace(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def on_leave(  # type: ignore[override]  # we return the node type we were given
            self, original_node: cst.CSTNode, updated_node: cst.CSTNode
        ) -> cst.CSTNode:
            if not by_span:
                return updated_node
            position = self.get_metadata(PositionProvider, original_node, None)
            if position is None:
                return updated_node
            key = (
                position.start.line,
                position.start.column,
                position.end.line,
                position.end.column,
            )
            pending = by_span.get(key)
            if not pending:
                return updated_node
            node = updated_node
            for rule in list(pending):
                replacement = rule.fix(node, fix_ctx)
                if replacement is not None:
                    node = replacement
                    pending.remove(rule)
            if not pending:
                del by_span[key]
            return node

    try:
        module = wrapper.visit(Replace())
    except Exception:  # a fix that cannot be built is a fix not offered
        return None
    if by_span:
        return None  # some target was not found: do not half-apply
    code = module.code
    for name in sorted(fix_ctx.imports):
        code = add_import(code, name)
    return code


def _key(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def _verified(
    path: str, before: str, after: str, targets: list[RawFinding], rules: dict[str, Rule]
) -> bool:
    if after == before:
        return False
    try:
        ast.parse(after)
    except (SyntaxError, ValueError):
        return False
    involved = tuple({t.rule_id: rules[t.rule_id] for t in targets}.values())
    dispatch = Dispatch(involved)
    old = analyze_python(path, before, dispatch).findings
    new = analyze_python(path, after, dispatch).findings
    for rule in involved:
        expected = sum(1 for t in targets if t.rule_id == rule.id)
        had = sum(1 for f in old if f.rule_id == rule.id)
        has = sum(1 for f in new if f.rule_id == rule.id)
        if has > had - expected:
            return False
    return True


def add_import(code: str, module: str) -> str:
    """Add `import module` after the file's last top-level import (or its docstring)."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.Import) and any(
            a.name == module and a.asname is None for a in node.names
        ):
            return code
    lines = code.splitlines(keepends=True)
    insert_at = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
            insert_at == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            insert_at = node.end_lineno or node.lineno
        else:
            break
    # after a __future__ import / docstring, never before them
    lines.insert(insert_at, f"import {module}\n")
    return "".join(lines)
