"""Render a framework's templates with validated options.

autoescape is off (the output is code, not HTML) and instead every `{{ ... }}` must pass through a
filter that emits a literal of the target language: `finalize` refuses any value that did not, so
a template cannot print an option raw by accident.
"""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import jinja2

from backend_skill.generate.options import Options


class Code(str):
    """Text that a filter produced and vouches for as a literal/identifier of the target."""

    __slots__ = ()


def _check_number(value: float) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise jinja2.TemplateRuntimeError("non-finite numbers have no literal")


def _pystr(value: str) -> str:
    """repr() with the double quotes ruff format prefers (same escaping otherwise)."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        return '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def _py(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the missing variable
    if isinstance(value, str):
        return _pystr(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        _check_number(value)
        return repr(value)
    if isinstance(value, Options):
        return _py(value.model_dump())
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_py(k)}: {_py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        inner = ", ".join(_py(v) for v in value)
        return (
            f"({inner},)"
            if isinstance(value, tuple) and len(value) == 1
            else (f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
        )
    raise jinja2.TemplateRuntimeError(f"no Python literal for {type(value).__name__}")


def pyrepr(value: Any) -> Code:
    """A Python literal (str, number, bool, None, list, tuple, dict of those)."""
    return Code(_py(value))


def pylist(value: Sequence[Any], indent: int = 0) -> Code:
    """A list literal one item per line with a trailing comma: stable under ruff format."""
    if not value:
        return Code("[]")
    pad = " " * (indent + 4)
    items = "".join(f"{pad}{_py(v)},\n" for v in value)
    return Code("[\n" + items + " " * indent + "]")


def jsval(value: Any) -> Code:
    """A JavaScript literal: JSON with every non-ASCII character escaped."""
    if isinstance(value, jinja2.Undefined):
        str(value)
    if isinstance(value, float):
        _check_number(value)
    if isinstance(value, Options):
        value = value.model_dump()
    return Code(json.dumps(value, ensure_ascii=True, allow_nan=False))


def gostr(value: str) -> Code:
    """A Go interpreted string literal (\\u escapes never carry surrogate halves)."""
    if not isinstance(value, str):
        raise jinja2.TemplateRuntimeError("gostr takes a string")
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return Code('"' + "".join(out) + '"')


def goval(value: Any) -> Code:
    """A Go literal of a number or bool (strings use gostr)."""
    if isinstance(value, bool):
        return Code("true" if value else "false")
    if isinstance(value, int | float):
        _check_number(value)
        return Code(repr(value))
    if isinstance(value, str):
        return gostr(value)
    raise jinja2.TemplateRuntimeError(f"no Go literal for {type(value).__name__}")


def golist(values: Sequence[Any], element: str = "string") -> Code:
    """A Go slice literal on one line (gofmt keeps it): []string{"a", "b"}, []float64{0.1, 1}."""
    if not isinstance(element, str) or not _GO_ELEMENT.fullmatch(element):
        raise jinja2.TemplateRuntimeError(f"{element!r} is not a Go element type")
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise jinja2.TemplateRuntimeError("golist takes a list")
    items = ", ".join(gostr(v) if isinstance(v, str) else goval(v) for v in values)
    return Code(f"[]{element}{{{items}}}")


_GO_ELEMENT = re.compile(r"^(string|int|int64|float64|bool|time\.Duration)$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def ident(value: str) -> Code:
    """An identifier, checked again here (belt and braces)."""
    if not isinstance(value, str) or not _IDENT.fullmatch(value) or keyword.iskeyword(value):
        raise jinja2.TemplateRuntimeError(f"{value!r} is not an identifier")
    return Code(value)


def _finalize(value: Any) -> Any:
    if isinstance(value, Code):
        return value
    raise jinja2.TemplateRuntimeError(
        f"template printed {value!r} without a literal filter (pyrepr, jsval, gostr, goval, ident)"
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("backend_skill.generate", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701  (code, not HTML: literal filters escape, see module doc)
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pyrepr=pyrepr,
        pylist=pylist,
        jsval=jsval,
        jsstr=jsval,
        gostr=gostr,
        goval=goval,
        golist=golist,
    )
    env.filters["ident"] = ident
    return env


def render(template: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(template).render(**context)
