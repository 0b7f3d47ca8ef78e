"""The per-file pass: parse once with `ast`, walk once, dispatch each node to its rules.

Code written for a newer Python than the one running the check is parsed by libcst and
translated to the same `ast` (see `newer_grammar`), so the rules never see the difference.

A table maps node classes to the rules that asked for them, so the cost of a walk does not grow
with the number of rules; the walk is iterative (deeply nested expressions in real code would
exhaust the recursion limit).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend_skill.check.context import FileContext, RawFinding, Span, TextContext
from backend_skill.check.lines import split_lines
from backend_skill.check.newer_grammar import NewerSyntaxError, parse_python
from backend_skill.check.rule import PythonRule, Rule, TextRule

SYNTAX_ERROR_RULE = "BS000"
_SUPPRESS = re.compile(r"#\s*backend-skill:\s*ignore(?:\[(?P<ids>[^\]]*)\])?", re.IGNORECASE)
_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})


@dataclass
class FileResult:
    """What one file produced; cached by content hash, so it must stay JSON-able."""

    findings: list[RawFinding] = field(default_factory=list)
    facts: dict[str, list[Any]] = field(default_factory=dict)
    notice: list[str] | None = None  # [reason, message] when the file was not analysed
    # The text of each line a finding starts on: a warm run shows findings without reading
    # or splitting the file again.
    lines: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_list() for f in self.findings],
            "facts": self.facts,
            "notice": self.notice,
            "lines": [[number, text] for number, text in self.lines.items()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        findings = [RawFinding.from_list(f) for f in data["findings"]]
        lines = {int(number): str(text) for number, text in data["lines"]}
        return cls(findings, data["facts"], data["notice"], lines)


class _Collector:
    """Adapts a fact-collecting function to the rules' `visit` interface."""

    def __init__(self, function: Callable[[ast.AST, FileContext], None]) -> None:
        self.visit = function


class Dispatch:
    """Node class -> the rules' visit methods (and fact collectors), built once."""

    def __init__(self, rules: tuple[Rule, ...], *, facts: bool = True) -> None:
        from backend_skill.check.registry import COLLECTORS, all_rules

        all_rules()  # importing the rule modules registers the collectors too
        table: dict[type[ast.AST], list[Any]] = defaultdict(list)
        by_method: dict[str, list[Any]] = defaultdict(list)
        by_call: dict[str, list[Any]] = defaultdict(list)
        for rule in rules:
            if not isinstance(rule, PythonRule):
                continue
            for node_type in rule.node_types:
                if node_type is ast.Call and (rule.calls or rule.methods):
                    for method in rule.methods:
                        by_method[method].append(rule)
                    for name in rule.calls:
                        by_call[name].append(rule)
                else:
                    table[node_type].append(rule)
        if facts:
            for node_types, function in COLLECTORS:
                for node_type in node_types:
                    table[node_type].append(_Collector(function))
        self.table = dict(table)
        self.by_method = dict(by_method)
        self.by_call = dict(by_call)
        # the last part of each indexed dotted name: only those calls need their name resolved
        self.call_tails = frozenset(name.rsplit(".", 1)[-1] for name in by_call)
        self.text_rules = tuple(r for r in rules if isinstance(r, TextRule))


def analyze_python(path: str, source: str, dispatch: Dispatch) -> FileResult:
    """Run the Python rules (and text rules that also read Python) over one file's source."""
    try:
        tree = parse_python(source, path)
    except SyntaxError as error:
        return _syntax_error(path, source, error)
    except NewerSyntaxError as error:
        return FileResult(
            notice=[
                "newer-syntax",
                "not analysed: uses syntax newer than this Python that backend-skill could not "
                f"translate ({error}); run backend-skill with a newer Python to check it",
            ]
        )
    except (ValueError, MemoryError, RecursionError) as error:
        # null bytes, or nesting deeper than the parser allows
        return FileResult(notice=["parser", f"not analysed: the parser refused the file ({error})"])
    ctx = FileContext(path, source, tree)
    walk(tree, ctx, dispatch)
    for rule in dispatch.text_rules:
        if rule.also_python:
            text_ctx = TextContext(path, source)
            rule.check_text(text_ctx)
            ctx.findings.extend(text_ctx.findings)
    findings = _unsuppressed(ctx.findings, ctx.lines)
    return FileResult(findings, ctx.facts, lines=quoted_lines(findings, ctx.lines))


def analyze_text(path: str, text: str, dispatch: Dispatch) -> FileResult:
    ctx = TextContext(path, text)
    for rule in dispatch.text_rules:
        rule.check_text(ctx)
    findings = _unsuppressed(ctx.findings, ctx.lines)
    return FileResult(findings, lines=quoted_lines(findings, ctx.lines))


