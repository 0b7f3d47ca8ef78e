"""`ast` node classes for syntax newer than the running interpreter knows.

On Python 3.12+ these are the standard library's own classes; on older interpreters they are
stand-ins with the same name, fields and attributes, so rules written against `ast` treat them
the same way whichever interpreter runs the check (no rule visits them, `ast.walk` walks them).
"""

from __future__ import annotations

import ast
from typing import Any

_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def _node_class(name: str, base: type[ast.AST], fields: tuple[str, ...]) -> type[Any]:
    existing = getattr(ast, name, None)
    if isinstance(existing, type):
        return existing
    return type(name, (base,), {"_fields": fields, "_attributes": _POSITIONS})


# PEP 695 (3.12): `type X[T] = ...` and type parameters; PEP 696 (3.13): their defaults.
TypeAlias = _node_class("TypeAlias", ast.stmt, ("name", "type_params", "value"))
_type_param = _node_class("type_param", ast.AST, ())
TypeVar = _node_class("TypeVar", _type_param, ("name", "bound", "default_value"))
ParamSpec = _node_class("ParamSpec", _type_param, ("name", "default_value"))
TypeVarTuple = _node_class("TypeVarTuple", _type_param, ("name", "default_value"))
# PEP 750 (3.14): t-strings evaluate to a Template, not a str; rules must not read them as
# strings built by formatting (a t-string is how SQL and HTML are built safely).
TemplateStr = _node_class("TemplateStr", ast.expr, ("values",))
Interpolation = _node_class(
    "Interpolation", ast.expr, ("value", "str", "conversion", "format_spec")
)
