"""Defaults that fail open: a secret with a fallback value, authorization done with `assert`,
and internal error text returned to the caller."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.namewords import is_test_path, words
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, decorated_route_path, keyword, name_of
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})
SECRET_ENV_WORDS = frozenset(
    {"secret", "password", "passwd", "pwd", "token", "apikey", "credentials", "credential"}
)
# *_FILE points at a secret, *_URL is credentials-in-url's; lengths, lifetimes and names are
# settings about a secret, not the secret
DESCRIBES_A_SECRET = frozenset(
    {"url", "uri", "file", "path", "dir", "name", "user", "username", "id", "ttl", "expire"}
    | {"expires", "expiry", "minutes", "seconds", "hours", "days", "lifetime", "timeout"}
    | {"min", "max", "length", "len", "policy", "rounds", "header", "algorithm", "alg"}
    | {"type", "hint", "reset", "enabled", "required", "backend", "provider", "region", "prefix"}
    | {"threshold", "limit", "pattern", "regex"}
)
# A fallback that switches a feature about secrets (`ENABLE_PASSWORD_AUTH`, 'True'); no secret
# is ever one of these words.
SWITCH_VALUES = frozenset({"true", "false", "yes", "no", "on", "off"})
KEY_PARTNERS = frozenset({"api", "secret", "signing", "private", "encryption", "access", "jwt"})


def _secret_variable(name: str) -> bool:
    found = words(name)
    if found & DESCRIBES_A_SECRET:
        return False
    return bool(found & SECRET_ENV_WORDS) or ("key" in found and bool(found & KEY_PARTNERS))


class SecretWithDefault(PythonRule):
    id = "BS250"
    name = "secret-env-default"
    area = "configuration"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (1188, 798)
    pattern = "security-patterns#secrets-management"
    summary = "A secret is read from the environment with a literal fallback value."
    why = (
        "When the variable is missing (a typo, a new environment, a failed secret mount) the "
        "service starts anyway, signing sessions and tokens with a key that is in the source "
        "code and in every clone of it. Missing secrets must stop the start-up."
    )
    instead = (
        "Require the variable: `os.environ['SECRET_KEY']`, or a typed settings field with no "
        "default, so a missing secret fails at start-up (fail fast)."
    )
    message = (
        "Secret read from the environment with a hardcoded fallback; require it "
        "(os.environ['NAME'] or a settings field without default) so a missing secret fails fast."
    )
    fix_description = "Require the variable: os.environ['NAME']"
    fix_is_safe = False  # start-up now fails where the variable is missing, which is the point
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(ENV_GETTERS)
    valid = (
        Valid("import os\nSECRET_KEY = os.environ['SECRET_KEY']\n"),
        Valid("import os\nSECRET_KEY = os.getenv('SECRET_KEY')\n"),
        Valid("import os\nPASSWORD_MIN_LENGTH = int(os.getenv('PASSWORD_MIN_LENGTH', '12'))\n"),
        Valid("import os\nSECRET_FILE = os.getenv('SECRET_FILE', '/run/secrets/key')\n"),
        Valid("import os\nAPI_TOKEN = os.getenv('API_TOKEN', '')\n"),
        Valid("import os\nkey = os.environ.get('JWT_SECRET', default=None)\n"),
        # switches and limits about secrets, not secrets
        Valid(
            "import os\n"
            "ENABLE_PASSWORD_LOGIN = os.getenv('ENABLE_PASSWORD_LOGIN', 'True').lower() == 'true'\n"
            "REFRESH_TOKEN_ROTATION = os.environ.get('REFRESH_TOKEN_ROTATION', 'off')\n"
            "SUMMARY_TOKEN_THRESHOLD = int(os.getenv('SUMMARY_TOKEN_THRESHOLD', '60000'))\n"
            "PASSWORD_REGEX_PATTERN = os.getenv('PASSWORD_REGEX_PATTERN', r'^(?=.*\\d).{12,}$')\n"
        ),
    )
    invalid = (
        Invalid(
            "import os\nSECRET_KEY = os.getenv('SECRET_KEY', 'dev-secret-change-me')\n",
            fixed="import os\nSECRET_KEY = os.environ['SECRET_KEY']\n",
        ),
        Invalid(
            "import os\njwt_key = os.environ.get('JWT_SIGNING_KEY', 's3cr3t')  # local\n",
            fixed="import os\njwt_key = os.environ['JWT_SIGNING_KEY']  # local\n",
        ),
        Invalid(
            "from os import getenv\nDB_PASSWORD = getenv('DB_PASSWORD', 'postgres')\n",
            fixable=False,
        ),
        Invalid(
            "import os\nLDAP_BIND_PASSWORD = os.getenv('LDAP_BIND_PASSWORD', 'secret123')\n",
            fixed="import os\nLDAP_BIND_PASSWORD = os.environ['LDAP_BIND_PASSWORD']\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in ENV_GETTERS:
            return
        if not node.args:
            return
        variable = const_str(node.args[0])
        default_kw = keyword(node, "default")
        default = default_kw.value if default_kw else (node.args[1] if len(node.args) > 1 else None)
        if variable is None or default is None:
            return
        value = const_str(default)
        if not value or not _secret_variable(variable) or is_test_path(ctx.path):
            return
        if value.strip().lower() in SWITCH_VALUES:
            return
        fixable = isinstance(node.func, ast.Attribute) and len(node.args) == 2 and not node.keywords
        ctx.report(self, node, fixable=fixable)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.Call) or len(node.args) != 2:
            return None
        name = node.args[0].value
        if not isinstance(name, cst.SimpleString):
            return None
        ctx.require_import("os")
        return cst.parse_expression(f"os.environ[{name.value}]")


# Names that are authorization checks on their own
AUTH_CHECKS = frozenset(
    {"is_admin", "is_staff", "is_superuser", "is_authenticated", "is_anonymous", "is_owner"}
)
AUTH_CALL_PREFIXES = ("has_perm", "has_role", "has_scope", "has_permission", "is_authorized")
# Words that are about authorization only next to a principal (user, claims, request)
AUTH_WORDS = frozenset(
    {"admin", "staff", "superuser", "permission", "permissions", "perm", "perms", "role"}
    | {"roles", "owner", "scopes", "authorized"}
)
PRINCIPAL_WORDS = frozenset(
    {"user", "request", "claims", "token", "principal", "account", "identity", "current"}
)


def _authorization_test(test: ast.expr) -> bool:
    found: set[str] = set()
    for part in ast.walk(test):
        name: str | None = None
        if isinstance(part, ast.Call):
            called = name_of(part.func) or ""
            if called.startswith(AUTH_CALL_PREFIXES):
                return True
        if isinstance(part, (ast.Name, ast.Attribute)):
            name = name_of(part)
        elif isinstance(part, ast.Subscript):
            name = const_str(part.slice)
        if name:
            if name in AUTH_CHECKS:
                return True
            found |= words(name)
    return bool(found & AUTH_WORDS) and bool(found & PRINCIPAL_WORDS)


class AssertForAuthorization(PythonRule):
    id = "BS350"
    name = "assert-for-authorization"
    area = "authentication-and-authorization"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (617, 285)
    pattern = "security-patterns#authorization"
    summary = "An authorization check is written as `assert` (removed by python -O)."
    why = (
        "`python -O` (and PYTHONOPTIMIZE in many images) strips every assert, so the check "
        "silently disappears in production and everyone is allowed. A failed assert is also a "
        "500, not a 403."
    )
    instead = (
        "Check explicitly and answer 403: `if not user.has_perm('orders.refund'): raise "
        "PermissionDenied()` (or `HTTPException(403)`)."
    )
    message = (
        "Authorization checked with assert, which python -O removes; use an if and raise a "
        "403 error."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Assert,)
    valid = (
        Valid(
            "def refund(user, order):\n"
            "    if not user.is_staff:\n"
            "        raise PermissionDenied()\n"
        ),
        Valid("def total(items):\n    assert items, 'no items'\n"),
        Valid(
            "def test_admin(client):\n    assert client.user.is_admin\n",
            filename="tests/test_admin.py",
        ),
    )
    invalid = (
        Invalid("def refund(user, order):\n    assert user.is_staff\n    order.refund()\n"),
        Invalid(
            "def delete(request, doc):\n"
            "    assert request.user.has_perm('docs.delete'), 'forbidden'\n"
        ),
        Invalid("def edit(user, post):\n    assert post.owner_id == user.id\n"),
        Invalid("def scope(claims):\n    assert 'orders:write' in claims['scopes']\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Assert) or is_test_path(ctx.path):
            return
        if _authorization_test(node.test):
            ctx.report(self, node)


BROAD = frozenset({"Exception", "BaseException"})
RESPONSE_BUILDERS = frozenset(
    {"HTTPException", "JSONResponse", "JsonResponse", "Response", "HttpResponse", "jsonify"}
    | {"abort", "make_response", "PlainTextResponse", "HttpResponseServerError"}
)
# Calls that render a page for the client: what they are given is shown to the caller.
TEMPLATE_RESPONSES = frozenset(
    {"flask.render_template", "quart.render_template", "django.shortcuts.render"}
    | {"django.shortcuts.render_to_response", "bottle.template"}
)
# Decorators that make a function a route handler, whose return value is the response.
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "route", "api_route"})


def _debug_flag(test: ast.expr) -> bool | None:
    """`settings.DEBUG` / `app.debug` -> True; `not DEBUG` -> False; anything else -> None."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _debug_flag(test.operand)
        return None if inner is None else not inner
    name = name_of(test) if isinstance(test, (ast.Name, ast.Attribute)) else None
    return True if name is not None and name.lower() == "debug" else None


