"""What a rule sees while the engine walks a file, and how it reports a finding."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backend_skill.check import flow
from backend_skill.check.lines import split_lines

if TYPE_CHECKING:
    from backend_skill.check.rule import Rule


@dataclass(frozen=True, slots=True)
class Span:
    """0-based columns counted in characters (not bytes); lines 1-based; end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(slots=True)
class RawFinding:
    """A finding before it is dressed with rule metadata: cheap to cache and to pickle."""

    rule_id: str
    message: str
    span: Span
    fix_span: Span | None = None  # the node a fix replaces, when it differs from `span`

    def to_list(self) -> list[Any]:
        fix = list(_span_tuple(self.fix_span)) if self.fix_span else None
        return [self.rule_id, self.message, list(_span_tuple(self.span)), fix]

    @classmethod
    def from_list(cls, data: list[Any]) -> RawFinding:
        rule_id, message, span, fix = data
        return cls(rule_id, message, Span(*span), Span(*fix) if fix else None)


def _span_tuple(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


class FileContext:
    """One Python file during the single walk: source, imports, ancestors, value origins."""

    def __init__(self, path: str, source: str, tree: ast.Module) -> None:
        self.path = path  # relative to the project root, forward slashes
        self.source = source
        self.lines = split_lines(source)
        self.tree = tree
        self.findings: list[RawFinding] = []
        self.facts: dict[str, list[Any]] = {}
        self.aliases: dict[str, str] = {}  # local name -> dotted import path
        self.ancestors: list[ast.AST] = []  # root first; the visited node is not included
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = []
        self._call_names: dict[int, str | None] = {}
        self.state: dict[str, Any] = {}  # per-file scratch space rules key by their id
        self._flow_cache: dict[int, flow.Scope] = {}

    # -- reporting -------------------------------------------------------------------------

    def report(
        self,
        rule: Rule,
        node: ast.AST,
        message: str | None = None,
        *,
        fix_node: ast.AST | None = None,
        fixable: bool = True,
    ) -> None:
        """Report `rule` at `node`. `fix_node` is what `rule.fix` will receive (default: node);
        `fixable=False` when the rule's fix does not apply to this case."""
        span = self.span(node)
        fix_span = None
        if rule.fix_description is not None and fixable:
            fix_span = self.span(fix_node) if fix_node is not None else span
        self.findings.append(RawFinding(rule.id, message or rule.message, span, fix_span))

    def fact(self, kind: str, value: Any) -> None:
        """Record something project rules need (routes, env reads, ...). Must be JSON-able."""
        self.facts.setdefault(kind, []).append(value)

    def span(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self._chars(line, getattr(node, "col_offset", 0))
        end_column = self._chars(end_line, getattr(node, "end_col_offset", None) or 0)
        return Span(line, column, end_line, end_column)

    def _chars(self, line: int, byte_offset: int) -> int:
        """ast counts columns in UTF-8 bytes; people and libcst count characters."""
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))
        return byte_offset

    # -- where am I ------------------------------------------------------------------------

    @property
    def parent(self) -> ast.AST | None:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
        return self.functions[-1] if self.functions else None

    def enclosing(self, *types: type[ast.AST]) -> ast.AST | None:
        """The nearest ancestor of one of `types`, not looking past the enclosing function."""
        for node in reversed(self.ancestors):
            if isinstance(node, types):
                return node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return None
        return None

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    # -- names and values ------------------------------------------------------------------

    def qualname(self, node: ast.AST) -> str | None:
        """The dotted name an expression refers to, through imports: `ET.parse` with
        `import xml.etree.ElementTree as ET` -> `xml.etree.ElementTree.parse`."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.aliases.get(node.id, node.id)
        parts.append(base)
        return ".".join(reversed(parts))

    def call_name(self, call: ast.Call) -> str | None:
        """`qualname` of the called function, computed once per call node."""
        key = id(call)
        if key in self._call_names:
            return self._call_names[key]
        name = self._call_names[key] = self.qualname(call.func)
        return name

    def imports(self, module: str) -> bool:
        """Whether the file imported `module` (or something under it) so far."""
        prefix = module + "."
        return any(v == module or v.startswith(prefix) for v in self.aliases.values())

    def origin(self, expr: ast.AST) -> flow.Origin:
        """Where a value comes from: constant, parameter, request data, built, or unknown."""
        return flow.origin(expr, self.scope())

    def is_dynamic_string(self, expr: ast.AST) -> bool:
        """A string built (f-string, %, .format, +, join) from at least one non-constant."""
        return self.origin(expr) in (flow.Origin.BUILT, flow.Origin.REQUEST)

    def string_value(self, expr: ast.AST | None) -> str | None:
        """A string literal, or a name bound exactly once (here or at module level) to one.

        `APIRouter(prefix=PATH_PREFIX)` with `PATH_PREFIX = "/health"` reads as "/health".
        """
        found = self.constant(expr)
        return found.value if found is not None and isinstance(found.value, str) else None

    def constant(self, expr: ast.AST | None) -> ast.Constant | None:
        """A literal, or the literal a name is bound to exactly once (here or at module level):
        `options={"verify_signature": VERIFY}` with `VERIFY = False` reads as False."""
        if isinstance(expr, ast.Constant):
            return expr
        if not isinstance(expr, ast.Name):
            return None
        scope: flow.Scope | None = self.scope()
        while scope is not None:
            if expr.id in scope.parameters or expr.id in scope.unknown:
                return None
            values = scope.assignments.get(expr.id)
            if values is not None:
                only = values[0] if len(values) == 1 else None
                return only if isinstance(only, ast.Constant) else None
            scope = scope.parent
        return None

    def assigned_values(self, name: str) -> list[ast.expr]:
        """The expressions assigned to a local name in the enclosing function (or module)."""
        return self.scope().assignments.get(name, [])

    def scope(self) -> flow.Scope:
        """The names bound in the enclosing function (or module), built once per function."""
        owner: ast.AST = self.function if self.function is not None else self.tree
        scope = self._flow_cache.get(id(owner))
        if scope is None:
            module = self._flow_cache.get(id(self.tree))
            if module is None and owner is not self.tree:
                module = self._flow_cache[id(self.tree)] = flow.Scope.of(self.tree, None)
            scope = self._flow_cache[id(owner)] = flow.Scope.of(owner, module)
        return scope


@dataclass
class TextContext:
    """A non-Python text file for text rules."""

    path: str
    text: str
    findings: list[RawFinding] = field(default_factory=list)
    lines: list[str] = field(init=False)  # split once: every text rule reads them

    def __post_init__(self) -> None:
        self.lines = split_lines(self.text)

    def report_at(
        self, rule: Rule, line: int, column: int, end_column: int, message: str | None = None
    ) -> None:
        """Report on a 1-based line between 0-based character columns."""
        span = Span(line, column, line, end_column)
        self.findings.append(RawFinding(rule.id, message or rule.message, span, None))


class FixContext:
    """Passed to `PythonRule.fix`: lets a replacement ask for an import it needs."""

    def __init__(self) -> None:
        self.imports: set[str] = set()

    def require_import(self, module: str) -> None:
        self.imports.add(module)
