"""The renderer's own fence: even an option value that skipped validation (model_construct)
ends up as a string literal in Python snippets, never as code."""

from __future__ import annotations

import ast
from typing import Any, Literal, get_args, get_origin

import pytest

from backend_skill.generate.catalog import CATALOG
from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.render import Code, render
from backend_skill.generate.support import Supported

PAYLOAD = '"; import injected_module; x = "\n__import__("injected_module")  # \'\'\' """'


def _text_fields(model) -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if get_origin(annotation) is list:
            continue
        if annotation is str or (
            any(arg is str for arg in get_args(annotation))
            and not all(get_origin(arg) is Literal for arg in get_args(annotation))
        ):
            names.append(name)
    return names


CASES = [
    (middleware, framework.id, field)
    for framework in frameworks().values()
    if framework.language == "python"
    for middleware, entry in framework.middleware.items()
    if isinstance(entry, Supported)
    for field in _text_fields(CATALOG[middleware].options)
]


def _render(middleware: str, framework: str, options: Any) -> list[str]:
    entry = frameworks()[framework].middleware[middleware]
    context = {"o": options, "header": Code("# header"), "module": Code("generated")}
    sources = [*(t.source for t in entry.files), entry.test.source]
    return [render(f"{framework}/{source}", context) for source in sources]


def _constants(tree: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


@pytest.mark.parametrize(("middleware", "framework", "field"), CASES)
def test_unvalidated_text_stays_a_literal(middleware, framework, field):
    model = CATALOG[middleware].options
    defaults = model().model_dump()
    if field == "redis_url":
        defaults["store"] = "redis"  # the only variant that prints it
    marker = "marker-value-42"
    shown = any(
        marker in text
        for text in _render(
            middleware, framework, model.model_construct(**{**defaults, field: marker})
        )
    )
    for text in _render(
        middleware, framework, model.model_construct(**{**defaults, field: PAYLOAD})
    ):
        tree = ast.parse(text)  # still valid Python
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "injected_module" not in imported
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "__import__"
        ]
        assert not calls
    if not shown:
        pytest.skip(f"{framework} never prints {middleware}.{field}: nothing to fence")
    texts = _render(middleware, framework, model.model_construct(**{**defaults, field: PAYLOAD}))
    assert any(PAYLOAD in _constants(ast.parse(text)) for text in texts)


def test_the_fence_is_exercised():
    assert len(CASES) >= 19