def _production_nodes(root: ast.AST) -> list[ast.AST]:
    """The nodes under `root`, leaving out branches that run only in debug mode
    (`traceback.format_exc() if settings.DEBUG else "Internal Server Error"`): a development
    server showing its own traceback to its developer exposes nothing."""
    out: list[ast.AST] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (ast.If, ast.IfExp)):
            debug = _debug_flag(node.test)
            if debug is not None:
                kept = node.orelse if debug else node.body
                stack.extend(kept if isinstance(kept, list) else [kept])
                continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _exposes(expr: ast.AST, caught: str) -> bool:
    """`str(e)`, `repr(e)`, `f"{e}"`, `e.args`, `traceback.format_exc()` inside `expr`."""
    for part in _production_nodes(expr):
        if isinstance(part, ast.Call):
            func = part.func
            if (
                isinstance(func, ast.Name)
                and func.id in {"str", "repr"}
                and part.args
                and isinstance(part.args[0], ast.Name)
                and part.args[0].id == caught
            ):
                return True
            if isinstance(func, ast.Attribute) and func.attr in {"format_exc", "format_exception"}:
                return True
        elif isinstance(part, ast.FormattedValue):
            if isinstance(part.value, ast.Name) and part.value.id == caught:
                return True
        elif (
            isinstance(part, ast.Attribute)
            and isinstance(part.value, ast.Name)
            and part.value.id == caught
            and part.attr in {"args", "message"}
        ):
            return True
    return False


