"""API shape: route paths, error bodies with 200, pagination style. Also records the routes
(and router prefixes, app objects, rate limiters) that the project rules read."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.registry import collects
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, keyword, name_of, name_words
from backend_skill.models import Confidence, Severity

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route"}
)
WEB_APPS = frozenset({"FastAPI", "Flask", "Starlette", "Quart", "Sanic", "APIRouter", "Blueprint"})
PARAM = re.compile(r"^(\{[^}]*\}|<[^>]*>|:\w+|\(\?P<\w+>.*\)|\*.*)$")
VERBS = frozenset(
    # not "post", "set", "patch": they are nouns too (a blog post, a data set)
    {
        "get",
        "fetch",
        "create",
        "add",
        "update",
        "delete",
        "remove",
        "list",
        "make",
        "retrieve",
        "insert",
        "modify",
        "save",
        "destroy",
    }
)
UNCOUNTABLE = frozenset(
    {
        "me",
        "auth",
        "health",
        "status",
        "data",
        "metadata",
        "info",
        "search",
        "admin",
        "config",
        "settings",
        "news",
        "media",
        "staff",
        "feedback",
        "equipment",
        "software",
        "inventory",
        "api",
        "internal",
        "public",
        "private",
        "live",
        "ready",
        "startup",
        "docs",
        "openapi",
        "graphql",
        "login",
        "logout",
        "oauth",
        "callback",
        "webhook",
        "webhooks",
        "stats",
        "analytics",
        "billing",
        "account",
        "profile",
        "self",
        "current",
        "latest",
        "batch",
        "history",
        "content",
        "metrics",
        "audio",
        "video",
        "people",
        "children",
        "series",
        "sync",
        "export",
        "import",
        "upload",
        "download",
        "preview",
        "session",
        "dashboard",
        "home",
    }
)
AUTH_WORDS = (
    "login",
    "signin",
    "sign-in",
    "register",
    "signup",
    "sign-up",
    "token",
    "password",
    "forgot",
    "reset",
    "otp",
    "verify",
    "mfa",
    "2fa",
)


def route_of(decorator: ast.expr, ctx: FileContext) -> tuple[str, list[str]] | None:
    """(path, methods) for @app.get('/x'), @bp.route('/x', methods=[...]), else None."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    method = decorator.func.attr
    if method not in ROUTE_METHODS:
        return None
    path_node = decorator.args[0] if decorator.args else None
    if path_node is None:
        kw = keyword(decorator, "path") or keyword(decorator, "rule")
        path_node = kw.value if kw else None
    path = const_str(path_node)
    if path is None or (path and not path.startswith("/")):
        return None
    if method in {"route", "api_route"}:
        methods_kw = keyword(decorator, "methods")
        methods = []
        if methods_kw is not None and isinstance(methods_kw.value, (ast.List, ast.Tuple)):
            methods = [m.upper() for e in methods_kw.value.elts if (m := const_str(e))]
        methods = methods or ["GET"]
    else:
        methods = [method.upper()]
    return path, methods


