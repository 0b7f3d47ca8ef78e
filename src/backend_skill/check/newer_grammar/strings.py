"""String literals, f-strings (PEP 701's included) and t-strings, as `ast` shapes them.

Positions follow what `ast` gives on 3.11 for the same literal: the parts of an f-string (its
Constants, FormattedValues and format specs) carry the span of the whole literal, while the
expressions inside carry their own. A file then reads the same whichever grammar parsed it.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from backend_skill.check.newer_grammar.base import Base, Position
from backend_skill.check.newer_grammar.nodes import Interpolation, TemplateStr

if TYPE_CHECKING:
    import libcst as cst

Span = tuple[Position, Position]
_PREFIX = re.compile(r"^[A-Za-z]*")
# Inside an f-string's literal text `{{` and `}}` stand for one brace; `\N{...}` is an escape.
_BRACES = re.compile(r"\\N\{[^{}]*\}|\{\{|\}\}")


def _prefix(token: str) -> str:
    match = _PREFIX.match(token)
    return match.group(0).lower() if match else ""


def literal_value(token: str) -> Any:
    """The value of one plain (not f/t) string literal token."""
    return ast.literal_eval(token)


def _decode_text(text: str, prefix: str, quote: str) -> str:
    """The value of an f/t-string's literal part, from its source text."""
    raw = "r" in prefix
    pieces: list[str] = []
    last = 0
    for match in _BRACES.finditer(text):
        token = match.group(0)
        if token.startswith("\\N") and raw:
            continue  # in a raw string \N{...} is plain text; its braces were never doubled
        pieces.append(_decode_plain(text[last : match.start()], raw, quote))
        pieces.append(token[0] if token in ("{{", "}}") else _decode_plain(token, raw, quote))
        last = match.end()
    pieces.append(_decode_plain(text[last:], raw, quote))
    return "".join(pieces)


def _decode_plain(text: str, raw: bool, quote: str) -> str:
    if raw or "\\" not in text:
        return text
    try:
        value = ast.literal_eval(quote + text + quote)
    except (SyntaxError, ValueError):  # a lone trailing backslash before `{` (3.11 allowed it)
        return text
    return str(value)


def _spec_depth(contents: Any) -> int:
    """How deep replacement fields nest inside format specs (3.11 allows one level)."""
    import libcst as cst

    depth = 0
    for content in contents:
        if isinstance(content, cst.FormattedStringExpression) and content.format_spec:
            depth = max(depth, 1 + _spec_depth(content.format_spec))
    return depth


