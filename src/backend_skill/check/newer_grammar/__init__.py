"""Checking code written for a newer Python than the one running the check.

`ast` only knows the running interpreter's grammar: on 3.11 it rejects 3.12 f-strings (PEP 701),
`type` aliases and type parameters (PEP 695), 3.14 t-strings and `except A, B:`, 3.15 lazy
imports and unpacking in comprehensions. libcst's parser knows them all. When `ast` refuses a file
and libcst reads it using one of those features, the libcst tree is translated into the `ast`
tree the newer interpreter would have produced (same nodes, same positions), so every rule runs
on it unchanged. libcst is ~7x slower than `ast`, so only files that need it pay for it.
"""

from __future__ import annotations

import ast
import warnings

from backend_skill.check.newer_grammar.translate import Unreadable, translate

__all__ = ["NewerSyntaxError", "parse_python"]


class NewerSyntaxError(Exception):
    """libcst read the file (so it is not a plain syntax error) but it could not be translated."""


def parse_python(source: str, path: str = "<unknown>") -> ast.Module:
    """Parse with `ast`; when its grammar is too old for the file, through libcst.

    Raises the `ast` SyntaxError when the file is invalid for every Python we know of, and
    NewerSyntaxError when libcst reads it but the translation fails.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not ours to report
            return ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as error:
        original = error
    tree = _translated(source)
    if tree is None:
        raise original
    return tree


def _translated(source: str) -> ast.Module | None:
    """The translated tree when the file uses newer syntax, else None (a real syntax error)."""
    try:
        result = translate(source)
    except Unreadable:  # libcst cannot read it either: the ast error stands
        return None
    except Exception as error:  # a construct the translation does not know
        raise NewerSyntaxError(f"{type(error).__name__}: {error}") from error
    # Should libcst accept code that no Python compiles, ast's error is the real one unless a
    # newer feature explains why ast refused the file.
    return result.tree if result.newer_features else None
