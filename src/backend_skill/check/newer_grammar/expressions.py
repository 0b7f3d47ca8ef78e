"""Expressions: names, operators, calls, subscripts, displays, comprehensions, lambdas."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, cast

from backend_skill.check.newer_grammar.base import LOAD, Base, ident

if TYPE_CHECKING:
    import libcst as cst

_BINARY = {
    "Add": ast.Add,
    "Subtract": ast.Sub,
    "Multiply": ast.Mult,
    "Divide": ast.Div,
    "FloorDivide": ast.FloorDiv,
    "Modulo": ast.Mod,
    "Power": ast.Pow,
    "LeftShift": ast.LShift,
    "RightShift": ast.RShift,
    "BitOr": ast.BitOr,
    "BitAnd": ast.BitAnd,
    "BitXor": ast.BitXor,
    "MatrixMultiply": ast.MatMult,
}
_COMPARE = {
    "Equal": ast.Eq,
    "NotEqual": ast.NotEq,
    "LessThan": ast.Lt,
    "LessThanEqual": ast.LtE,
    "GreaterThan": ast.Gt,
    "GreaterThanEqual": ast.GtE,
    "Is": ast.Is,
    "IsNot": ast.IsNot,
    "In": ast.In,
    "NotIn": ast.NotIn,
}
_UNARY = {"Not": ast.Not, "Minus": ast.USub, "Plus": ast.UAdd, "BitInvert": ast.Invert}
_CONSTANT_NAMES: dict[str, Any] = {"True": True, "False": False, "None": None}


def binary_operator(node: cst.CSTNode) -> ast.operator:
    """`+` or `+=` (libcst's Add / AddAssign) as ast's operator."""
    name = type(node).__name__.removesuffix("Assign")
    return _BINARY[name]()


class Expressions(Base):
    """Translates libcst expressions; `ctx` is Store or Del for assignment and del targets."""

    def expr(self, node: cst.BaseExpression, ctx: ast.expr_context | None = None) -> ast.expr:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise NotImplementedError(f"no translation for {type(node).__name__}")
        result: ast.expr = method(node, ctx or LOAD)
        return result

    # -- atoms --------------------------------------------------------------------------------

    def _Name(self, node: cst.Name, ctx: ast.expr_context) -> ast.expr:
        if node.value in _CONSTANT_NAMES and isinstance(ctx, ast.Load):
            return self.at(ast.Constant(value=_CONSTANT_NAMES[node.value]), node)
        return self.at(ast.Name(id=ident(node), ctx=ctx), node)

    def _Integer(self, node: cst.Integer, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=int(node.value, 0)), node)

    def _Float(self, node: cst.Float, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=float(node.value)), node)

    def _Imaginary(self, node: cst.Imaginary, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=complex(0, float(node.value[:-1]))), node)

    def _Ellipsis(self, node: cst.Ellipsis, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Constant(value=...), node)

    def _SimpleString(self, node: cst.SimpleString, ctx: ast.expr_context) -> ast.expr:
        return self.string(node)

    _ConcatenatedString = _SimpleString
    _FormattedString = _SimpleString
    _TemplatedString = _SimpleString

    # -- operators ----------------------------------------------------------------------------

    def _BinaryOperation(self, node: cst.BinaryOperation, ctx: ast.expr_context) -> ast.expr:
        new = ast.BinOp(
            left=self.expr(node.left),
            op=binary_operator(node.operator),
            right=self.expr(node.right),
        )
        return self.at(new, node)

    def _BooleanOperation(self, node: cst.BooleanOperation, ctx: ast.expr_context) -> ast.expr:
        import libcst as cst

        op: type[ast.boolop] = ast.And if isinstance(node.operator, cst.And) else ast.Or
        # `a and b and c` is one BoolOp; libcst nests it (unless the inner one is parenthesized)
        operands: list[cst.BaseExpression] = [node.right]
        left = node.left
        while (
            isinstance(left, cst.BooleanOperation)
            and type(left.operator) is type(node.operator)
            and not left.lpar
        ):
            operands.append(left.right)
            left = left.left
        operands.append(left)
        values = [self.expr(operand) for operand in reversed(operands)]
        return self.at(ast.BoolOp(op=op(), values=values), node)

    def _UnaryOperation(self, node: cst.UnaryOperation, ctx: ast.expr_context) -> ast.expr:
        op = _UNARY[type(node.operator).__name__]()
        return self.at(ast.UnaryOp(op=op, operand=self.expr(node.expression)), node)

    def _Comparison(self, node: cst.Comparison, ctx: ast.expr_context) -> ast.expr:
        new = ast.Compare(
            left=self.expr(node.left),
            ops=[_COMPARE[type(c.operator).__name__]() for c in node.comparisons],
            comparators=[self.expr(c.comparator) for c in node.comparisons],
        )
        return self.at(new, node)

    def _IfExp(self, node: cst.IfExp, ctx: ast.expr_context) -> ast.expr:
        new = ast.IfExp(
            test=self.expr(node.test), body=self.expr(node.body), orelse=self.expr(node.orelse)
        )
        return self.at(new, node)

    def _NamedExpr(self, node: cst.NamedExpr, ctx: ast.expr_context) -> ast.expr:
        target = cast(ast.Name, self.expr(node.target, ast.Store()))
        return self.at(ast.NamedExpr(target=target, value=self.expr(node.value)), node)

    def _Await(self, node: cst.Await, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Await(value=self.expr(node.expression)), node)

    def _Yield(self, node: cst.Yield, ctx: ast.expr_context) -> ast.expr:
        import libcst as cst

        if isinstance(node.value, cst.From):
            return self.at(ast.YieldFrom(value=self.expr(node.value.item)), node)
        value = self.expr(node.value) if node.value is not None else None
        return self.at(ast.Yield(value=value), node)

    def _Lambda(self, node: cst.Lambda, ctx: ast.expr_context) -> ast.expr:
        new = ast.Lambda(args=self.arguments(node.params), body=self.expr(node.body))
        return self.at(new, node)

    # -- attribute, subscript, call -----------------------------------------------------------

    def _Attribute(self, node: cst.Attribute, ctx: ast.expr_context) -> ast.expr:
        new = ast.Attribute(value=self.expr(node.value), attr=ident(node.attr), ctx=ctx)
        return self.at(new, node)

    def _Subscript(self, node: cst.Subscript, ctx: ast.expr_context) -> ast.expr:
        import libcst as cst

        elements = node.slice
        index: ast.expr
        only = elements[0].slice if len(elements) == 1 else None
        if (
            only is not None
            and not isinstance(elements[0].comma, cst.Comma)
            and not (isinstance(only, cst.Index) and only.star is not None)
        ):
            index = self._slice(only)
        else:  # `x[a, b]`, `x[a,]` and `x[*ts]` index with a tuple spanning the elements
            tuple_ = ast.Tuple(elts=[self._slice(e.slice) for e in elements], ctx=LOAD)
            first = self._slice_bounds(elements[0].slice)[0]
            last = elements[-1]
            if isinstance(last.comma, cst.Comma):
                index = self.place(tuple_, self.outer_start(first), self.end(last.comma))
            else:
                index = self.between(tuple_, first, self._slice_bounds(last.slice)[1])
        return self.at(ast.Subscript(value=self.expr(node.value), slice=index, ctx=ctx), node)

    def _slice(self, node: cst.BaseSlice) -> ast.expr:
        import libcst as cst

        if isinstance(node, cst.Index):
            value = self.expr(node.value)
            if node.star is not None:  # `x[*ts]` (PEP 646)
                return self.place(
                    ast.Starred(value=value, ctx=LOAD), self.start(node), self.end(node)
                )
            return value
        if not isinstance(node, cst.Slice):
            raise NotImplementedError(f"no translation for {type(node).__name__}")
        new = ast.Slice(
            lower=self.expr(node.lower) if node.lower is not None else None,
            upper=self.expr(node.upper) if node.upper is not None else None,
            step=self.expr(node.step) if node.step is not None else None,
        )
        return self.between(new, *self._slice_bounds(node))

    def _slice_bounds(self, node: cst.BaseSlice) -> tuple[cst.CSTNode, cst.CSTNode]:
        """The first and last token of an index or slice: libcst's span of a slice takes in
        the blanks after its colon, ast's stops at the colon."""
        import libcst as cst

        if not isinstance(node, cst.Slice):
            return (node, node)
        last: cst.CSTNode = node.first_colon
        if node.step is not None:
            last = node.step
        elif isinstance(node.second_colon, cst.Colon):
            last = node.second_colon
        elif node.upper is not None:
            last = node.upper
        return (node.lower if node.lower is not None else node.first_colon, last)

    def _Call(self, node: cst.Call, ctx: ast.expr_context) -> ast.expr:
        import libcst as cst

        args: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for arg in node.args:
            value = arg.value
            if arg.keyword is not None:
                new_keyword = ast.keyword(arg=ident(arg.keyword), value=self.expr(value))
                keywords.append(self.between(new_keyword, arg.keyword, value))
            elif arg.star == "**":
                keywords.append(self.at(ast.keyword(arg=None, value=self.expr(value)), arg))
            elif arg.star == "*":
                args.append(self.at(ast.Starred(value=self.expr(value), ctx=LOAD), arg))
            elif isinstance(value, cst.GeneratorExp) and not value.lpar and len(node.args) == 1:
                # `f(x for x in y)`: the generator takes the call's parentheses as its own
                generator = self._comprehension_node(value)
                opening = self.find_after(self.end(node.func), "(")
                args.append(self.place(generator, opening, self.end(node)))
            else:
                args.append(self.expr(value))
        new = ast.Call(func=self.expr(node.func), args=args, keywords=keywords)
        return self.at(new, node)

    # -- displays -----------------------------------------------------------------------------

    def _elements(self, elements: Any, ctx: ast.expr_context) -> list[ast.expr]:
        import libcst as cst

        out: list[ast.expr] = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                starred = ast.Starred(value=self.expr(element.value, ctx), ctx=ctx)
                out.append(self.at(starred, element))
            else:
                out.append(self.expr(element.value, ctx))
        return out

    def _Tuple(self, node: cst.Tuple, ctx: ast.expr_context) -> ast.expr:
        new = ast.Tuple(elts=self._elements(node.elements, ctx), ctx=ctx)
        if node.lpar:
            return self.place(new, self.own_start(node), self.own_end(node))
        return self.at(new, node)

    def _List(self, node: cst.List, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.List(elts=self._elements(node.elements, ctx), ctx=ctx), node)

    def _Set(self, node: cst.Set, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Set(elts=self._elements(node.elements, LOAD)), node)

    def _Dict(self, node: cst.Dict, ctx: ast.expr_context) -> ast.expr:
        import libcst as cst

        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                keys.append(self.expr(element.key))
            else:  # `**other`
                keys.append(None)
            values.append(self.expr(element.value))
        return self.at(ast.Dict(keys=keys, values=values), node)

    def _StarredElement(self, node: cst.StarredElement, ctx: ast.expr_context) -> ast.expr:
        return self.at(ast.Starred(value=self.expr(node.value, ctx), ctx=ctx), node)

    # -- comprehensions -----------------------------------------------------------------------

    def _comprehension_node(self, node: Any) -> ast.expr:
        import libcst as cst

        generators = self._generators(node.for_in)
        if isinstance(node, cst.DictComp):
            return ast.DictComp(
                key=self.expr(node.key), value=self.expr(node.value), generators=generators
            )
        if isinstance(node, cst.StarredDictComp):  # `{**d for d in ds}` (PEP 798)
            self.newer_features.add("PEP 798 unpacking in comprehensions")
            # 3.15 puts the unpacked mapping in `key` and None in `value`
            key = self.expr(node.value)
            unpacked = ast.DictComp(key=key, value=key, generators=generators)
            setattr(unpacked, "value", None)  # noqa: B010  (typeshed does not know 3.15 yet)
            return unpacked
        if isinstance(node.elt, cst.StarredElement):  # `[*xs for xs in xss]` (PEP 798)
            self.newer_features.add("PEP 798 unpacking in comprehensions")
        elt = self.expr(node.elt)
        if isinstance(node, cst.ListComp):
            return ast.ListComp(elt=elt, generators=generators)
        if isinstance(node, cst.SetComp):
            return ast.SetComp(elt=elt, generators=generators)
        return ast.GeneratorExp(elt=elt, generators=generators)

    def _generators(self, node: cst.CompFor | None) -> list[ast.comprehension]:
        generators: list[ast.comprehension] = []
        while node is not None:
            generators.append(
                ast.comprehension(
                    target=self.expr(node.target, ast.Store()),
                    iter=self.expr(node.iter),
                    ifs=[self.expr(condition.test) for condition in node.ifs],
                    is_async=int(node.asynchronous is not None),
                )
            )
            node = node.inner_for_in
        return generators

    def _ListComp(self, node: cst.ListComp, ctx: ast.expr_context) -> ast.expr:
        return self.at(self._comprehension_node(node), node)

    _SetComp = _ListComp
    _DictComp = _ListComp
    _StarredDictComp = _ListComp

    def _GeneratorExp(self, node: cst.GeneratorExp, ctx: ast.expr_context) -> ast.expr:
        new = self._comprehension_node(node)  # owns its parentheses, like a tuple
        return self.place(new, self.own_start(node), self.own_end(node))