class Strings(Base):
    """Translates libcst's string nodes."""

    def string(self, node: cst.BaseString) -> ast.expr:
        import libcst as cst

        parts = self._parts(node)
        whole = (self.start(node), self.end(node))
        if any(isinstance(p, cst.TemplatedString) for p in parts):
            self.newer_features.add("PEP 750 t-strings")
            return self._template(parts, whole)
        if any(isinstance(p, cst.FormattedString) for p in parts):
            return self._joined(parts, whole)
        values = [literal_value(p.value) for p in parts if isinstance(p, cst.SimpleString)]
        if len({type(v) for v in values}) > 1:
            raise SyntaxError("cannot mix bytes and nonbytes literals")
        first = parts[0]
        kind = "u" if isinstance(first, cst.SimpleString) and "u" in _prefix(first.value) else None
        joined: Any = b"".join(values) if isinstance(values[0], bytes) else "".join(values)
        return self.place(ast.Constant(value=joined, kind=kind), *whole)

    def _parts(self, node: cst.BaseString) -> list[cst.BaseString]:
        import libcst as cst

        if isinstance(node, cst.ConcatenatedString):
            return [*self._parts(node.left), *self._parts(node.right)]
        return [node]

    # -- f-strings -----------------------------------------------------------------------------

    def _joined(self, parts: list[cst.BaseString], whole: Span) -> ast.expr:
        import libcst as cst

        values: list[ast.expr] = []
        for part in parts:
            if isinstance(part, cst.SimpleString):
                self._append_text(values, str(literal_value(part.value)), whole)
            elif isinstance(part, cst.FormattedString):
                self._pep701(part)
                self._contents(part, part.parts, values, whole, template=False)
            else:
                raise SyntaxError("cannot mix t-string literals with string or bytes literals")
        return self.place(ast.JoinedStr(values=values), *whole)

    def _template(self, parts: list[cst.BaseString], whole: Span) -> ast.expr:
        import libcst as cst

        values: list[ast.expr] = []
        for part in parts:
            if not isinstance(part, cst.TemplatedString):
                raise SyntaxError("cannot mix t-string literals with string or bytes literals")
            self._contents(part, part.parts, values, whole, template=True)
        template: ast.expr = TemplateStr(values=values)
        return self.place(template, *whole)

    def _contents(
        self,
        token: Any,
        contents: Any,
        values: list[ast.expr],
        whole: Span,
        *,
        template: bool,
        in_spec: bool = False,
    ) -> None:
        """Append the Constants and replacement fields of one f/t-string `token` (or of a
        format spec inside it) to `values`.

        As 3.11's ast does: fields and text span the whole (perhaps implicitly concatenated)
        literal, except a format spec and the text that closes it, which span their own token.
        """
        import libcst as cst

        prefix = _prefix(token.start)
        quote = token.start[len(prefix) :]
        own = (self.start(token), self.end(token))
        for content in contents:
            if isinstance(content, (cst.FormattedStringText, cst.TemplatedStringText)):
                self._append_text(values, _decode_text(content.value, prefix, quote), whole)
                continue
            if content.equal is not None:
                self._append_text(values, self._debug_text(content), whole)
            spec = None
            if content.format_spec is not None:
                spec_values: list[ast.expr] = []  # a format spec is an f-string, even in a t-string
                self._contents(
                    token, content.format_spec, spec_values, whole, template=False, in_spec=True
                )
                spec = self.place(ast.JoinedStr(values=spec_values), *own)
            conversion = ord(content.conversion) if content.conversion else -1
            if content.equal is not None and conversion == -1 and spec is None:
                conversion = ord("r")  # `{x=}` shows repr unless a conversion or spec is given
            value = self.expr(content.expression)
            if isinstance(content.expression, cst.Tuple) and not content.expression.lpar:
                # 3.11 parses `{a, b}` as `(a, b)` with the braces standing for the parentheses
                after = self.next_token(self.end(content.expression))
                self.place(value, self.start(content), (after[0], after[1] + 1))
            field: ast.expr
            if template:
                field = Interpolation(
                    value=value,
                    str=self.code(content.expression),
                    conversion=conversion,
                    format_spec=spec,
                )
            else:
                field = ast.FormattedValue(value=value, conversion=conversion, format_spec=spec)
            values.append(self.place(field, *whole))
        if in_spec and values and isinstance(values[-1], ast.Constant):
            self.place(values[-1], *own)  # the spec's closing text takes its token's span

    def _append_text(self, values: list[ast.expr], text: str, span: Span) -> None:
        if not text:
            return
        last = values[-1] if values else None
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            last.value += text
        else:
            values.append(self.place(ast.Constant(value=text), *span))

    def _debug_text(self, content: Any) -> str:
        """`{x = }` shows its own source text, "x = ", before the value."""
        return self._field_source(content) + self.code(content.equal)

    def _field_source(self, content: Any) -> str:
        """The expression of a replacement field as written, with the blanks around it."""
        text = self.code(content.whitespace_before_expression) + self.code(content.expression)
        return text + self.code(content.whitespace_after_expression)

    def _pep701(self, node: cst.FormattedString) -> None:
        """Note when an f-string needs 3.12's grammar: an expression holding the string's own
        quotes, a backslash, a comment, or (in a one-line string) a line break, or format
        specs nested more than one level deep."""
        quote = node.start[len(_prefix(node.start)) :]
        if _spec_depth(node.parts) > 1 or any(
            quote in text or "\\" in text or "#" in text or (len(quote) == 1 and "\n" in text)
            for text in self._field_sources(node.parts)
        ):
            self.newer_features.add("PEP 701 f-strings")

    def _field_sources(self, contents: Any) -> list[str]:
        import libcst as cst

        found: list[str] = []
        for content in contents:
            if isinstance(content, cst.FormattedStringExpression):
                found.append(self._field_source(content))
                found.extend(self._field_sources(content.format_spec or ()))
        return found
