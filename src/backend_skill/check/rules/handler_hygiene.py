"""Request handlers: passwords stored as received, print() instead of the logger, and
readiness probes that check nothing."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.flow import Origin
from backend_skill.check.namewords import is_test_path
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import decorated_route_path
from backend_skill.models import Confidence, Severity

ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route"}
)
PASSWORD_FIELDS = frozenset({"password", "passwd", "pwd"})
# Constructors/creators that hash a password they are given (Django's create_user does).
HASHING_CREATORS = frozenset({"create_user", "create_superuser", "set_password"})


class PlaintextPasswordStored(PythonRule):
    id = "BS253"
    name = "plaintext-password-stored"
    area = "security"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (256, 916)
    pattern = "security-patterns#password-hashing"
    summary = "A password from the request is stored as received (no hashing)."
    why = (
        "Stored plaintext passwords turn any database leak, backup or log of a row into every "
        "user's password, which people reuse elsewhere."
    )
    instead = (
        "Store only a slow hash: `user.password_hash = PasswordHasher().hash(password)` "
        "(argon2id) or Django's `User.objects.create_user(...)` / `set_password(...)`."
    )
    message = "Password from the request stored without hashing; store an argon2id/bcrypt hash."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Assign, ast.Call)
    valid = (
        Valid(
            "from argon2 import PasswordHasher\nph = PasswordHasher()\n"
            "def signup(request, user):\n"
            "    user.password_hash = ph.hash(request.json['password'])\n"
        ),
        Valid(
            "def signup(request):\n"
            "    User.objects.create_user(email=request.POST['email'], "
            "password=request.POST['password'])\n"
        ),
        Valid("def login(request):\n    return authenticate(password=request.POST['password'])\n"),
    )
    invalid = (
        Invalid("def signup(request, user):\n    user.password = request.json['password']\n"),
        Invalid(
            "def signup(request, session):\n"
            "    session.add(User(email=request.form['email'],\n"
            "                     password=request.form['password']))\n"
        ),
        Invalid(
            "def signup(request):\n"
            "    User.objects.create(email=request.POST['email'],\n"
            "                        password=request.POST['password'])\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in PASSWORD_FIELDS
                    and ctx.origin(node.value) == Origin.REQUEST
                ):
                    ctx.report(self, node)
                    return
            return
        if not isinstance(node, ast.Call):
            return
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in HASHING_CREATORS or not name:
            return
        # a model being built (capitalised class) or an ORM create
        if not (name[:1].isupper() or name in {"create", "get_or_create", "update_or_create"}):
            return
        for kw in node.keywords:
            if kw.arg in PASSWORD_FIELDS and ctx.origin(kw.value) == Origin.REQUEST:
                if self._is_model_write(node, ctx):
                    ctx.report(self, node)
                return

    @staticmethod
    def _is_model_write(node: ast.Call, ctx: FileContext) -> bool:
        """The object is persisted: an ORM create, or a model passed to session.add/save."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {
            "create",
            "get_or_create",
            "update_or_create",
        }:
            return True
        parent = ctx.parent
        return (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in {"add", "add_all", "save", "insert_one", "merge"}
        )


class PrintInRequestHandler(PythonRule):
    id = "BS753"
    name = "print-in-request-handler"
    area = "observability"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "observability-patterns#structured-logging"
    summary = "A request handler writes with print() instead of the structured logger."
    why = (
        "print() output has no level, timestamp, request id or trace id, is not JSON, is "
        "buffered differently from the logs, and bypasses redaction: it cannot be searched "
        "or correlated, and secrets printed there leak."
    )
    instead = (
        "Log through the configured logger with fields: `logger.info('order created', "
        "extra={'order_id': order.id})`."
    )
    message = (
        "print() in a request handler; log with the structured logger (level, fields, request id)."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset({"print"})
    valid = (
        Valid(
            "import logging\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            "logger = logging.getLogger(__name__)\n"
            "@app.post('/v1/orders', status_code=201)\ndef create():\n"
            "    logger.info('order created')\n"
        ),
        Valid("def main():\n    print('migrated 3 tables')\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/orders', status_code=201)\ndef create(body: dict):\n"
            "    print('creating order', body)\n"
        ),
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/api/v1/orders')\ndef orders():\n    print('listing')\n    return []\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and "print" not in ctx.aliases
        ):
            return
        if any(kw.arg == "file" for kw in node.keywords):
            return  # writing to a file object on purpose
        if decorated_route_path(ctx.function, ROUTE_DECORATORS) is not None and not is_test_path(
            ctx.path
        ):
            ctx.report(self, node)


READY_PATHS = ("/health/ready", "/readyz", "/ready", "/readiness", "/healthz/ready")


class ReadinessChecksNothing(PythonRule):
    id = "BS754"
    name = "readiness-checks-nothing"
    area = "health-checks-and-lifecycle"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "resilience-patterns#health-endpoints"
    summary = "The readiness endpoint returns a constant without checking anything."
    why = (
        "Readiness decides whether the load balancer sends traffic. If it always says ok, an "
        "instance whose database or cache is unreachable keeps receiving requests and fails "
        "them, and during shutdown it is not taken out of rotation first."
    )
    instead = (
        "Check the dependencies the instance needs (with short timeouts) and the shutdown "
        "flag, answering 503 with `{'status': 'fail', 'checks': {...}}` when one fails."
    )
    message = "Readiness endpoint checks nothing; check dependencies and answer 503 when one fails."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/ready')\nasync def ready():\n"
            "    checks = {'db': await ping_db()}\n"
            "    return {'status': 'ok', 'checks': checks}\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/live')\ndef live():\n    return {'status': 'ok'}\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/ready')\ndef ready():\n    return {'status': 'ok'}\n"
        ),
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/readyz')\ndef ready():\n    return 'ok', 200\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            return
        path = decorated_route_path(node, ROUTE_DECORATORS)
        if path is None or not path.rstrip("/").endswith(READY_PATHS):
            return
        body = [
            s
            for s in node.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        ]
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            return
        value = body[0].value
        if value is None or not any(
            isinstance(n, (ast.Call, ast.Name, ast.Attribute)) for n in ast.walk(value)
        ):
            ctx.report(self, node)
