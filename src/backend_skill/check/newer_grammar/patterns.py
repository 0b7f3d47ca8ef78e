"""`match` statement patterns."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from backend_skill.check.newer_grammar.base import Base, ident

if TYPE_CHECKING:
    import libcst as cst

_SINGLETONS: dict[str, Any] = {"True": True, "False": False, "None": None}


class Patterns(Base):
    def pattern(self, node: cst.MatchPattern) -> ast.pattern:
        import libcst as cst

        new: ast.pattern
        if isinstance(node, cst.MatchSingleton):
            new = ast.MatchSingleton(value=_SINGLETONS[node.value.value])
        elif isinstance(node, cst.MatchValue):  # `(1)` matches at the 1, as in ast
            return self.at(ast.MatchValue(value=self.expr(node.value)), node.value)
        elif isinstance(node, cst.MatchSequence):  # MatchList and MatchTuple
            new = ast.MatchSequence(patterns=[self._element(e) for e in node.patterns])
            if node.lpar:  # `case (a, b):` spans its parentheses, like a tuple
                return self.place(new, self.own_start(node), self.own_end(node))
        elif isinstance(node, cst.MatchMapping):
            new = ast.MatchMapping(
                keys=[self.expr(e.key) for e in node.elements],
                patterns=[self.pattern(e.pattern) for e in node.elements],
                rest=ident(node.rest) if node.rest is not None else None,
            )
        elif isinstance(node, cst.MatchClass):
            new = ast.MatchClass(
                cls=self.expr(node.cls),
                patterns=[self.pattern(e.value) for e in node.patterns],
                kwd_attrs=[ident(k.key) for k in node.kwds],
                kwd_patterns=[self.pattern(k.pattern) for k in node.kwds],
            )
        elif isinstance(node, cst.MatchAs):
            new = ast.MatchAs(
                pattern=self.pattern(node.pattern) if node.pattern is not None else None,
                name=ident(node.name) if node.name is not None else None,
            )
        elif isinstance(node, cst.MatchOr):
            new = ast.MatchOr(patterns=[self.pattern(e.pattern) for e in node.patterns])
        else:
            raise NotImplementedError(f"no translation for {type(node).__name__}")
        return self.at(new, node)

    def _element(self, node: cst.MatchSequenceElement | cst.MatchStar) -> ast.pattern:
        import libcst as cst

        if isinstance(node, cst.MatchStar):
            # libcst's span of `*rest` runs on over the comma after it; ast's stops at the name
            if node.name is not None:
                star = ast.MatchStar(name=ident(node.name))
                return self.place(star, self.start(node), self.end(node.name))
            wildcard = self.find_after(self.start(node), "_")
            end = (wildcard[0], wildcard[1] + 1)
            return self.place(ast.MatchStar(name=None), self.start(node), end)
        return self.pattern(node.value)
