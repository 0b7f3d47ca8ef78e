"""Findings the engine itself raises: a file that does not parse."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.models import Confidence, Severity


class SyntaxErrorRule(PythonRule):
    """Reported by the engine when `ast.parse` fails (and libcst does too), never by a visit."""

    id = "BS000"
    name = "syntax-error"
    area = "testing"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    pattern = "testing-patterns#the-validation-loop"
    summary = "The file does not parse, so nothing else in it can be checked."
    why = (
        "A file that does not parse fails at import time in production, and hides every other "
        "problem in it from the check."
    )
    instead = "Fix the syntax error at the reported position; run the tests before committing."
    message = "Syntax error: the file cannot be checked until it parses."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    valid = (Valid("x = f'{1 + 1}'\n"),)
    invalid = (Invalid("def broken(:\n    pass\n"), Invalid("print('unclosed\n"))

    def visit(self, node: ast.AST, ctx: FileContext) -> None:  # pragma: no cover - never called
        return None
