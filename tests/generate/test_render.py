"""The renderer's fence: values reach code only as literals of the target language."""

from __future__ import annotations

import ast
import json

import jinja2
import pytest

from backend_skill.generate.render import (
    Code,
    environment,
    golist,
    gostr,
    goval,
    ident,
    jsval,
    pylist,
    pyrepr,
)

NASTY = ['"; import os #', "'\"\\", "line\nbreak", "\u2028\U0001f600", "{{ x }}", "\x00\x7f"]


@pytest.mark.parametrize("value", NASTY)
def test_pyrepr_round_trips_any_string(value):
    assert ast.literal_eval(pyrepr(value)) == value
    assert ast.literal_eval(pylist([value, 1, None, True], indent=4)) == [value, 1, None, True]


def test_pyrepr_prefers_double_quotes_like_ruff_format():
    assert pyrepr("a'b") == '"a\'b"'
    assert pyrepr("plain") == '"plain"'
    assert pyrepr({"k": [1.5, (2,)]}) == '{"k": [1.5, (2,)]}'
    assert pylist([]) == "[]"
    assert pylist(["a"]) == '[\n    "a",\n]'


@pytest.mark.parametrize("value", NASTY)
def test_jsval_is_json_with_ascii_only(value):
    literal = jsval(value)
    assert literal.isascii()
    assert json.loads(literal) == value


@pytest.mark.parametrize("value", NASTY)
def test_gostr_escapes_everything_outside_printable_ascii(value):
    literal = gostr(value)
    assert literal.isascii() and literal.startswith('"') and literal.endswith('"')
    body = literal[1:-1]
    # No unescaped quote can end the literal early.
    assert '"' not in body.replace('\\"', "")
    assert "\n" not in literal and "\\ud83d" not in literal
    assert goval(True) == "true" and goval(3) == "3"


def test_ident_and_numbers_are_checked():
    assert ident("name_1") == "name_1"
    for bad in ["1x", "a-b", "class", "a;b"]:
        with pytest.raises(jinja2.TemplateRuntimeError):
            ident(bad)
    with pytest.raises(jinja2.TemplateRuntimeError):
        pyrepr(float("nan"))
    with pytest.raises(jinja2.TemplateRuntimeError):
        pyrepr(object())


def test_a_raw_value_in_a_template_is_refused():
    env = environment()
    assert env.from_string("{{ v|pyrepr }}").render(v="x") == '"x"'
    with pytest.raises(jinja2.TemplateRuntimeError, match="without a literal filter"):
        env.from_string("{{ v }}").render(v="x")
    with pytest.raises(jinja2.TemplateRuntimeError, match="without a literal filter"):
        env.from_string("{{ n }}").render(n=3)
    assert env.from_string("{{ c }}").render(c=Code("ok")) == "ok"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing|pyrepr }}").render()


def test_golist_is_a_one_line_slice_of_literals():
    assert golist(["a", 'b"c']) == '[]string{"a", "b\\"c"}'
    assert golist([], "string") == "[]string{}"
    assert golist([0.005, 1, 2.5], "float64") == "[]float64{0.005, 1, 2.5}"
    with pytest.raises(jinja2.TemplateRuntimeError):
        golist(["a"], "string{}; os.Exit(1); var x []string")
    with pytest.raises(jinja2.TemplateRuntimeError):
        golist("abc")