def routes(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> list[tuple[ast.expr, str, list[str]]]:
    found = []
    for decorator in function.decorator_list:
        route = route_of(decorator, ctx)
        if route is not None:
            found.append((decorator, route[0], route[1]))
    return found


def static_segments(path: str) -> list[tuple[str, bool]]:
    """(segment, followed_by_parameter) for each literal segment of a route path."""
    parts = [p for p in path.strip("/").split("/") if p]
    out = []
    for index, part in enumerate(parts):
        if PARAM.match(part):
            continue
        followed = index + 1 < len(parts) and bool(PARAM.match(parts[index + 1]))
        out.append((part, followed))
    return out


def _rate_limited(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A limiter decorator or dependency on the handler (slowapi, flask-limiter, DRF...)."""
    for node in [*function.decorator_list, *function.args.defaults, *function.args.kw_defaults]:
        if node is None:
            continue
        for inner in ast.walk(node):
            name = (
                inner.id
                if isinstance(inner, ast.Name)
                else (inner.attr if isinstance(inner, ast.Attribute) else None)
            )
            if name and ("limit" in name.lower() or "throttle" in name.lower()):
                return True
    return False


@collects(ast.FunctionDef, ast.AsyncFunctionDef)
def _collect_routes(node: ast.AST, ctx: FileContext) -> None:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
        return
    for decorator, path, methods in routes(node, ctx):
        ctx.fact(
            "route",
            {
                "path": path,
                "line": decorator.lineno,
                "methods": methods,
                "function": node.name,
                "rate_limited": _rate_limited(node),
            },
        )


# A setting whose name carries the API version (`prefix=settings.API_V1_STR`, the
# full-stack-fastapi-template's): its value is defined elsewhere, its name says `/v1`.
VERSIONED_NAME = re.compile(r"(?:^|_)v(\d+)(?:_|$)", re.IGNORECASE)


def _versioned_name(expr: ast.expr) -> str | None:
    name = name_of(expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
    match = VERSIONED_NAME.search(name or "")
    return f"/v{match.group(1)}" if match else None


@collects(ast.Call)
def _collect_apps_and_prefixes(node: ast.AST, ctx: FileContext) -> None:
    if not isinstance(node, ast.Call):
        return
    name = ctx.call_name(node) or ""
    last = name.rsplit(".", 1)[-1]
    if last in WEB_APPS:
        ctx.fact("web_app", {"line": node.lineno, "kind": last})
    for key in ("prefix", "url_prefix"):
        kw = keyword(node, key)
        prefix = ctx.string_value(kw.value) if kw else None
        if prefix is None and kw is not None:
            prefix = _versioned_name(kw.value)
        if prefix:
            ctx.fact("route_prefix", {"prefix": prefix, "line": node.lineno})
    if last in {"path", "re_path", "url"} and name.startswith("django"):
        route = const_str(node.args[0]) if node.args else None
        if route is not None:
            ctx.fact(
                "route",
                {
                    "path": "/" + route,
                    "line": node.lineno,
                    "methods": [],
                    "function": "",
                    "rate_limited": False,
                },
            )
            ctx.fact("route_prefix", {"prefix": "/" + route, "line": node.lineno})
    lowered = last.lower()
    if lowered in {"limiter", "slowapimiddleware", "ratelimitmiddleware"} or (
        "ratelimit" in lowered and last[:1].isupper()
    ):
        middleware = "middleware" in lowered
        defaults = any(
            kw.arg in {"default_limits", "application_limits", "global_limits"}
            for kw in node.keywords
        )
        ctx.fact(
            "rate_limiter", {"line": node.lineno, "name": last, "global": middleware or defaults}
        )


def _is_route_handler(ctx: FileContext, node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and bool(routes(node, ctx))


class VerbInRoutePath(PythonRule):
    id = "BS501"
    name = "verb-in-route-path"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#resource-naming"
    summary = "A route path names an action (`/getUser`, `/create-order`) instead of a resource."
    why = (
        "The HTTP method already says what happens; verbs in paths multiply endpoints, break "
        "caching and idempotency expectations, and make the API inconsistent to learn."
    )
    instead = (
        "Name resources with plural nouns and let the method act: `POST /orders`, `GET "
        "/users/{id}`."
    )
    message = "Verb '{verb}' in the route path; use a resource noun and the HTTP method."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid("@app.post('/v1/orders')\ndef create_order(): ...\n"),
        Valid("@app.post('/v1/orders/{order_id}/cancel')\ndef cancel(order_id): ...\n"),
        Valid("@router.get('/v1/settings')\ndef settings(): ...\n"),
    )
    invalid = (
        Invalid("@app.post('/v1/createOrder')\ndef create_order(): ...\n"),
        Invalid("@bp.route('/api/get_user/<int:uid>')\ndef user(uid): ...\n"),
        Invalid("@router.delete('/v1/orders/{id}/delete')\nasync def delete(id): ...\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not (
            node.decorator_list
        ):
            return
        for decorator, path, _methods in routes(node, ctx):
            for segment, _ in static_segments(path):
                words = sorted(name_words(segment), key=lambda w: segment.lower().find(w))
                if words and words[0] in VERBS:
                    ctx.report(self, decorator, self.message.format(verb=words[0]))
                    return


class SingularCollectionName(PythonRule):
    id = "BS502"
    name = "singular-collection-name"
    area = "api-design"
    severity = Severity.INFO
    confidence = Confidence.LOW
    pattern = "api-design-patterns#resource-naming"
    summary = "A collection segment followed by an id is singular (`/user/{id}`)."
    why = (
        "Collections are plural (`/users`, `/users/{id}`) so that the list and its members "
        "share one path; mixing singular and plural makes every client guess."
    )
    instead = "Use the plural noun for the collection: `/users/{user_id}`."
    message = "Collection '{segment}' is singular; use the plural ('{segment}s')."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid("@app.get('/v1/users/{user_id}')\ndef user(user_id): ...\n"),
        Valid("@app.get('/v1/me')\ndef me(): ...\n"),
        Valid("@app.get('/v1/users/{user_id}/profile')\ndef profile(user_id): ...\n"),
    )
    invalid = (
        Invalid("@app.get('/v1/user/{user_id}')\ndef user(user_id): ...\n"),
        Invalid("@bp.route('/v1/invoice/<int:invoice_id>')\ndef invoice(invoice_id): ...\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not (
            node.decorator_list
        ):
            return
        for decorator, path, _methods in routes(node, ctx):
            for segment, followed in static_segments(path):
                word = segment.lower()
                if (
                    followed
                    and word.isalpha()
                    and not word.endswith("s")
                    and word not in UNCOUNTABLE
                    and not re.fullmatch(r"v\d+", word)
                ):
                    ctx.report(self, decorator, self.message.format(segment=segment))
                    return


def _error_dict(expr: ast.AST | None) -> bool:
    if isinstance(expr, ast.Dict):
        return any(const_str(k) in {"error", "errors"} for k in expr.keys)
    if isinstance(expr, ast.Call):
        name = name_of(expr.func) or ""
        if name == "jsonify":
            return any(k.arg in {"error", "errors"} for k in expr.keywords) or any(
                _error_dict(a) for a in expr.args
            )
        if name in {"JSONResponse", "JsonResponse", "ORJSONResponse", "UJSONResponse"}:
            status = keyword(expr, "status_code") or keyword(expr, "status")
            body = expr.args[0] if expr.args else None
            if body is None:
                content = keyword(expr, "content")
                body = content.value if content else None
            if len(expr.args) >= 2:
                return False
            if status is None or (
                isinstance(status.value, ast.Constant) and status.value.value == 200
            ):
                return _error_dict(body)
    return False


class ErrorBodyWithStatus200(PythonRule):
    id = "BS504"
    name = "error-body-with-200"
    area = "api-design"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#status-codes"
    summary = "A route handler returns an error body with status 200."
    why = (
        "Clients, proxies, retries, caches and monitoring all decide by status code; an error "
        "sent as 200 is cached, counted as success and never retried or alerted on."
    )
    instead = (
        "Return the error envelope with a 4xx/5xx status: `raise HTTPException(404, ...)`, "
        "`return jsonify(error=...), 404`, `JSONResponse(body, status_code=422)`."
    )
    message = (
        "Error body returned with status 200; return a 4xx/5xx status with the error envelope."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "@app.get('/v1/orders/{id}')\ndef get(id):\n"
            "    raise HTTPException(status_code=404, detail='not found')\n"
        ),
        Valid("@bp.route('/v1/x')\ndef x():\n    return jsonify(error='bad'), 400\n"),
        Valid(
            "@app.get('/v1/x')\ndef x(response: Response):\n"
            "    response.status_code = 404\n    return {'error': 'missing'}\n"
        ),
        Valid("def helper():\n    return {'error': 'not a route'}\n"),
    )
    invalid = (
        Invalid(
            "@app.get('/v1/orders/{id}')\ndef get(id):\n"
            "    if id not in db:\n        return {'error': 'not found'}\n    return db[id]\n"
        ),
        Invalid("@bp.route('/v1/x')\ndef x():\n    return jsonify(error='bad')\n"),
        Invalid(
            "@app.post('/v1/x')\nasync def x():\n"
            "    return JSONResponse({'error': {'code': 'BAD'}})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if (
            not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or not (node.decorator_list)
            or not _is_route_handler(ctx, node)
        ):
            return
        returns = []
        stack: list[ast.AST] = list(node.body)
        while stack:
            inner = stack.pop()
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(inner, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr in {"status_code", "status"}
                for t in inner.targets
            ):
                return  # the handler sets the status itself
            if isinstance(inner, ast.Return):
                returns.append(inner)
            stack.extend(ast.iter_child_nodes(inner))
        for ret in sorted(returns, key=lambda r: r.lineno):
            if _error_dict(ret.value):
                ctx.report(self, ret)


OFFSET_NAMES = frozenset({"offset", "page", "skip", "page_number", "pagenum"})


class OffsetPagination(PythonRule):
    id = "BS505"
    name = "offset-pagination"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#cursor-pagination"
    summary = "A list endpoint paginates by offset/page number instead of a cursor."
    why = (
        "Offset pages shift when rows are inserted or deleted (items are skipped or repeated) "
        "and get slower the deeper a client goes, because the database still reads every "
        "skipped row."
    )
    instead = (
        "Paginate with an opaque cursor of the sort key: `?cursor=...&limit=25` answered with "
        "`{'data': [...], 'next_cursor': ..., 'has_more': ...}`."
    )
    message = "Offset/page pagination ('{name}'); use an opaque cursor with limit."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "@app.get('/v1/orders')\ndef orders(cursor: str | None = None, limit: int = 25): ...\n"
        ),
        Valid("def page(offset):\n    return offset\n"),
    )
    invalid = (
        Invalid("@app.get('/v1/orders')\ndef orders(offset: int = 0, limit: int = 25): ...\n"),
        Invalid(
            "@bp.route('/v1/orders')\ndef orders():\n"
            "    page = int(request.args.get('page', 1))\n    return paginate(page)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if (
            not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or not (node.decorator_list)
            or not _is_route_handler(ctx, node)
        ):
            return
        for arg in [*node.args.args, *node.args.kwonlyargs]:
            if arg.arg in OFFSET_NAMES:
                ctx.report(self, arg, self.message.format(name=arg.arg))
                return
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "get"
                and inner.args
                and const_str(inner.args[0]) in OFFSET_NAMES
                and name_of(inner.func.value) in {"args", "GET", "query_params"}
            ):
                ctx.report(self, inner, self.message.format(name=const_str(inner.args[0])))
                return
