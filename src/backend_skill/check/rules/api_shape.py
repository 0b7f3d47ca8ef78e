"""API shape, read from route declarations (FastAPI, Starlette, Flask, Django): verbs and
singular collections in paths, unversioned public routes, error bodies sent with 200, and
offset/page pagination where the practice is a cursor."""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import first_word, values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, keyword, name_of
from backend_skill.models import Confidence, Severity

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route"}
)
# frameworks whose routes are always an API; Flask and Django also serve HTML pages
API_FRAMEWORKS = ("fastapi", "starlette", "litestar", "ninja", "rest_framework", "apiflask")
API_EXTENSIONS = ("flask_restx", "flask_restful", "flask_smorest")
WEB_FRAMEWORKS = ("flask", "quart", "django", "sanic", *API_FRAMEWORKS, *API_EXTENSIONS)
DJANGO_PATHS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url"})
VERSION = re.compile(r"^v\d+(\.\d+)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    node: ast.expr  # the path string, where findings point
    is_api: bool


def _is_param(segment: str) -> bool:
    return segment.startswith(("{", "<", ":", "(", "^(")) or "(?P<" in segment or "*" in segment


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("^$").split("/") if s]


def _api_file(ctx: FileContext) -> bool:
    return any(ctx.imports(m) for m in (*API_FRAMEWORKS, *API_EXTENSIONS))


def _api_path(path: str) -> bool:
    first = _segments(path)[:1]
    return bool(first) and (first[0].lower() == "api" or bool(VERSION.match(first[0])))


