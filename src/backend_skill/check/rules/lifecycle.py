"""Configuration and lifecycle: FastAPI startup/shutdown hooks; env reads (for project rules)."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.registry import collects
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str
from backend_skill.models import Confidence, Severity

ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})


@collects(ast.Call, ast.Subscript)
def _collect_env_reads(node: ast.AST, ctx: FileContext) -> None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"getenv", "get", "setdefault", "getenvb"}
        and ctx.call_name(node) in ENV_CALLS
    ):
        if node.func.attr == "setdefault" and isinstance(ctx.parent, ast.Expr):
            # `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` as a statement sets the
            # environment for a framework (celery_app.py, a CLI); it reads nothing
            return
        name = const_str(node.args[0]) if node.args else None
        ctx.fact("env_read", {"line": node.lineno, "name": name})
    elif (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Load)
        and ctx.qualname(node.value) == "os.environ"
    ):
        ctx.fact("env_read", {"line": node.lineno, "name": const_str(node.slice)})


class FastapiOnEvent(PythonRule):
    id = "BS702"
    name = "fastapi-on-event"
    area = "health-checks-and-lifecycle"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#graceful-shutdown"
    summary = "FastAPI/Starlette `on_event` startup/shutdown hooks instead of a lifespan."
    why = (
        "`on_event` is deprecated; startup and shutdown code split across hooks cannot share "
        "state or guarantee cleanup. A lifespan context manager opens resources, yields, and "
        "closes them in one place, also when startup fails halfway."
    )
    instead = (
        "Use `@asynccontextmanager async def lifespan(app): ...; yield; ...` and "
        "`FastAPI(lifespan=lifespan)`."
    )
    message = "on_event hooks are deprecated; use a lifespan context manager."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods = frozenset({"on_event", "add_event_handler"})
    valid = (
        Valid(
            "from contextlib import asynccontextmanager\nfrom fastapi import FastAPI\n"
            "@asynccontextmanager\nasync def lifespan(app):\n    yield\n"
            "app = FastAPI(lifespan=lifespan)\n"
        ),
        Valid("emitter.on_event('startup')\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.on_event('startup')\nasync def connect():\n    await db.connect()\n"
        ),
        Invalid(
            "from starlette.applications import Starlette\napp = Starlette()\n"
            "app.add_event_handler('shutdown', close_pool)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        if node.func.attr not in {"on_event", "add_event_handler"}:
            return
        if not (ctx.imports("fastapi") or ctx.imports("starlette")):
            return
        if node.args and const_str(node.args[0]) in {"startup", "shutdown"}:
            ctx.report(self, node)
