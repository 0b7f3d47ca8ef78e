"""HTTP contracts in handlers and clients: 429 without Retry-After, webhooks sent unsigned,
GET handlers that change data, and list endpoints that return whole tables."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import is_test_path, words
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, has_splat, keyword, name_of
from backend_skill.models import Confidence, Severity

ERROR_RESPONSES = frozenset(
    {"HTTPException", "JSONResponse", "Response", "HttpResponse", "JsonResponse", "abort"}
    | {"make_response", "PlainTextResponse", "ORJSONResponse"}
)


def _status_of(call: ast.Call) -> int | None:
    for name in ("status_code", "status"):
        kw = keyword(call, name)
        if kw is not None:
            value = kw.value
            return (
                value.value
                if isinstance(value, ast.Constant) and type(value.value) is int
                else None
            )
    if name_of(call.func) in {"HTTPException", "abort"} and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and type(first.value) is int:
            return first.value
    return None


def _mentions_retry_after(expr: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and n.value.lower() == "retry-after"
        for n in ast.walk(expr)
    )


class TooManyRequestsWithoutRetryAfter(PythonRule):
    id = "BS555"
    name = "too-many-requests-without-retry-after"
    area = "rate-limiting-and-caching"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#rate-limiting"
    summary = "A 429 response is built without a Retry-After header."
    why = (
        "Without Retry-After clients guess when to come back: most retry at once, which keeps "
        "them over the limit and multiplies the load the limit was protecting against."
    )
    instead = (
        "Send `Retry-After` (integer seconds, rounded up) with every 429, plus "
        "RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset."
    )
    message = "429 without Retry-After; tell clients when to retry (integer seconds)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    valid = (
        Valid(
            "from fastapi import HTTPException\n"
            "raise HTTPException(status_code=429, detail={'code': 'RATE_LIMITED'}, "
            "headers={'Retry-After': str(wait)})\n"
        ),
        Valid("from fastapi import HTTPException\nraise HTTPException(status_code=404)\n"),
        Valid(
            "from starlette.responses import JSONResponse\n"
            "r = JSONResponse(body, status_code=429, headers=limit_headers(wait))\n"
        ),
        Valid(
            "from django.http import JsonResponse\n"
            "def limited(wait):\n"
            "    response = JsonResponse({'error': {'code': 'RATE_LIMITED'}}, status=429)\n"
            "    response['Retry-After'] = str(wait)\n"
            "    return response\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import HTTPException\n"
            "raise HTTPException(status_code=429, detail='slow down')\n"
        ),
        Invalid("from flask import abort\nabort(429)\n"),
        Invalid(
            "from starlette.responses import JSONResponse\n"
            "r = JSONResponse({'error': {'code': 'RATE_LIMITED'}}, status_code=429)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, ast.Call) or name_of(node.func) not in ERROR_RESPONSES:
            return
        if _status_of(node) != 429 or has_splat(node):
            return
        headers = keyword(node, "headers")
        if headers is not None and not (
            isinstance(headers.value, ast.Dict) and not _mentions_retry_after(headers.value)
        ):
            return
        # set afterwards: `response["Retry-After"] = str(wait)` in the same function
        if ctx.function is not None and _mentions_retry_after(ctx.function):
            return
        ctx.report(self, node)


POST_CALLS = frozenset({"requests.post", "httpx.post", "requests.request", "httpx.request"})


class UnsignedOutboundWebhook(PythonRule):
    id = "BS354"
    name = "unsigned-outbound-webhook"
    area = "webhooks"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (345,)
    pattern = "api-design-patterns#outbound-webhooks"
    summary = "A webhook is delivered without a signature header."
    why = (
        "Receivers cannot tell your deliveries from anyone else's POST to their endpoint; "
        "without a signature (and timestamp) they either trust forged events or cannot "
        "safely act on yours."
    )
    instead = (
        "Sign every delivery: `X-Webhook-ID`, `X-Webhook-Timestamp` and `X-Webhook-Signature: "
        "v1=<hex HMAC-SHA256(secret, f'{timestamp}.{body}')>` over the exact bytes sent."
    )
    message = (
        "Webhook delivered without a signature; send X-Webhook-Timestamp and X-Webhook-Signature."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods: ClassVar[frozenset[str]] = frozenset({"post", "request"})
    valid = (
        Valid(
            "import requests\n"
            "def deliver(endpoint, body, headers):\n"
            "    requests.post(endpoint.webhook_url, data=body, headers=headers, timeout=10)\n"
        ),
        Valid(
            "import requests\n"
            "def deliver(webhook, body, sig, ts):\n"
            "    requests.post(webhook.url, data=body, timeout=10, headers={\n"
            "        'X-Webhook-Timestamp': ts, 'X-Webhook-Signature': sig})\n"
        ),
        Valid("import requests\nrequests.post(API_URL, json=order, timeout=10)\n"),
    )
    invalid = (
        Invalid(
            "import requests\n"
            "def deliver(subscription, event):\n"
            "    requests.post(subscription.webhook_url, json=event, timeout=10)\n"
        ),
        Invalid(
            "import httpx\n"
            "def deliver(webhook, event):\n"
            "    httpx.post(webhook.url, json=event,\n"
            "               headers={'Content-Type': 'application/json'})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in POST_CALLS:
            return
        if has_splat(node):
            return
        method_first = (ctx.call_name(node) or "").endswith(".request")
        if method_first and (const_str(node.args[0]) if node.args else "") != "POST":
            return
        url_kw = keyword(node, "url")
        index = 1 if method_first else 0
        url = url_kw.value if url_kw else (node.args[index] if len(node.args) > index else None)
        if url is None or not _webhook_target(url):
            return
        headers = keyword(node, "headers")
        unsigned = headers is None or (
            isinstance(headers.value, ast.Dict)
            and not any("signature" in (const_str(k) or "").lower() for k in headers.value.keys)
        )
        if unsigned:
            ctx.report(self, node)


def _webhook_target(url: ast.AST) -> bool:
    for part in ast.walk(url):
        if isinstance(part, (ast.Name, ast.Attribute)) and "webhook" in words(name_of(part) or ""):
            return True
        if isinstance(part, ast.Name) and "webhooks" in words(part.id):
            return True
    return False


ROUTE_GET = frozenset({"get"})
WRITE_METHODS = frozenset({"commit", "save", "delete", "bulk_create", "bulk_update"})


def _get_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        path = const_str(decorator.args[0]) if decorator.args else None
        if path is None or not path.startswith("/"):
            continue
        if decorator.func.attr in ROUTE_GET:
            return True
        if decorator.func.attr == "route":
            methods = keyword(decorator, "methods")
            if methods is None:
                return True  # Flask's default is GET only
            names = {(const_str(e) or "").upper() for e in ast.walk(methods.value)}
            return names <= {"GET", "HEAD", ""}
    return False


class GetWithSideEffects(PythonRule):
    id = "BS553"
    name = "get-handler-writes"
    area = "api-design"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#http-methods"
    summary = "A GET handler commits, saves or deletes data."
    why = (
        "GET is safe by contract: browsers prefetch it, crawlers follow it, caches and proxies "
        "replay it, and clients retry it freely. A GET that writes changes data whenever any "
        "of them touches the link."
    )
    instead = (
        "Move the change to POST/PUT/PATCH/DELETE (an action becomes a sub-resource: "
        "`POST /v1/orders/{id}/cancellation`); keep GET read-only."
    )
    message = "GET handler writes data; use POST/PUT/PATCH/DELETE for changes and keep GET safe."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/orders/{oid}')\ndef order(oid: str, session=None):\n"
            "    return session.get(Order, oid)\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/orders/{oid}/cancellation', status_code=201)\n"
            "def cancel(oid: str, session=None):\n"
            "    session.commit()\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/api/v1/orders', methods=['GET', 'POST'])\ndef orders():\n"
            "    db.session.commit()\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/orders/{oid}/cancel')\ndef cancel(oid: str, session=None):\n"
            "    order = session.get(Order, oid)\n    order.state = 'cancelled'\n"
            "    session.commit()\n"
        ),
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/api/v1/users/<uid>/delete')\ndef delete(uid):\n"
            "    User.query.get(uid).delete()\n    return '', 204\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            return
        if not _get_route(node):
            return
        for part in ast.walk(node):
            if _writes(part):
                ctx.report(self, part)
                return


def _writes(part: ast.AST) -> bool:
    if not (isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute)):
        return False
    method = part.func.attr
    if method not in WRITE_METHODS:
        return False
    receiver = (name_of(part.func.value) or "").lower()
    if any(word in receiver for word in ("cache", "redis", "storage", "client", "s3", "file")):
        return False
    if method == "commit" or not part.args:
        return True  # session.commit(), order.save(), qs.delete()
    return receiver in {"session", "db", "db_session"}  # session.delete(obj)
