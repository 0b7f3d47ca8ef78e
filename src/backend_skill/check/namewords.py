"""Identifiers as words: `generateApiToken` and `generate_api_token` -> {generate, api, token}.

Rules that decide from names (is this hash a password's? is this random value a token?) compare
whole words, so `design` never matches `sign` and `settings` never matches `set`.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backend_skill.check.context import FileContext

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@lru_cache(maxsize=4096)
def words(name: str) -> frozenset[str]:
    """The lower-case words of an identifier, split on `_`, `-`, `.` and camelCase."""
    found: set[str] = set()
    for part in re.split(r"[_\-.\s/:]+", name):
        found.update(piece.lower() for piece in _CAMEL.findall(part))
    return frozenset(found)


def first_word(name: str) -> str | None:
    for part in re.split(r"[_\-.\s/:]+", name):
        pieces = _CAMEL.findall(part)
        if pieces:
            return str(pieces[0]).lower()
    return None


def target_names(statement: ast.AST) -> list[str]:
    """The names an assignment statement binds (`a.b = ...` -> b, `d["k"] = ...` -> k)."""
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        targets = [statement.target]
    names: list[str] = []
    for target in targets:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target, ast.Subscript):
            key = target.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.append(key.value)
    return names


def is_test_path(path: str) -> bool:
    """Test code holds fake credentials and compares tokens in asserts on purpose."""
    parts = path.split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        # `settings_test.py`, netbox's `configuration_testing.py`
        or name.endswith(("_test.py", "_tests.py", "_testing.py"))
        or name == "conftest.py"
        or any(p in {"tests", "test", "testing", "testutils"} for p in parts[:-1])
    )


# A settings class for an environment no user reaches (`class TestingConfig(BaseConfig)`,
# `class DevelopmentSettings`): debug on and throwaway keys are what it is for.
_NON_PRODUCTION = frozenset({"test", "tests", "testing", "dev", "development", "local"})
_SETTINGS_CLASS = frozenset({"config", "settings", "conf", "configuration"})


def in_non_production_settings(ctx: FileContext) -> bool:
    """Directly in the body of a test or development settings class."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, ast.ClassDef):
            found = words(ancestor.name)
            return bool(found & _NON_PRODUCTION) and bool(found & _SETTINGS_CLASS)
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
    return False


def values_of(name: str, ctx: FileContext) -> list[ast.expr]:
    """What a name was assigned: in the enclosing function, else at module level."""
    values = ctx.assigned_values(name)
    if values or ctx.function is None:
        return values
    table: dict[str, list[ast.expr]] | None = ctx.__dict__.get("_module_values")
    if table is None:
        table = {}
        for statement in ctx.tree.body:
            value = getattr(statement, "value", None)
            if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or value is None:
                continue
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    table.setdefault(target.id, []).append(value)
        ctx.__dict__["_module_values"] = table
    return table.get(name, [])
