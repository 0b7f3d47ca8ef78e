"""Value origins (`check/flow.py`) for the cases the precision audit taught us."""

from __future__ import annotations

import ast

import pytest

from backend_skill.check import flow


def _origin(source: str) -> flow.Origin:
    """Origin of the argument of `c.run(...)` in the last function of `source`."""
    tree = ast.parse(source)
    function = [n for n in tree.body if isinstance(n, ast.FunctionDef)][-1]
    call = next(
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run"
    )
    return flow.origin(call.args[0], flow.Scope.of(function, flow.Scope.of(tree, None)))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a loop over literals binds each literal in turn (platform.py: `for cmd in ('ver', ...)`)
        (
            "def f(c):\n    for q in ('ver', 'cmd /c ver'):\n        c.run(q)\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c):\n    for q in ['a', 'b']:\n        c.run([q, '--version'])\n",
            flow.Origin.CONSTANT,
        ),
        ("def f(c, x):\n    for q in ('a', x):\n        c.run(q)\n", flow.Origin.PARAMETER),
        ("def f(c, x):\n    for q in (*x, 'a'):\n        c.run(q)\n", flow.Origin.PARAMETER),
        ("def f(c):\n    for q in ():\n        c.run(q)\n", flow.Origin.UNKNOWN),
        ("def f(c):\n    for q, r in (('a', 'b'),):\n        c.run(q)\n", flow.Origin.UNKNOWN),
        (
            "def f(c, x):\n    q = x\n    for q in ('a',):\n        c.run(q)\n",
            flow.Origin.PARAMETER,
        ),
    ],
)
def test_loop_over_literals(source: str, expected: flow.Origin) -> None:
    assert _origin(source) == expected
