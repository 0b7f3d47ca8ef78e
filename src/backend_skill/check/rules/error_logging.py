"""Errors that are logged without their traceback."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import keyword
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

BROAD = frozenset({"Exception", "BaseException"})
LOGGER_NAMES = frozenset({"logger", "log", "logging", "_logger", "_log", "LOGGER", "LOG"})


def _is_logger(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id in LOGGER_NAMES
    if isinstance(expr, ast.Attribute):
        return expr.attr in LOGGER_NAMES
    return False


def _mentions(expr: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


class ErrorLoggedWithoutTraceback(PythonRule):
    id = "BS455"
    name = "error-logged-without-traceback"
    area = "error-handling"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#error-wrapping-and-context"
    summary = "An unexpected exception is logged as text only (`logger.error(str(e))`)."
    why = (
        "The message of an arbitrary exception rarely says where it happened: without the "
        "traceback (and the chained causes) the log line that should explain an incident "
        "only says `KeyError: 'id'`."
    )
    instead = (
        "Inside `except`, log with `logger.exception('what failed', extra={...})` (or "
        "`exc_info=True`), which records the traceback and the cause chain."
    )
    message = (
        "Exception logged without its traceback; use logger.exception(...) (or exc_info=True)."
    )
    fix_description = "Use logger.exception (same level, adds the traceback)"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.ExceptHandler,)
    valid = (
        Valid("try:\n    sync()\nexcept Exception:\n    logger.exception('sync failed')\n"),
        Valid(
            "try:\n    sync()\nexcept Exception as e:\n"
            "    logger.error('sync failed: %s', e, exc_info=True)\n"
        ),
        Valid("try:\n    sync()\nexcept ValueError as e:\n    logger.error('bad input: %s', e)\n"),
        Valid(
            "try:\n    sync()\nexcept Exception as e:\n    logger.warning('will retry: %s', e)\n"
        ),
        Valid(
            "try:\n    sync()\nexcept Exception as e:\n"
            "    logger.error('sync failed: %s', e)\n    raise\n"
        ),
    )
    invalid = (
        Invalid(
            "try:\n    sync()\nexcept Exception as e:\n    logger.error(f'sync failed: {e}')\n",
            fixed="try:\n    sync()\nexcept Exception as e:\n"
            "    logger.exception(f'sync failed: {e}')\n",
        ),
        Invalid(
            "import logging\ntry:\n    sync()\nexcept Exception as exc:\n"
            "    logging.error('sync failed: %s', str(exc))\n    return None\n",
            fixed="import logging\ntry:\n    sync()\nexcept Exception as exc:\n"
            "    logging.exception('sync failed: %s', str(exc))\n    return None\n",
        ),
        Invalid(
            "try:\n    sync()\nexcept Exception as e:\n    self.log.critical('gave up: %s', e)\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.ExceptHandler) or node.name is None:
            return
        kind = node.type
        names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        if not any(isinstance(n, ast.Name) and n.id in BROAD for n in names):
            return
        if any(isinstance(s, ast.Raise) for s in node.body):
            return  # whoever catches it next logs the traceback
        for statement in node.body:
            if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
                continue
            call = statement.value
            func = call.func
            if not (isinstance(func, ast.Attribute) and _is_logger(func.value)):
                continue
            if func.attr not in {"error", "critical"}:
                continue
            if keyword(call, "exc_info") is not None or keyword(call, "stack_info") is not None:
                continue
            if any(_mentions(a, node.name) for a in call.args):
                ctx.report(self, call, fixable=func.attr == "error")
                return

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "error"
        ):
            return node.with_changes(func=node.func.with_changes(attr=cst.Name("exception")))
        return None
