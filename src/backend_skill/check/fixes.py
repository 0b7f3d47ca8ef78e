"""Fixes: libcst node replacements at the spans rules reported, verified before they are used.

A fix is kept only when the fixed source still parses and the finding it targets is gone (the
rule reports fewer findings). libcst is imported here only, so a check without fixes never pays
for it.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from backend_skill.check.context import FixContext, RawFinding, Span
from backend_skill.check.engine import Dispatch, analyze_python
from backend_skill.check.lines import split_lines_keepends
from backend_skill.check.newer_grammar import NewerSyntaxError, parse_python
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
    """For each fixable finding (by index), the file's source with that fix alone applied.

    One libcst parse per file: each fix replaces its node's text in place (no re-generation of
    the whole module), and the fixes are verified together (one ast parse and one rule pass);
    only when that fails is each verified on its own.
    """
    import libcst as cst
    from libcst.metadata import (
        MetadataWrapper,
        PositionProvider,
        WhitespaceInclusivePositionProvider,
    )

    wanted = [(i, f) for i, f in enumerate(findings) if fixable(f, rules, unsafe=True)]
    if not wanted:
        return {}
    try:
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        inclusive = wrapper.resolve(WhitespaceInclusivePositionProvider)
    except Exception:  # libcst cannot read it: no fixes, findings stand
        return {}
    module = wrapper.module
    at: dict[tuple[int, int, int, int], list[cst.CSTNode]] = {}
    for node, where in positions.items():
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        at.setdefault(key, []).append(node)
    offsets = _line_offsets(source)
    edits: dict[int, tuple[int, int, str, set[str]]] = {}
    for index, finding in wanted:
        rule = rules[finding.rule_id]
        if not isinstance(rule, PythonRule) or finding.fix_span is None:
            continue
        for node in reversed(at.get(_key(finding.fix_span), [])):  # innermost first
            fix_ctx = FixContext()
            try:
                replacement = rule.fix(node, fix_ctx)
            except Exception:  # a fix that cannot be built is not offered
                replacement = None
            if replacement is None:
                continue
            where = inclusive[node]
            start = offsets[where.start.line - 1] + where.start.column
            stop = offsets[where.end.line - 1] + where.end.column
            if source[start:stop] != module.code_for_node(node):
                break  # positions and text disagree: do not guess
            edits[index] = (start, stop, module.code_for_node(replacement), fix_ctx.imports)
            break
    return _verified_edits(path, source, findings, edits, rules)


def _line_offsets(source: str) -> list[int]:
    offsets = [0]
    for line in split_lines_keepends(source):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _splice(source: str, edits: list[tuple[int, int, str, set[str]]]) -> str:
    out = source
    for start, stop, text, _ in sorted(edits, key=lambda e: -e[0]):
        out = out[:start] + text + out[stop:]
    for name in sorted({n for edit in edits for n in edit[3]}):
        out = add_import(out, name)
    return out


def _verified_edits(
    path: str,
    source: str,
    findings: list[RawFinding],
    edits: dict[int, tuple[int, int, str, set[str]]],
    rules: dict[str, Rule],
) -> dict[int, str]:
    if not edits:
        return {}
    ordered = sorted(edits.items(), key=lambda item: item[1][0])
    disjoint = all(a[1][1] <= b[1][0] for a, b in pairwise(ordered))
    if disjoint:
        together = _splice(source, [e for _, e in ordered])
        targets = [findings[i] for i, _ in ordered]
        if _verified(path, source, together, targets, rules):
            return {i: _splice(source, [e]) for i, e in ordered}
    result = {}
    for index, edit in ordered:
        single = _splice(source, [edit])
        if _verified(path, source, single, [findings[index]], rules):
            result[index] = single
    return result


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
    """A unified diff; only the window between the common head and tail is compared, so a
    one-line fix in a long file costs little."""
    old = split_lines_keepends(before)
    new = split_lines_keepends(after)
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    start = max(0, head - 3)
    window = difflib.unified_diff(
        old[start : len(old) - max(0, tail - 3)],
        new[start : len(new) - max(0, tail - 3)],
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(_shift(line, start) for line in window)


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _shift(line: str, offset: int) -> str:
    match = _HUNK.match(line)
    if match is None or not offset:
        return line
    old_start, old_count, new_start, new_count = match.groups()
    return (
        f"@@ -{int(old_start) + offset}{old_count or ''} "
        f"+{int(new_start) + offset}{new_count or ''} @@" + line[match.end() :]
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
        parse_python(after)
    except (SyntaxError, ValueError, NewerSyntaxError, RecursionError, MemoryError):
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
    tree = parse_python(code)
    for node in tree.body:
        if isinstance(node, ast.Import) and any(
            a.name == module and a.asname is None for a in node.names
        ):
            return code
    lines = split_lines_keepends(code)
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
    # after a __future__ import / docstring, never before them; set apart from code that
    # follows it as PEP 8 asks (two blank lines before a top-level def or class)
    statement = f"import {module}\n"
    following = lines[insert_at] if insert_at < len(lines) else ""
    if following.strip() and not following.startswith(("import ", "from ")):
        top_level_def = following.startswith(("def ", "async def ", "class ", "@"))
        statement += "\n\n" if top_level_def else "\n"
    lines.insert(insert_at, statement)
    return "".join(lines)
