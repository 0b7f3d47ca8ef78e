"""Process lifecycle: signing keys generated at start-up, SIGTERM handlers that exit without
draining, and list endpoints that return a whole table."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import (
    in_non_production_settings,
    is_test_path,
    target_names,
    values_of,
    words,
)
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, name_of
from backend_skill.models import Confidence, Severity

RANDOM_SOURCES = frozenset(
    {"os.urandom", "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes"}
    | {"uuid.uuid4", "django.core.management.utils.get_random_secret_key"}
    | {"cryptography.fernet.Fernet.generate_key"}
)
KEY_NAMES = frozenset({"secret_key", "SECRET_KEY", "JWT_SECRET", "JWT_SECRET_KEY", "SIGNING_KEY"})


def _signing_key_name(name: str) -> bool:
    found = words(name)
    return name in KEY_NAMES or (
        "secret" in found and ("key" in found or "jwt" in found or "session" in found)
    )


class SecretKeyGeneratedAtStartup(PythonRule):
    id = "BS755"
    name = "secret-key-generated-at-startup"
    area = "configuration"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (330,)
    pattern = "twelve-factor-cheatsheet#vi-processes"
    summary = "The app's signing key is generated randomly when the process starts."
    why = (
        "Each process (and each restart) gets a different key, so sessions, CSRF tokens and "
        "JWTs signed by one instance are rejected by the next: users are logged out on every "
        "deploy and randomly behind a load balancer."
    )
    instead = (
        "Generate the key once, store it in the secret manager and read it from the "
        "environment at start-up (`app.secret_key = settings.secret_key`); rotate it "
        "deliberately with a grace period."
    )
    message = (
        "Signing key generated at start-up differs per process and restart; load one stable "
        "key from the secret store."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Assign,)
    valid = (
        Valid("import os\napp.secret_key = os.environ['SECRET_KEY']\n"),
        Valid("import secrets\ndef new_api_key():\n    api_key = secrets.token_urlsafe(32)\n"),
        Valid("import secrets\nnonce = secrets.token_hex(16)\n"),
        Valid(
            "from uuid import uuid4\n"
            "class TestingConfig(BaseConfig):\n"
            "    TESTING = True\n"
            "    SECRET_KEY = uuid4().hex\n"
            "    JWT_SECRET_KEY = uuid4().hex\n",
            filename="tracker/config.py",
        ),
    )
    invalid = (
        Invalid("import os\napp.secret_key = os.urandom(24)\n"),
        Invalid(
            "from django.core.management.utils import get_random_secret_key\n"
            "SECRET_KEY = get_random_secret_key()\n"
        ),
        Invalid("import secrets\napp.config['SECRET_KEY'] = secrets.token_hex(32)\n"),
        Invalid(
            "import os, secrets\n"
            "SECRET_KEY = os.environ.get('SECRET_KEY') or secrets.token_urlsafe(50)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Assign) or ctx.function is not None:
            return  # module level: runs once per process start
        if not any(_signing_key_name(n) for n in target_names(node)):
            return
        if in_non_production_settings(ctx):
            return  # a test run's settings want a fresh key each run
        for part in ast.walk(node.value):
            if isinstance(part, ast.Call) and ctx.call_name(part) in RANDOM_SOURCES:
                ctx.report(self, node)
                return


EXITS = frozenset({"sys.exit", "os._exit", "exit", "quit"})


def _handler_body(handler: ast.expr, ctx: FileContext) -> list[ast.AST] | None:
    if isinstance(handler, ast.Lambda):
        return [handler.body]
    if isinstance(handler, ast.Name):
        for statement in ctx.tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                statement.name == handler.id
            ):
                return list(statement.body)
    return None


class ShutdownWithoutDrain(PythonRule):
    id = "BS756"
    name = "sigterm-exits-without-draining"
    area = "health-checks-and-lifecycle"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#graceful-shutdown"
    summary = "A SIGTERM handler exits the process at once instead of draining."
    why = (
        "Orchestrators send SIGTERM on every deploy and scale-down. Exiting immediately cuts "
        "off in-flight requests and messages, skips closing pools and flushing telemetry, and "
        "turns each deploy into a burst of errors."
    )
    instead = (
        "On SIGTERM set a flag: readiness answers 503, stop accepting, drain in-flight work "
        "for up to 30 s, close pools, flush, then exit 0 (uvicorn/gunicorn do this when you "
        "let them handle the signal)."
    )
    message = (
        "SIGTERM handler exits immediately; mark not-ready, drain in-flight work (<= 30 s), "
        "then exit."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset({"signal.signal"})
    valid = (
        Valid(
            "import signal\n"
            "def on_term(signum, frame):\n"
            "    state.shutting_down = True\n"
            "    server.should_exit = True\n"
            "signal.signal(signal.SIGTERM, on_term)\n"
        ),
        Valid("import signal, sys\nsignal.signal(signal.SIGINT, lambda *a: sys.exit(1))\n"),
    )
    invalid = (
        Invalid("import signal, sys\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n"),
        Invalid(
            "import os, signal\n"
            "def on_term(signum, frame):\n"
            "    logger.info('bye')\n"
            "    os._exit(0)\n"
            "signal.signal(signal.SIGTERM, on_term)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or len(node.args) != 2:
            return
        if ctx.call_name(node) != "signal.signal":
            return
        if not (ctx.qualname(node.args[0]) or "").endswith("SIGTERM"):
            return
        body = _handler_body(node.args[1], ctx)
        if not body:
            return
        calls = [n for s in body for n in ast.walk(s) if isinstance(n, ast.Call)]
        exits = [c for c in calls if (ctx.call_name(c) or "") in EXITS]
        others = [
            c for c in calls if c not in exits and not _is_log_call(c) and not _inside(c, exits)
        ]
        assigns = [
            n for s in body for n in ast.walk(s) if isinstance(n, (ast.Assign, ast.AugAssign))
        ]
        if exits and not others and not assigns:
            ctx.report(self, node)


def _is_log_call(call: ast.Call) -> bool:
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    name = (name_of(receiver) or "").lower() if receiver is not None else ""
    return "log" in name or (isinstance(call.func, ast.Name) and call.func.id == "print")


def _inside(call: ast.Call, parents: list[ast.Call]) -> bool:
    return any(call is not p and call in ast.walk(p) for p in parents)


LIST_ALL = frozenset({"all"})
NARROWING = frozenset(
    {"filter", "filter_by", "where", "limit", "exclude", "paginate", "first", "get", "one"}
    | {"slice", "offset", "scalar", "count", "get_or_404", "first_or_404", "page"}
)


def _whole_table(expr: ast.AST, ctx: FileContext, depth: int = 0) -> bool:
    """`Model.objects.all()`, `session.query(M).all()`, `session.scalars(select(M)).all()`,
    `Model.query.all()` with nothing narrowing it."""
    if isinstance(expr, ast.Name) and depth < 2:
        return any(_whole_table(v, ctx, depth + 1) for v in values_of(expr.id, ctx))
    if isinstance(expr, ast.ListComp):
        return any(_whole_table(g.iter, ctx, depth + 1) for g in expr.generators)
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in LIST_ALL
        and not expr.args
    ):
        return False
    names: list[str] = []
    for node in ast.walk(expr.func.value):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return False  # a slice limits it
    if any(n in NARROWING for n in names):
        return False
    return "objects" in names or "query" in names or "scalars" in names


def _route(function: ast.AST | None) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in {"get", "route", "api_route"}
            and decorator.args
            and (const_str(decorator.args[0]) or "").startswith("/")
        ):
            return True
    return False


class UnboundedListEndpoint(PythonRule):
    id = "BS552"
    name = "unbounded-list-endpoint"
    area = "api-design"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#cursor-pagination"
    summary = "A list endpoint returns every row of a table (no limit, no filter, no page)."
    why = (
        "It works with 50 rows and times out with 5 million: one request loads the table into "
        "memory, holds a connection for the whole scan and sends megabytes to a client that "
        "shows twenty items."
    )
    instead = (
        "Paginate with a cursor and a limit (default 25, max 100): `select(Order).where("
        "Order.id > cursor).order_by(Order.id).limit(limit + 1)`, returning "
        "`{'data': [...], 'next_cursor': ..., 'has_more': ...}`."
    )
    message = "List endpoint returns a whole table; paginate with a cursor and a limit (max 100)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Return,)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/orders')\n"
            "def orders(session, limit: int = 25):\n"
            "    return session.scalars(select(Order).limit(limit)).all()\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/users/{uid}/orders')\n"
            "def orders(uid: str):\n    return Order.objects.filter(user_id=uid)[:100]\n"
        ),
        Valid("def all_orders(session):\n    return session.query(Order).all()\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/orders')\n"
            "def orders(session):\n    return session.scalars(select(Order)).all()\n"
        ),
        Invalid(
            "from flask import Flask, jsonify\napp = Flask(__name__)\n@app.route('/api/v1/users')\n"
            "def users():\n    rows = User.query.all()\n"
            "    return jsonify([u.to_dict() for u in rows])\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, ast.Return) or node.value is None:
            return
        value = node.value
        if isinstance(value, ast.Call) and name_of(value.func) in {
            "jsonify",
            "list",
            "JSONResponse",
        }:
            value = value.args[0] if value.args else value
        if not _route(ctx.function):
            return
        if _whole_table(value, ctx):
            ctx.report(self, node)
