"""Value origins: where does the value of an expression come from, within one function?

Rules ask this instead of matching text. The answer follows local assignments (and module-level
ones for names a function does not bind), so `q = f"... {x}"; cur.execute(q)` is seen as a query
built from a non-constant, while `cur.execute("... WHERE id = %s", (x,))` keeps a constant query.

This is deliberately intra-procedural. It is flow-insensitive (all assignments to a name count)
except in straight-line code: a use that an assignment earlier in the same block decides, with
nothing between them that may rebind the name, sees only that assignment (`q = "..."; run(q)`
after an earlier built `q`). A later stage can grow it into full data flow.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from enum import IntEnum

# Names whose attributes and items are request data in the common frameworks.
REQUEST_NAMES = frozenset({"request", "req"})
# Methods that return a string made of the receiver's value only.
SAME_VALUE_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "encode", "decode"}
)
_MAX_DEPTH = 12
# In a scope's sanitizers, `int` says numbers are safe for the sink: loop counters and
# %d-formatted text count as constant there.
NUMBERS_SAFE = "int"


class Origin(IntEnum):
    """Ordered from safest to most concerning, so combining picks the maximum."""

    CONSTANT = 0  # literals, and names that only ever hold constants
    UNKNOWN = 1  # a call result, an attribute, a global we cannot see into
    PARAMETER = 2  # a parameter of the enclosing function
    BUILT = 3  # a string formatted or concatenated from at least one non-constant
    REQUEST = 4  # read from the request object (query, body, headers, cookies)


@dataclass
class Scope:
    """The assignments and parameters of one function (or of the module)."""

    assignments: dict[str, list[ast.expr]] = field(default_factory=dict)
    parameters: frozenset[str] = frozenset()
    unknown: set[str] = field(default_factory=set)  # loop targets, with-as, unpacking
    # Loop targets over a literal collection, or a name bound only to one, as (position in an
    # unpacked item, iterable): `for table, column in TEXT_COLUMNS` -> table: ((0,), ...).
    loops: dict[str, list[tuple[tuple[int, ...], ast.expr]]] = field(default_factory=dict)
    # Loop counters (`for i in range(n)`, the index of `enumerate`): numbers; `opaque` are the
    # names also bound some other way we cannot see into.
    counters: set[str] = field(default_factory=set)
    opaque: set[str] = field(default_factory=set)
    parent: Scope | None = None
    # Callees whose result is safe for the sink a rule asks about, so they count as constant
    # (see `sanitized_origin`): `quote_name` matches `connection.ops.quote_name(...)`,
    # `shlex.quote` matches `shlex.quote(...)` as written. Dotted or dunder entries are safe
    # attributes (`_meta.db_table`), and `int` makes every number safe.
    sanitizers: frozenset[str] = frozenset()
    body: list[ast.stmt] = field(default_factory=list)
    _reaching: dict[int, ast.expr] | None = None

    def reaching(self, name: ast.Name) -> ast.expr | None:
        """The one assignment that decides this use of a name, if straight-line code shows it
        (worked out on the first question: most scopes are never asked)."""
        if self._reaching is None:
            self._reaching = {}
            _Reaching(self._reaching).block(self.body, {})
        return self._reaching.get(id(name))

    @classmethod
    def of(
        cls, owner: ast.AST, parent: Scope | None, sanitizers: frozenset[str] = frozenset()
    ) -> Scope:
        scope = cls(parent=parent, sanitizers=sanitizers)
        if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = owner.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            every += [a for a in (args.vararg, args.kwarg) if a is not None]
            scope.parameters = frozenset(a.arg for a in every)
            body: list[ast.AST] = (
                [owner.body] if isinstance(owner, ast.Lambda) else list(owner.body)
            )
        elif isinstance(owner, ast.Module):
            body = list(owner.body)
        else:
            body = []
        for statement in body:
            scope._collect(statement)
        scope.body = [b for b in body if isinstance(b, ast.stmt)]  # none for a lambda
        return scope

    def _collect(self, root: ast.AST) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
                if node.value is not None:
                    self._bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                # s += x: s is then built from its old value and x
                combined = ast.BinOp(left=node.target, op=node.op, right=node.value)
                self.assignments.setdefault(node.target.id, []).append(combined)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                if (
                    isinstance(node.target, ast.Name)
                    and isinstance(node.iter, (ast.Tuple, ast.List, ast.Set))
                    and node.iter.elts
                ):
                    # `for cmd in ("ver", "cmd /c ver")`: the name holds each element in turn
                    for element in node.iter.elts:
                        value = element.value if isinstance(element, ast.Starred) else element
                        self.assignments.setdefault(node.target.id, []).append(value)
                elif isinstance(node.iter, (ast.Name, ast.Tuple, ast.List, ast.Set)) and (
                    paths := _unpacked(node.target, ())
                ):
                    for name, path in paths:
                        self.loops.setdefault(name, []).append((path, node.iter))
                elif (counter := _counter(node)) is not None:
                    self.counters.add(counter.id)
                    self.unknown.add(counter.id)
                    if isinstance(node.target, ast.Tuple):
                        self._unknown(node.target.elts[1])  # what enumerate() counts
                else:
                    self._unknown(node.target)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._unknown(node.optional_vars)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.unknown.add(node.name)
                self.opaque.add(node.name)
                continue  # a nested scope binds its own names
            if isinstance(node, ast.Lambda):
                continue
            stack.extend(ast.iter_child_nodes(node))

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.assignments.setdefault(target.id, []).append(value)
        else:
            self._unknown(target)

    def _unknown(self, target: ast.AST) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self.unknown.add(node.id)
                self.opaque.add(node.id)

    def number(self, name: str) -> bool:
        """Bound only as a loop counter: always an int."""
        return (
            name in self.counters
            and name not in self.opaque
            and name not in self.assignments
            and name not in self.loops
        )


def _counter(loop: ast.For | ast.AsyncFor | ast.comprehension) -> ast.Name | None:
    """The counter a loop binds: `i` in `for i in range(n)` or `for i, item in enumerate(xs)`."""
    call = loop.iter
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None
    target = loop.target
    if call.func.id == "range" and isinstance(target, ast.Name):
        return target
    if (
        call.func.id == "enumerate"
        and isinstance(target, ast.Tuple)
        and len(target.elts) == 2
        and isinstance(target.elts[0], ast.Name)
    ):
        return target.elts[0]
    return None


def _unpacked(target: ast.AST, path: tuple[int, ...]) -> list[tuple[str, tuple[int, ...]]]:
    """The names a loop target binds with their position in each item (`a, (b, c)` -> a: (0,),
    b: (1, 0), c: (1, 1)); empty when a starred or non-name target makes positions unknown."""
    if isinstance(target, ast.Name):
        return [(target.id, path)]
    if not isinstance(target, (ast.Tuple, ast.List)) or not target.elts:
        return []
    found: list[tuple[str, tuple[int, ...]]] = []
    for index, element in enumerate(target.elts):
        inner = _unpacked(element, (*path, index))
        if not inner:
            return []
        found += inner
    return found


_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _binds(node: ast.AST) -> tuple[str, ...]:
    """The names one node binds by itself (not counting its children)."""
    if isinstance(node, ast.Name):
        return () if isinstance(node.ctx, ast.Load) else (node.id,)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return tuple((a.asname or a.name).split(".")[0] for a in node.names)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return tuple(node.names)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return (node.name,) if node.name else ()
    if isinstance(node, ast.MatchMapping):
        return (node.rest,) if node.rest else ()
    return ()


_BLOCK_NODES = (ast.stmt, ast.ExceptHandler, ast.match_case)


class _Reaching:
    """Straight-line reaching definitions: which single `name = value` decides a name load.

    Walks each block in order, keeping the last plain assignment of each name. A statement that
    may rebind a name in any other way (a branch, a loop, augmented assignment, with-as, an
    import, a handler) forgets it, and a loop or handler body starts without the names it binds
    (its next iteration, or the failing point, may come after them).
    """

    def __init__(self, found: dict[int, ast.expr]) -> None:
        self.found = found
        self._bound: dict[int, frozenset[str]] = {}

    def bound(self, node: ast.AST) -> frozenset[str]:
        """Every name `node` may bind anywhere inside it (memoized per statement, so each node
        is walked once however deeply blocks nest)."""
        known = self._bound.get(id(node))
        if known is not None:
            return known
        names: set[str] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if current is not node and isinstance(current, _BLOCK_NODES):
                names |= self.bound(current)
                continue
            names.update(_binds(current))
            if not isinstance(current, _NESTED_SCOPES):
                stack.extend(ast.iter_child_nodes(current))
        result = frozenset(names)
        if isinstance(node, _BLOCK_NODES):
            self._bound[id(node)] = result
        return result

    def block(self, body: list[ast.stmt], last: dict[str, ast.expr]) -> None:
        for statement in body:
            self.statement(statement, last)

    def statement(self, st: ast.stmt, last: dict[str, ast.expr]) -> None:
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and st.value is not None:
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            self.loads(st.value, last)
            self.forget(self.bound(st), last)
            if all(isinstance(t, ast.Name) for t in targets) and not self.bound(st.value):
                for target in targets:
                    if isinstance(target, ast.Name):
                        last[target.id] = st.value
            return
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            last.pop(st.name, None)
            return
        if isinstance(st, (ast.For, ast.AsyncFor)):
            self.loads(st.iter, last)
            inner = self.without(self.bound(st), last)
            self.block(st.body, dict(inner))
            self.block(st.orelse, dict(inner))
        elif isinstance(st, ast.While):
            inner = self.without(self.bound(st), last)
            self.loads(st.test, inner)
            self.block(st.body, dict(inner))
            self.block(st.orelse, dict(inner))
        elif isinstance(st, ast.If):
            self.loads(st.test, last)
            self.block(st.body, dict(last))
            self.block(st.orelse, dict(last))
        elif isinstance(st, (ast.With, ast.AsyncWith)):
            inner = dict(last)
            for item in st.items:
                self.loads(item.context_expr, inner)
                if item.optional_vars is not None:
                    self.forget(self.bound(item.optional_vars), inner)
            self.block(st.body, inner)
        elif isinstance(st, (ast.Try, ast.TryStar)):
            body = dict(last)
            self.block(st.body, body)
            self.block(st.orelse, body)
            in_body: set[str] = set()
            for statement in st.body:
                in_body |= self.bound(statement)
            raised = self.without(in_body, last)
            for handler in st.handlers:
                self.block(handler.body, self.without(self.bound(handler), raised))
            self.block(st.finalbody, self.without(self.bound(st), last))
        elif isinstance(st, ast.Match):
            self.loads(st.subject, last)
            for case in st.cases:
                self.block(case.body, self.without(self.bound(case), last))
        else:
            self.loads(st, last)
        self.forget(self.bound(st), last)

    def loads(self, root: ast.AST, last: dict[str, ast.expr]) -> None:
        """Record the loads in `root` that `last` decides; then forget what `root` binds
        (`if (q := x):`)."""
        if not last:
            return
        bound = self.bound(root)
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                value = last.get(node.id)
                if value is not None and node.id not in bound:
                    self.found[id(node)] = value
            if not isinstance(node, _NESTED_SCOPES):
                stack.extend(ast.iter_child_nodes(node))
        self.forget(bound, last)

    @staticmethod
    def forget(names: frozenset[str] | set[str], last: dict[str, ast.expr]) -> None:
        if last:
            for name in names:
                last.pop(name, None)

    @staticmethod
    def without(names: frozenset[str] | set[str], last: dict[str, ast.expr]) -> dict[str, ast.expr]:
        return {k: v for k, v in last.items() if k not in names}


def origin(
    expr: ast.AST, scope: Scope, depth: int = 0, seen: frozenset[str] = frozenset()
) -> Origin:
    """Classify `expr` in `scope`. Cycles and deep chains end as UNKNOWN."""
    if depth > _MAX_DEPTH:
        return Origin.UNKNOWN
    nxt = depth + 1
    if isinstance(expr, ast.Constant):
        return Origin.CONSTANT
    if isinstance(expr, ast.Name):
        reaching = scope.reaching(expr)
        if reaching is not None:
            return origin(reaching, scope, nxt, seen)
        return _name_origin(expr.id, scope, nxt, seen)
    if isinstance(expr, ast.JoinedStr):
        parts = [origin(v, scope, nxt, seen) for v in expr.values]
        return _built(parts)
    if isinstance(expr, ast.FormattedValue):
        return origin(expr.value, scope, nxt, seen)
    if isinstance(expr, ast.BinOp):
        return _binop_origin(expr, scope, nxt, seen)
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return max((origin(e, scope, nxt, seen) for e in expr.elts), default=Origin.CONSTANT)
    if isinstance(expr, ast.IfExp):
        return max(origin(expr.body, scope, nxt, seen), origin(expr.orelse, scope, nxt, seen))
    if isinstance(expr, ast.Call):
        return _call_origin(expr, scope, nxt, seen)
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        root = _root_name(expr)
        if root in REQUEST_NAMES:
            return Origin.REQUEST
        if isinstance(expr, ast.Subscript):
            return max(origin(expr.value, scope, nxt, seen), Origin.UNKNOWN)
        if scope.sanitizers and _safe_attribute(expr, scope.sanitizers):
            return Origin.CONSTANT
        return Origin.UNKNOWN
    return Origin.UNKNOWN


def _name_origin(name: str, scope: Scope, depth: int, seen: frozenset[str]) -> Origin:
    if name in seen:
        return Origin.CONSTANT  # a cycle (s += x) adds nothing; the other assignments decide
    if name in REQUEST_NAMES and name not in scope.assignments:
        return Origin.REQUEST
    if name in scope.parameters:
        return Origin.PARAMETER
    if NUMBERS_SAFE in scope.sanitizers and scope.number(name):
        return Origin.CONSTANT
    values = scope.assignments.get(name)
    loops = scope.loops.get(name)
    if values is None and loops is None:
        if name in scope.unknown:
            return Origin.UNKNOWN
        if scope.parent is not None:
            return _name_origin(name, scope.parent, depth, seen)
        return Origin.UNKNOWN
    inner = seen | {name}
    parts = [origin(v, scope, depth, inner) for v in values or ()]
    parts += [_item_origin(it, path, scope, depth, inner) for path, it in loops or ()]
    result = max(parts)
    if name in scope.unknown:
        result = max(result, Origin.UNKNOWN)
    return result


def _item_origin(
    iterable: ast.expr, path: tuple[int, ...], scope: Scope, depth: int, seen: frozenset[str]
) -> Origin:
    """What a loop target at `path` holds while iterating `iterable`: the worst of those parts
    of its items, when the items are written out (here, or in the one literal a name holds)."""
    if depth > _MAX_DEPTH:
        return Origin.UNKNOWN
    if isinstance(iterable, ast.Name):
        collections = _literal_collections(iterable.id, scope, seen)
        if not collections:
            return Origin.UNKNOWN
        inner = seen | {iterable.id}
        return max(_item_origin(c, path, scope, depth + 1, inner) for c in collections)
    if not isinstance(iterable, (ast.Tuple, ast.List, ast.Set)) or not iterable.elts:
        return Origin.UNKNOWN
    worst = Origin.CONSTANT
    for element in iterable.elts:
        part: ast.expr = element
        for index in path:
            if not isinstance(part, (ast.Tuple, ast.List)) or index >= len(part.elts):
                return Origin.UNKNOWN
            part = part.elts[index]
        if isinstance(part, ast.Starred):
            return Origin.UNKNOWN
        worst = max(worst, origin(part, scope, depth + 1, seen))
    return worst


def _literal_collections(name: str, scope: Scope, seen: frozenset[str]) -> list[ast.expr]:
    """The values of a name bound only to literal tuples, lists or sets (`TEXT_COLUMNS = [...]`
    at module level); empty if it is bound any other way or cannot be seen."""
    current: Scope | None = scope
    while current is not None and name not in seen:
        if name in current.parameters or name in current.unknown or name in current.loops:
            return []
        values = current.assignments.get(name)
        if values is not None:
            literal = all(isinstance(v, (ast.Tuple, ast.List, ast.Set)) for v in values)
            return values if literal else []
        current = current.parent
    return []


def _built(parts: list[Origin]) -> Origin:
    """A string made of parts: constant if all are; request data if any is; else built."""
    worst = max(parts, default=Origin.CONSTANT)
    if worst == Origin.CONSTANT:
        return Origin.CONSTANT
    return Origin.REQUEST if worst == Origin.REQUEST else Origin.BUILT


def _binop_origin(expr: ast.BinOp, scope: Scope, depth: int, seen: frozenset[str]) -> Origin:
    left = origin(expr.left, scope, depth, seen)
    if isinstance(expr.op, ast.Mult):
        # "?, " * n or ["%s"] * len(ids): repeating a string or list keeps its origin
        for side in (expr.left, expr.right):
            if isinstance(side, (ast.List, ast.Tuple)) or (
                isinstance(side, ast.Constant) and isinstance(side.value, str)
            ):
                return origin(side, scope, depth, seen)
    if (
        isinstance(expr.op, ast.Mod)
        and NUMBERS_SAFE in scope.sanitizers
        and isinstance(expr.left, ast.Constant)
        and isinstance(expr.left.value, str)
        and _numeric_template(expr.left.value)
    ):
        return Origin.CONSTANT  # `"LIMIT %d" % n` formats numbers or raises TypeError
    right = origin(expr.right, scope, depth, seen)
    if isinstance(expr.op, (ast.Add, ast.Mod)):
        return _built([left, right])
    return max(left, right)


# %-conversions: those that only ever print a number (not %c, which prints any character)
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(.)")
_NUMERIC_CONVERSIONS = frozenset("diouxXeEfFgG")


def _numeric_template(template: str) -> bool:
    conversions = [c for c in _CONVERSION.findall(template) if c != "%"]
    return bool(conversions) and all(c in _NUMERIC_CONVERSIONS for c in conversions)


def _safe_attribute(expr: ast.Attribute, sanitizers: frozenset[str]) -> bool:
    """`Voucher._meta.db_table`, `Order.__tablename__`: names the ORM made, not data."""
    attributes = frozenset(s for s in sanitizers if "." in s or s.startswith("__"))
    return bool(attributes) and _sanitizer(expr, attributes)


def sanitized_origin(
    expr: ast.AST, function: ast.AST | None, module: ast.Module, sanitizers: frozenset[str]
) -> Origin:
    """The origin of `expr` when the `sanitizers` make a value safe for one kind of sink
    (`connection.ops.quote_name(table)` in SQL, `shlex.quote(path)` in a shell command).

    Builds its scopes afresh: ask only after the plain origin said the value is dynamic."""
    module_scope = Scope.of(module, None, sanitizers)
    scope = module_scope if function is None else Scope.of(function, module_scope, sanitizers)
    return origin(expr, scope)


def _sanitizer(func: ast.expr, sanitizers: frozenset[str]) -> bool:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    dotted = ".".join(reversed(parts))
    return any(dotted == name or dotted.endswith("." + name) for name in sanitizers)


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _sql_composition(
    expr: ast.AST, scope: Scope, depth: int, seen: frozenset[str]
) -> Origin | None:
    """psycopg's `sql.SQL(template)`, whose `.format()`/`.join()` fill in `sql.Identifier` and
    `sql.Literal` objects the driver quotes: as safe as its template. None if `expr` is not one."""
    if isinstance(expr, ast.Call) and _callee(expr) == "SQL":
        return origin(expr.args[0], scope, depth, seen) if expr.args else Origin.CONSTANT
    if isinstance(expr, ast.Name) and expr.id not in seen and expr.id not in scope.parameters:
        values = scope.assignments.get(expr.id)
        if values and expr.id not in scope.unknown:
            found = [_sql_composition(v, scope, depth, seen | {expr.id}) for v in values]
            if all(f is not None for f in found):
                return max(f for f in found if f is not None)
    return None


def _composable_origin(arg: ast.AST, scope: Scope, depth: int, seen: frozenset[str]) -> Origin:
    """An argument of `sql.SQL(...).format()`: quoted objects are safe, nested SQL is its
    template, anything else counts as itself."""
    if isinstance(arg, ast.Call) and _callee(arg) in {"Identifier", "Literal", "Placeholder"}:
        return Origin.CONSTANT
    nested = _sql_composition(arg, scope, depth, seen)
    return nested if nested is not None else origin(arg, scope, depth, seen)


def _call_origin(call: ast.Call, scope: Scope, depth: int, seen: frozenset[str]) -> Origin:
    func = call.func
    if scope.sanitizers and _sanitizer(func, scope.sanitizers):
        return Origin.CONSTANT
    if isinstance(func, ast.Attribute) and func.attr in {"format", "join"}:
        template = _sql_composition(func.value, scope, depth, seen)
        if template is not None:
            parts = [*call.args, *(k.value for k in call.keywords)]
            if (
                func.attr == "join"
                and call.args
                and isinstance(call.args[0], (ast.List, ast.Tuple))
            ):
                parts = list(call.args[0].elts)
            return max([template, *(_composable_origin(a, scope, depth, seen) for a in parts)])
    if isinstance(func, ast.Attribute):
        receiver = origin(func.value, scope, depth, seen)
        if func.attr == "format":
            args = [origin(a, scope, depth, seen) for a in call.args]
            args += [origin(k.value, scope, depth, seen) for k in call.keywords]
            return _built([receiver, *args])
        if func.attr == "join" and _string_join(call):
            return _built([receiver, origin(call.args[0], scope, depth, seen)])
        if func.attr in SAME_VALUE_METHODS:
            return receiver
        if _root_name(func) in REQUEST_NAMES:
            return Origin.REQUEST  # request.args.get("q"), request.get_json()
        return Origin.UNKNOWN
    if isinstance(func, ast.Name) and func.id in {"str", "bytes"} and len(call.args) == 1:
        return origin(call.args[0], scope, depth, seen)
    return Origin.UNKNOWN


def _string_join(call: ast.Call) -> bool:
    """`sep.join(items)`, not a query builder's join: str.join takes one iterable, and its
    separator is a string, not what a builder call returns (`select(A).join(B, on)`,
    `session.query(A).join(B)`)."""
    func = call.func
    if len(call.args) != 1 or call.keywords or not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if not isinstance(receiver, ast.Call):
        return True
    callee = receiver.func
    if isinstance(callee, ast.Name):
        return callee.id in {"str", "bytes"}
    return isinstance(callee, ast.Attribute) and callee.attr in SAME_VALUE_METHODS


def _root_name(expr: ast.AST) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None