def _is_broad(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Name):
        return kind.id in BROAD
    if isinstance(kind, ast.Tuple):
        return any(_is_broad(e) for e in kind.elts)
    return False


class InternalErrorExposed(PythonRule):
    id = "BS450"
    name = "internal-error-exposed"
    area = "error-handling"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (209,)
    pattern = "api-design-patterns#error-envelope"
    summary = "An unexpected exception's text or traceback is sent to the client."
    why = (
        "The text of an arbitrary exception carries SQL, file paths, host names, library "
        "versions and sometimes data from other users; a traceback maps the code for an "
        "attacker. Clients need a stable code and a request id, not internals."
    )
    instead = (
        "Log the exception with `logger.exception(...)` and answer with the error envelope: "
        "`{'error': {'code': 'INTERNAL', 'message': 'Internal error', 'details': [], "
        "'request_id': rid}}` and status 500."
    )
    message = (
        "Exception text or traceback returned to the client; log it and return a stable "
        "error code with the request id."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.ExceptHandler,)
    valid = (
        Valid(
            "try:\n    charge()\nexcept Exception:\n"
            "    logger.exception('charge failed')\n"
            "    raise HTTPException(status_code=500, detail={'code': 'INTERNAL'})\n"
        ),
        Valid(
            "try:\n    parse(body)\nexcept ValueError as e:\n"
            "    raise HTTPException(status_code=422, detail=str(e))\n"
        ),
        Valid(
            "try:\n    charge()\nexcept Exception as e:\n"
            "    logger.error('charge failed: %s', e)\n    raise\n"
        ),
        # the traceback only in debug mode (django/core/handlers/asgi.py:301)
        Valid(
            "import traceback\n"
            "try:\n    return handle(request)\nexcept Exception:\n"
            "    return HttpResponseServerError(\n"
            "        traceback.format_exc() if settings.DEBUG else 'Internal Server Error'\n"
            "    )\n"
        ),
        Valid(
            "try:\n    charge()\nexcept Exception as e:\n"
            "    if app.debug:\n        return jsonify(error=str(e)), 500\n"
            "    return jsonify(error='internal'), 500\n"
        ),
        Valid(
            "from flask import Flask, render_template\napp = Flask(__name__)\n"
            "@app.route('/blog/<name>')\n"
            "def blog(name):\n"
            "    try:\n        return render_template(f'blogs/{name}.html')\n"
            "    except Exception:\n"
            "        logger.exception('blog %s', name)\n"
            "        return 'Blog post not found', 404\n"
        ),
        Valid(
            "def describe(e):\n"
            "    try:\n        return format_error(e)\n"
            "    except Exception as exc:\n"
            "        return f'unprintable error: {exc}'\n"
        ),
    )
    invalid = (
        Invalid(
            "try:\n    charge()\nexcept Exception as e:\n"
            "    raise HTTPException(status_code=500, detail=str(e))\n"
        ),
        Invalid(
            "import traceback\ntry:\n    charge()\nexcept Exception:\n"
            "    return jsonify(error=traceback.format_exc()), 500\n"
        ),
        Invalid(
            "try:\n    charge()\nexcept BaseException as exc:\n"
            "    return JSONResponse({'error': f'failed: {exc}'}, status_code=500)\n"
        ),
        Invalid(
            "try:\n    charge()\nexcept Exception as e:\n"
            "    if not settings.DEBUG:\n        return jsonify(error=str(e)), 500\n"
        ),
        Invalid(
            "from flask import Flask, render_template\napp = Flask(__name__)\n"
            "@app.route('/blog/<name>')\n"
            "def blog(name):\n"
            "    try:\n        return render_template(f'blogs/{name}.html')\n"
            "    except Exception as e:\n"
            "        return f'Blog post not found: {e}', 404\n"
        ),
        Invalid(
            "from flask import render_template, request\n"
            "def lab():\n"
            "    try:\n        output = evaluate(request.form['expr'])\n"
            "    except Exception as e:\n"
            "        return render_template('lab.html', output=str(e))\n"
            "    return render_template('lab.html', output=output)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.ExceptHandler) or not _is_broad(node.type):
            return
        caught = node.name or "\0"
        for statement in node.body:
            for part in _production_nodes(statement):
                value: ast.AST | None = None
                if isinstance(part, ast.Return):
                    value = part.value
                elif isinstance(part, ast.Raise):
                    value = part.exc
                if value is None:
                    continue
                if _sent(value, part, ctx) and _exposes(value, caught):
                    ctx.report(self, part)
                    return


def _sent(value: ast.AST, statement: ast.AST, ctx: FileContext) -> bool:
    """Does `value` reach the client: a response, a page rendered for the caller, or anything a
    route handler returns (`return f"Error: {e}", 400` in a Flask view)?"""
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]
    if _response(value):
        return True
    if isinstance(value, ast.Call) and ctx.call_name(value) in TEMPLATE_RESPONSES:
        return True
    return (
        isinstance(statement, ast.Return)
        and decorated_route_path(ctx.function, ROUTE_METHODS) is not None
    )


def _response(expr: ast.AST) -> bool:
    """A dict body, a tuple (body, status) or a call to a response/exception builder."""
    if isinstance(expr, ast.Tuple) and expr.elts:
        return _response(expr.elts[0])
    if isinstance(expr, ast.Dict):
        return True
    if isinstance(expr, ast.Call):
        return (name_of(expr.func) or "") in RESPONSE_BUILDERS
    return False