def quoted_lines(findings: list[RawFinding], lines: list[str]) -> dict[int, str]:
    """The lines the findings start on, as they read in the file."""
    return {f.span.line: lines[f.span.line - 1] for f in findings if 0 < f.span.line <= len(lines)}


# Fields that hold only Load/Store, operators and comparison operators: leaves no rule visits.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_EXIT = object()  # on the stack after a node's children: the walk leaves that node


_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}  # node class -> its child fields, on first use


def _child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    return tuple(name for name in kind._fields if name not in _LEAF_FIELDS)


def walk(tree: ast.Module, ctx: FileContext, dispatch: Dispatch) -> None:
    """Depth-first, parents before children, with ancestors, functions and imports tracked.

    One explicit stack, children read from each class's fields, leaves never pushed as
    ancestors: against `ast.iter_child_nodes` (a generator per node) this takes a fifth off the
    CPU time of analysing 500 stdlib files (2.38-2.46 s -> 1.82-1.91 s, best of 5)."""
    table = dispatch.table
    ancestors = ctx.ancestors  # the nodes on the path to the visited one (tree first)
    functions = ctx.functions
    aliases = ctx.aliases
    fields_of = _FIELDS
    node_type = ast.AST
    call_type = ast.Call
    exit_marker = _EXIT
    stack: list[Any] = [tree]
    while stack:
        child = stack.pop()
        if child is exit_marker:
            done = ancestors.pop()
            if type(done) in _FUNCTION_TYPES:
                functions.pop()
            continue
        kind = type(child)
        if child is not tree:
            if kind is ast.Import or kind is ast.ImportFrom:
                _record_import(child, aliases)
            rules = table.get(kind)
            if rules:
                for rule in rules:
                    rule.visit(child, ctx)
            if kind is call_type:
                _visit_call(child, ctx, dispatch)
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _child_fields(kind)
        children: list[Any] = []
        for name in fields:
            value = getattr(child, name, None)
            if type(value) is list:
                children.extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                children.append(value)
        if children:  # a leaf (most Names and Constants) is never anyone's ancestor
            if kind in _FUNCTION_TYPES:
                functions.append(child)
            ancestors.append(child)
            stack.append(exit_marker)
            children.reverse()  # popped last-in first-out: the first child is visited first
            stack.extend(children)


def _visit_call(call: ast.Call, ctx: FileContext, dispatch: Dispatch) -> None:
    """Only the rules indexed under this call's method name or dotted name see it."""
    func = call.func
    if isinstance(func, ast.Attribute):
        tail = func.attr
        for rule in dispatch.by_method.get(tail, ()):
            rule.visit(call, ctx)
    elif isinstance(func, ast.Name):
        tail = func.id
        if tail in ctx.aliases:  # an imported function called by its local name
            for rule in dispatch.by_call.get(ctx.call_name(call) or "", ()):
                rule.visit(call, ctx)
            return
    else:
        return
    if tail in dispatch.call_tails:
        for rule in dispatch.by_call.get(ctx.call_name(call) or "", ()):
            rule.visit(call, ctx)


def _record_import(node: ast.Import | ast.ImportFrom, aliases: dict[str, str]) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".", 1)[0]
                aliases[top] = top
    elif node.module and node.level == 0:
        for alias in node.names:
            aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def _syntax_error(path: str, source: str, error: SyntaxError) -> FileResult:
    line = max(error.lineno or 1, 1)
    column = max((error.offset or 1) - 1, 0)
    reason = (error.msg or "invalid syntax").rstrip(".?! ")
    message = f"Syntax error: {reason}. The file cannot be checked until it parses."
    span = Span(line, column, line, column + 1)
    findings = [RawFinding(SYNTAX_ERROR_RULE, message, span)]
    return FileResult(findings, lines=quoted_lines(findings, split_lines(source)))


def suppressed_ids(line: str) -> set[str] | None:
    """None when the line has no suppression; an empty set means every rule."""
    if "backend-skill" not in line:
        return None
    match = _SUPPRESS.search(line)
    if match is None:
        return None
    ids = match.group("ids")
    return {part.strip().upper() for part in ids.split(",") if part.strip()} if ids else set()


def _unsuppressed(findings: list[RawFinding], lines: list[str]) -> list[RawFinding]:
    if not findings or not any("backend-skill" in line for line in lines):
        return findings
    kept = []
    for finding in findings:
        candidates = {finding.span.line, finding.span.end_line}
        silenced = False
        for number in candidates:
            if 0 < number <= len(lines):
                ids = suppressed_ids(lines[number - 1])
                if ids is not None and (not ids or finding.rule_id in ids):
                    silenced = True
        if not silenced:
            kept.append(finding)
    return kept