def decorator_route(decorator: ast.expr, ctx: FileContext) -> Route | None:
    """`@app.get("/users")`, `@router.post(...)`, `@bp.route(...)`: the declared route."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    if decorator.func.attr not in ROUTE_METHODS:
        return None
    path_node = decorator.args[0] if decorator.args else None
    if path_node is None:
        kw = keyword(decorator, "path") or keyword(decorator, "rule")
        path_node = kw.value if kw else None
    path = const_str(path_node)
    if path is None or path_node is None or not path.startswith("/"):
        return None
    if not any(ctx.imports(m) for m in WEB_FRAMEWORKS):
        return None
    return Route(path, path_node, _api_file(ctx) or _api_path(path))


def call_route(call: ast.Call, ctx: FileContext) -> Route | None:
    """`path("api/users/", view)` (Django) and `Route("/users", endpoint)` (Starlette)."""
    name = ctx.call_name(call)
    if name in DJANGO_PATHS:
        path = const_str(call.args[0]) if call.args else None
        if path is None:
            return None
        return Route(path, call.args[0], _api_file(ctx) or _api_path(path))
    if name in {"starlette.routing.Route", "starlette.routing.WebSocketRoute"} and call.args:
        path = const_str(call.args[0])
        if path is not None:
            return Route(path, call.args[0], True)
    return None


def routes_of(node: ast.AST, ctx: FileContext) -> list[Route]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        found = [decorator_route(d, ctx) for d in node.decorator_list]
        return [r for r in found if r is not None]
    if isinstance(node, ast.Call):
        route = call_route(node, ctx)
        return [route] if route else []
    return []


def is_route_function(function: ast.AST | None, ctx: FileContext, api_only: bool = False) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        route = decorator_route(decorator, ctx)
        if route is not None and (route.is_api or not api_only):
            return True
    return False


VERBS = frozenset(
    {"get", "fetch", "retrieve", "create", "add", "insert", "update", "modify", "edit"}
    | {"delete", "remove", "destroy", "list", "set", "save", "make", "do", "cancel", "put"}
    | {"post", "patch", "send", "generate", "calculate", "compute", "execute", "perform"}
)


class VerbInPath(PythonRule):
    id = "BS550"
    name = "verb-in-path"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#resource-naming"
    summary = "An API route path contains a verb (`/getUsers`, `/orders/create`)."
    why = (
        "The HTTP method already says what happens; a verb in the path turns the API into "
        "RPC over HTTP with inconsistent semantics, caching and retries (a GET that deletes)."
    )
    instead = (
        "Name resources with nouns and let the method act: `POST /v1/orders` not "
        "`/v1/orders/create`; an action becomes a sub-resource (`POST /v1/orders/{id}/"
        "cancellation`)."
    )
    message = "Verb in the route path; name the resource with a noun and let the HTTP method act."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Call,
    )
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/orders/{order_id}/cancellation')\ndef cancel(order_id: str): ...\n"
        ),
        Valid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/settings')\ndef settings(): ...\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.route('/posts/new')\n"
            "def new_post(): ...\n"
        ),
        Valid("from django.urls import path\nurlpatterns = [path('posts/create/', view)]\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/getUsers')\ndef users(): ...\n"
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/orders/create')\nasync def create(): ...\n"
        ),
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/api/v1/users/<int:user_id>/delete', methods=['POST'])\n"
            "def delete_user(user_id): ...\n"
        ),
        Invalid(
            "from django.urls import path\nfrom rest_framework.decorators import api_view\n"
            "urlpatterns = [path('api/update-profile/', view)]\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
            return
        for route in routes_of(node, ctx):
            if not route.is_api:
                continue
            for segment in _segments(route.path):
                if _is_param(segment):
                    continue
                word = first_word(segment)
                if word in VERBS and not VERSION.match(segment):
                    ctx.report(
                        self,
                        route.node,
                        f"Verb {word!r} in the route path {route.path!r}; name the resource "
                        "with a noun and let the HTTP method act.",
                    )
                    break


# Singular words that are fine before a parameter (not collections, or uncountable).
NOT_COLLECTIONS = frozenset(
    {"auth", "oauth", "oauth2", "login", "logout", "callback", "download", "upload", "search"}
    | {"export", "import", "static", "assets", "api", "docs", "redoc", "openapi", "health"}
    | {"metrics", "ws", "stream", "preview", "render", "proxy", "redirect", "sso", "verify"}
    | {"confirm", "activate", "reset", "share", "public", "admin", "internal", "debug", "media"}
    | {"data", "info", "config", "status", "me", "self", "current", "latest", "default", "by"}
    | {"people", "children", "staff", "feedback", "metadata", "content", "history", "storage"}
    | {"inventory", "news", "series", "equipment", "software", "hardware", "analytics", "i18n"}
    | {"locale", "lang", "page", "version", "tenant", "org", "env", "region", "file", "path"}
)


def _singular(word: str) -> bool:
    if word in NOT_COLLECTIONS or not word.isalpha():
        return False
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return False
    return not word.endswith(("ies", "ae", "ia"))


class SingularCollectionName(PythonRule):
    id = "BS551"
    name = "singular-collection-name"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#resource-naming"
    summary = "A collection in a route path is singular (`/user/{id}` instead of `/users/{id}`)."
    why = (
        "An item is addressed as its collection plus an id; mixing `/user/{id}` and `/users` "
        "makes clients guess which form each resource uses."
    )
    instead = "Use plural nouns for collections: `/v1/users/{user_id}`, `/v1/order-items/{id}`."
    message = "Singular collection name before an id; use the plural (`/users/{user_id}`)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Call,
    )
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/users/{user_id}')\ndef user(user_id: str): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/auth/{provider}/callback')\ndef cb(provider: str): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/addresses/{address_id}')\ndef one(address_id: str): ...\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.route('/post/<slug>')\n"
            "def post(slug): ...\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/user/{user_id}')\ndef user(user_id: str): ...\n"
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/v1/shipping-address/{address_id}')\ndef rm(address_id: str): ...\n"
        ),
        Invalid(
            "from django.urls import path\nurlpatterns = [path('api/v1/order/<int:pk>/', view)]\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
            return
        for route in routes_of(node, ctx):
            if not route.is_api:
                continue
            segments = _segments(route.path)
            for segment, following in itertools.pairwise(segments):
                if _is_param(segment) or not _is_param(following) or VERSION.match(segment):
                    continue
                pieces = re.split(r"[-_]", segment.lower())
                if _singular(pieces[-1]):
                    ctx.report(
                        self,
                        route.node,
                        f"Singular collection {segment!r} in {route.path!r}; use the plural.",
                    )
                    break


APP_FACTORIES = frozenset(
    {"fastapi.FastAPI", "fastapi.applications.FastAPI", "flask.Flask", "quart.Quart"}
)
UNVERSIONED_OK = frozenset(
    {"health", "healthz", "livez", "readyz", "metrics", "docs", "redoc", "openapi.json"}
    | {"favicon.ico", "robots.txt", ".well-known", "static", "ping", "status", "version"}
)


class MissingVersionPrefix(PythonRule):
    id = "BS552"
    name = "missing-version-prefix"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.LOW
    pattern = "api-design-patterns#versioning-and-deprecation"
    summary = "A route declared on the application itself has no version prefix (`/v1/...`)."
    why = (
        "A public API without a version in the path has nowhere to put a breaking change: "
        "every change breaks some client, or the API can never change. Routes on the app "
        "object cannot get a prefix later without moving them (routers can, at include time)."
    )
    instead = (
        "Serve public routes under a major version: `/v1/orders` (put them on a router "
        "included with `prefix='/v1'`); internal APIs may version by media type instead."
    )
    message = "Route without a version prefix; serve public API routes under /v1/..."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/orders')\ndef orders(): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/live')\ndef live(): ...\n"
        ),
        Valid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/orders')\ndef orders(): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI(root_path='/api/v2')\n"
            "@app.get('/orders')\ndef orders(): ...\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.route('/about')\n"
            "def about(): ...\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/orders')\ndef orders(): ...\n"
        ),
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/api/orders', methods=['GET'])\ndef orders(): ...\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        for decorator in node.decorator_list:
            route = decorator_route(decorator, ctx)
            if route is None or not route.is_api:
                continue
            if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
                continue
            if not _is_unprefixed_app(decorator.func.value, ctx):
                continue
            segments = _segments(route.path)
            if not segments or segments[0].lower() in UNVERSIONED_OK:
                continue
            if any(VERSION.match(s) for s in segments[:2]):
                continue
            ctx.report(self, route.node)


def _is_unprefixed_app(receiver: ast.expr, ctx: FileContext) -> bool:
    """The receiver is an app created in this module (not a router) without a root path."""
    if not isinstance(receiver, ast.Name):
        return False
    for value in values_of(receiver.id, ctx):
        if isinstance(value, ast.Call) and ctx.call_name(value) in APP_FACTORIES:
            root = keyword(value, "root_path")
            return root is None or not any(
                VERSION.match(s) for s in _segments(const_str(root.value) or "/v0")
            )
    return False


ERROR_KEYS = frozenset({"error", "errors", "error_message", "error_code"})
ERROR_RESPONSES = frozenset({"jsonify", "JSONResponse", "JsonResponse", "ORJSONResponse"})


def _error_dict(expr: ast.AST | None) -> bool:
    if not isinstance(expr, ast.Dict):
        return False
    for key, value in zip(expr.keys, expr.values, strict=True):
        name = const_str(key)
        if name is None:
            continue
        if name in ERROR_KEYS and not (
            isinstance(value, ast.Constant) and value.value in (None, "", False)
        ):
            return True
        if name in {"success", "ok"} and isinstance(value, ast.Constant) and value.value is False:
            return True
        if name == "status" and (const_str(value) or "").lower() in {"error", "fail", "failed"}:
            return True
    return False


def _error_body(expr: ast.AST) -> bool:
    """An error-shaped body: `{"error": ...}` or jsonify/JSONResponse of one, with no status."""
    if _error_dict(expr):
        return True
    if not isinstance(expr, ast.Call):
        return False
    func = name_of(expr.func)
    if func not in ERROR_RESPONSES:
        return False
    status = keyword(expr, "status_code") or keyword(expr, "status")
    if status is not None and not (
        isinstance(status.value, ast.Constant) and status.value.value == 200
    ):
        return False
    if func == "jsonify" and any(kw.arg in ERROR_KEYS for kw in expr.keywords):
        return True
    content = keyword(expr, "content")
    body = content.value if content else (expr.args[0] if expr.args else None)
    return _error_dict(body)


class ErrorBodyWithStatus200(PythonRule):
    id = "BS553"
    name = "error-body-with-status-200"
    area = "api-design"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#status-codes"
    summary = "A route handler returns an error body (`{'error': ...}`) with status 200."
    why = (
        "Clients, retries, caches, load balancers and monitoring read the status code, not the "
        "body: a failure sent as 200 is cached, counted as success and never retried or "
        "alerted on."
    )
    instead = (
        "Raise or return the matching 4xx/5xx status with the error envelope: "
        "`raise HTTPException(404, ...)`, `return jsonify(error=...), 404`, "
        "`JSONResponse({...}, status_code=409)`."
    )
    message = "Error body returned with status 200; return the matching 4xx/5xx status."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Return,)
    valid = (
        Valid(
            "from flask import Flask, jsonify\napp = Flask(__name__)\n"
            "@app.route('/api/orders/<oid>')\ndef order(oid):\n"
            "    return jsonify(error={'code': 'NOT_FOUND'}), 404\n"
        ),
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n"
            "app = FastAPI()\n@app.get('/v1/orders/{oid}')\ndef order(oid: str):\n"
            "    return JSONResponse({'error': {'code': 'NOT_FOUND'}}, status_code=404)\n"
        ),
        Valid(
            "from fastapi import FastAPI, Response\napp = FastAPI()\n"
            "@app.get('/v1/orders/{oid}')\ndef order(oid: str, response: Response):\n"
            "    response.status_code = 404\n    return {'error': {'code': 'NOT_FOUND'}}\n"
        ),
        Valid("def helper():\n    return {'error': 'bad'}\n"),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/jobs/{jid}')\n"
            "def job(jid: str):\n    return {'id': jid, 'error': None}\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/orders/{oid}')\n"
            "def order(oid: str):\n    if oid not in DB:\n"
            "        return {'error': 'not found'}\n    return DB[oid]\n"
        ),
        Invalid(
            "from flask import Flask, jsonify\napp = Flask(__name__)\n"
            "@app.route('/api/login', methods=['POST'])\ndef login():\n"
            "    return jsonify({'success': False, 'message': 'bad credentials'})\n"
        ),
        Invalid(
            "from flask import Flask, jsonify\napp = Flask(__name__)\n"
            "@app.route('/api/login', methods=['POST'])\ndef login():\n"
            "    return jsonify(error='bad credentials'), 200\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Return) or node.value is None:
            return
        value = node.value
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
            status = value.elts[1]
            if not (isinstance(status, ast.Constant) and status.value == 200):
                return
            value = value.elts[0]
        if not isinstance(value, (ast.Dict, ast.Call)) or not _error_body(value):
            return
        function = ctx.function
        if not is_route_function(function, ctx) or _sets_status(function):
            return
        ctx.report(self, node)


def _sets_status(function: ast.AST | None) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            status = keyword(decorator, "status_code")
            if status is not None and not (
                isinstance(status.value, ast.Constant) and status.value.value == 200
            ):
                return True
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr in {"status_code", "status"}
            for t in node.targets
        ):
            return True
    return False


OFFSET_PARAMS = frozenset({"offset", "page", "skip", "page_number", "pagenumber"})
QUERY_CONTAINERS = frozenset({"args", "GET", "query_params", "query"})
OFFSET_PAGINATORS = frozenset({"PageNumberPagination", "LimitOffsetPagination"})


class OffsetPagination(PythonRule):
    id = "BS554"
    name = "offset-pagination"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#cursor-pagination"
    summary = "A list endpoint paginates with offset/page numbers instead of a cursor."
    why = (
        "OFFSET makes the database read and discard every skipped row, so deep pages get "
        "slower and slower, and rows inserted or deleted between requests are skipped or "
        "shown twice. A cursor (the sort key of the last item) is stable and uses an index."
    )
    instead = (
        "Take `cursor` and `limit` (default 25, max 100) and return `{'data': [...], "
        "'next_cursor': ..., 'has_more': ...}`; the cursor is the opaque sort key of the last "
        "item (DRF: CursorPagination)."
    )
    message = "Offset/page pagination; use an opaque cursor and limit (next_cursor, has_more)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Call,
        ast.Assign,
        ast.Constant,
    )
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/orders')\n"
            "def orders(cursor: str | None = None, limit: int = 25): ...\n"
        ),
        Valid(
            "from rest_framework.pagination import CursorPagination\n"
            "class OrderPages(CursorPagination):\n    ordering = '-created_at'\n"
        ),
        Valid("def render(page):\n    return template(page)\n"),
        Valid("from flask import request\nq = request.args.get('q')\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/v1/items')\n"
            "def items(skip: int = 0, limit: int = 100): ...\n"
        ),
        Invalid(
            "from flask import Flask, request\napp = Flask(__name__)\n"
            "@app.route('/api/v1/orders')\ndef orders():\n"
            "    page = int(request.args.get('page', 1))\n"
            "    return list_orders(page)\n"
        ),
        Invalid(
            "from rest_framework import viewsets\n"
            "from rest_framework.pagination import LimitOffsetPagination\n"
            "class OrderViewSet(viewsets.ModelViewSet):\n"
            "    pagination_class = LimitOffsetPagination\n"
        ),
        Invalid(
            "REST_FRAMEWORK = {'DEFAULT_PAGINATION_CLASS': "
            "'rest_framework.pagination.PageNumberPagination'}\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Constant):
            value = node.value
            if (
                isinstance(value, str)
                and value.startswith("rest_framework.pagination.")
                and value.rsplit(".", 1)[-1] in OFFSET_PAGINATORS
            ):
                ctx.report(self, node)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "pagination_class" for t in node.targets):
                name = ctx.qualname(node.value) or ""
                if name.rsplit(".", 1)[-1] in OFFSET_PAGINATORS:
                    ctx.report(self, node.value)
        elif isinstance(node, ast.Call):
            self._query_read(node, ctx)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not is_route_function(node, ctx, api_only=True):
                return
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            names = {a.arg.lower() for a in args}
            if "cursor" in names:
                return
            for arg in args:
                if arg.arg.lower() in OFFSET_PARAMS:
                    ctx.report(self, arg)
                    return

    def _query_read(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get" and node.args):
            return
        key = const_str(node.args[0])
        if key is None or key.lower() not in OFFSET_PARAMS:
            return
        container = func.value
        if not (
            isinstance(container, ast.Attribute)
            and container.attr in QUERY_CONTAINERS
            and isinstance(container.value, ast.Name)
            and container.value.id in {"request", "req"}
        ):
            return
        if not is_route_function(ctx.function, ctx, api_only=True):
            return
        ctx.report(self, node)
