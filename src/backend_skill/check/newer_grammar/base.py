"""What every part of the translation shares: positions, and the dispatch to the other parts.

ast positions are 1-based lines and 0-based columns counted in UTF-8 bytes; libcst's
PositionProvider counts columns in characters and, like ast, leaves a node's own parentheses out.
"""

from __future__ import annotations

import ast
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar, cast

from backend_skill.check.lines import split_lines

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange

Node = TypeVar("Node", bound=ast.AST)
Position = tuple[int, int]  # (line, column in characters)


class Base:
    """Positions and the shared state; the other parts add the translation of each node kind."""

    def __init__(self, source: str, module: cst.Module) -> None:
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        # `wrapper.resolve` would also walk the whole tree once for batchable providers, of
        # which there are none here: asking the provider directly takes 40% less time.
        positions = PositionProvider()._gen(wrapper)
        self.where = cast("Mapping[cst.CSTNode, CodeRange]", positions)
        self.module = module
        self.lines = split_lines(source)
        self.newer_features: set[str] = set()  # why ast refused the file, e.g. "PEP 701"

    # -- positions ---------------------------------------------------------------------------

    def start(self, node: cst.CSTNode) -> Position:
        where = self.where[node].start
        return (where.line, where.column)

    def end(self, node: cst.CSTNode) -> Position:
        where = self.where[node].end
        return (where.line, where.column)

    def own_start(self, node: cst.CSTNode) -> Position:
        """Where a tuple, generator or sequence pattern starts: inside any extra parentheses,
        but counting the innermost pair, which is its own."""
        lpar = getattr(node, "lpar", None)
        return self.start(lpar[-1]) if lpar else self.start(node)

    def own_end(self, node: cst.CSTNode) -> Position:
        rpar = getattr(node, "rpar", None)
        return self.end(rpar[0]) if rpar else self.end(node)

    def outer_start(self, node: cst.CSTNode) -> Position:
        """Where a node starts with all its parentheses: a parent's span covers them."""
        lpar = getattr(node, "lpar", None)
        return self.start(lpar[0]) if lpar else self.start(node)

    def outer_end(self, node: cst.CSTNode) -> Position:
        rpar = getattr(node, "rpar", None)
        return self.end(rpar[-1]) if rpar else self.end(node)

    def place(self, new: Node, start: Position, end: Position) -> Node:
        setattr(new, "lineno", start[0])  # noqa: B010  (ast.AST declares no positions)
        setattr(new, "col_offset", self._bytes(*start))  # noqa: B010
        setattr(new, "end_lineno", end[0])  # noqa: B010
        setattr(new, "end_col_offset", self._bytes(*end))  # noqa: B010
        return new

    def at(self, new: Node, node: cst.CSTNode) -> Node:
        """Give `new` the span of `node`."""
        return self.place(new, self.start(node), self.end(node))

    def between(self, new: Node, first: cst.CSTNode, last: cst.CSTNode) -> Node:
        """Give `new` the span from `first` to `last`, parentheses around them included."""
        return self.place(new, self.outer_start(first), self.outer_end(last))

    def _bytes(self, line: int, column: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text[:column].encode("utf-8"))
        return column

    def find_after(self, position: Position, char: str) -> Position:
        """The position of the first `char` at or after `position`, skipping blanks, line
        continuations and comments (e.g. the `(` of a call after its function)."""
        line, column = position
        while line <= len(self.lines):
            text = self.lines[line - 1]
            while column < len(text):
                found = text[column]
                if found == char:
                    return (line, column)
                if found == "#":
                    break
                column += 1
            line, column = line + 1, 0
        raise ValueError(f"no {char!r} after line {position[0]}")

    def next_token(self, position: Position) -> Position:
        """The position of the first character at or after `position` that is not a blank."""
        line, column = position
        while line <= len(self.lines):
            text = self.lines[line - 1]
            while column < len(text) and text[column] in " \t\f\\":
                column += 1
            if column < len(text):
                return (line, column)
            line, column = line + 1, 0
        return position

    def with_semicolon(self, end: Position) -> Position:
        """A block's span takes in the `;` that ends its last line (`if a: b;`)."""
        line, column = self.next_token(end)
        if line == end[0] and self.lines[line - 1][column : column + 1] == ";":
            return (line, column + 1)
        return end

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- dispatch (each implemented by the part that owns the node kind) -----------------------

    def expr(self, node: cst.BaseExpression, ctx: ast.expr_context | None = None) -> ast.expr:
        raise NotImplementedError

    def statements(self, node: cst.CSTNode) -> list[ast.stmt]:
        raise NotImplementedError

    def pattern(self, node: cst.MatchPattern) -> ast.pattern:
        raise NotImplementedError

    def string(self, node: cst.BaseString) -> ast.expr:
        raise NotImplementedError

    def arguments(self, node: cst.Parameters) -> ast.arguments:
        raise NotImplementedError

    def type_params(self, node: cst.TypeParameters | None) -> list[ast.AST]:
        raise NotImplementedError


def ident(node: cst.Name) -> str:
    """An identifier as ast stores it: NFKC-normalized (`ｗｉｄｔｈ` is `width`)."""
    name = node.value
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


LOAD = ast.Load()
STORE = ast.Store()
DEL = ast.Del()
