"""Inbound webhooks parsed before their signature is checked, CORS that echoes any Origin,
and JWTs decoded without checking who issued them and for whom."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import is_test_path, words
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    decorated_route_path,
    has_splat,
    keyword,
    name_of,
)
from backend_skill.models import Confidence, Severity

ROUTE_DECORATORS = frozenset({"post", "route", "api_route", "put"})
VERIFY_WORDS = frozenset({"verify", "verified", "signature", "compare", "construct", "validate"})


def _parses_body(call: ast.Call, ctx: FileContext) -> bool:
    func = call.func
    if ctx.call_name(call) in {"json.loads", "orjson.loads", "ujson.loads"}:
        return True
    if isinstance(func, ast.Attribute) and func.attr in {"get_json", "json"}:
        root = func.value
        return isinstance(root, ast.Name) and root.id in {"request", "req"}
    return False


def _verifies(call: ast.Call) -> bool:
    name = name_of(call.func) or ""
    return bool(words(name) & VERIFY_WORDS) or name == "compare_digest"


class WebhookParsedBeforeVerification(PythonRule):
    id = "BS351"
    name = "webhook-parsed-before-verification"
    area = "webhooks"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (345, 347)
    pattern = "security-patterns#webhook-signatures"
    summary = "A webhook handler parses the body before (or without) verifying its signature."
    why = (
        "Anyone can POST to a webhook URL. Parsing first means acting on (and exposing the "
        "parser to) forged payloads, and re-serialized JSON no longer matches the bytes the "
        "sender signed, so verification after parsing tends to be skipped or broken."
    )
    instead = (
        "Read the raw body, verify `X-Webhook-Signature` (HMAC-SHA256 over "
        "`f'{timestamp}.{body}'`, hmac.compare_digest, 300 s tolerance) and only then parse; "
        "answer 2xx fast and process asynchronously."
    )
    message = (
        "Webhook body parsed before its signature is verified; verify the raw body first, "
        "then parse."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "import hmac, json\nfrom flask import Flask, request\napp = Flask(__name__)\n"
            "@app.post('/webhooks/payments')\n"
            "def payments():\n"
            "    body = request.get_data()\n"
            "    if not verify_signature(body, request.headers['X-Webhook-Signature']):\n"
            "        return {'error': {'code': 'BAD_SIGNATURE'}}, 401\n"
            "    event = json.loads(body)\n"
            "    enqueue(event)\n"
            "    return '', 204\n"
        ),
        Valid(
            "import stripe\nfrom flask import Flask, request\napp = Flask(__name__)\n"
            "@app.post('/webhooks/stripe')\n"
            "def hook():\n"
            "    event = stripe.Webhook.construct_event(request.data, sig, SECRET)\n"
            "    return '', 204\n"
        ),
        Valid(
            "from fastapi import Depends, FastAPI, Request\napp = FastAPI()\n"
            "@app.post('/webhooks/github', dependencies=[Depends(verify_signature)])\n"
            "async def github(request: Request):\n"
            "    return await request.json()\n"
        ),
    )
    invalid = (
        Invalid(
            "from flask import Flask, request\napp = Flask(__name__)\n"
            "@app.post('/webhooks/payments')\n"
            "def payments():\n"
            "    event = request.get_json()\n"
            "    if not verify_signature(request.get_data(), request.headers['X-Sig']):\n"
            "        return '', 401\n"
            "    return '', 204\n"
        ),
        Invalid(
            "from fastapi import FastAPI, Request\napp = FastAPI()\n"
            "@app.post('/v1/webhooks/orders')\n"
            "async def orders_webhook(request: Request):\n"
            "    event = await request.json()\n"
            "    await handle(event)\n"
            "    return {'ok': True}\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if not node.decorator_list:
            return
        path = decorated_route_path(node, ROUTE_DECORATORS)
        if path is None or "webhook" not in (path + node.name).lower():
            return
        if _verified_elsewhere(node):
            return
        first_parse: ast.Call | None = None
        first_verify: int | None = None
        for part in ast.walk(node):
            if not isinstance(part, ast.Call):
                continue
            if _verifies(part):
                line = part.lineno
                first_verify = line if first_verify is None else min(first_verify, line)
            elif _parses_body(part, ctx) and (
                first_parse is None or part.lineno < first_parse.lineno
            ):
                first_parse = part
        if first_parse is None:
            return
        if first_verify is None or first_parse.lineno < first_verify:
            ctx.report(self, first_parse)


def _verified_elsewhere(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A decorator or dependency whose name says it verifies (signature, verify, ...)."""
    for expr in [*function.decorator_list, *function.args.defaults, *function.args.kw_defaults]:
        if expr is None:
            continue
        for part in ast.walk(expr):
            if isinstance(part, (ast.Name, ast.Attribute)) and (
                words(name_of(part) or "") & VERIFY_WORDS
            ):
                return True
    return False


ALLOW_ORIGIN = "access-control-allow-origin"


def _origin_header(expr: ast.AST) -> bool:
    """`request.headers['Origin']`, `request.headers.get('origin')`, `request.META[...]`."""
    for part in ast.walk(expr):
        key: str | None = None
        if isinstance(part, ast.Subscript):
            key = const_str(part.slice)
        elif (
            isinstance(part, ast.Call)
            and isinstance(part.func, ast.Attribute)
            and part.func.attr == "get"
            and part.args
        ):
            key = const_str(part.args[0])
        if key is not None and key.lower() in {"origin", "http_origin"}:
            return True
    return False


def _checked_by_membership(ctx: FileContext) -> bool:
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.If, ast.IfExp)):
            for part in ast.walk(ancestor.test):
                if isinstance(part, ast.Compare) and any(
                    isinstance(op, (ast.In, ast.Eq)) for op in part.ops
                ):
                    return True
                if isinstance(part, ast.Call) and words(name_of(part.func) or "") & {
                    "allowed",
                    "trusted",
                    "match",
                    "fullmatch",
                }:
                    return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
    return False


class CorsOriginReflected(PythonRule):
    id = "BS352"
    name = "cors-origin-reflected"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (942, 346)
    pattern = "security-patterns#cors"
    summary = "Access-Control-Allow-Origin is set to the request's own Origin, unchecked."
    why = (
        "Echoing any Origin is `*` without the browser's safety net: combined with "
        "credentials, every website a user visits can call the API as that user and read the "
        "answers."
    )
    instead = (
        "Compare the Origin with an explicit allow-list and echo it only when it is on the "
        "list (add `Vary: Origin`); or use the framework's CORS middleware with "
        "`allow_origins=[...]`."
    )
    message = (
        "Request Origin echoed into Access-Control-Allow-Origin; check it against an allow-list."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Assign, ast.Call)
    methods: ClassVar[frozenset[str]] = frozenset({"set", "add", "__setitem__", "setdefault"})
    valid = (
        Valid(
            "def cors(request, response):\n"
            "    origin = request.headers.get('Origin')\n"
            "    if origin in ALLOWED_ORIGINS:\n"
            "        response.headers['Access-Control-Allow-Origin'] = origin\n"
            "        response.headers['Vary'] = 'Origin'\n"
        ),
        Valid(
            "def cors(response):\n"
            "    response.headers['Access-Control-Allow-Origin'] = 'https://app.example.com'\n"
        ),
    )
    invalid = (
        Invalid(
            "def cors(request, response):\n"
            "    response.headers['Access-Control-Allow-Origin'] = request.headers['Origin']\n"
            "    response.headers['Access-Control-Allow-Credentials'] = 'true'\n"
        ),
        Invalid(
            "def cors(request, response):\n"
            "    origin = request.headers.get('origin', '*')\n"
            "    response.headers.set('Access-Control-Allow-Origin', origin)\n"
        ),
        Invalid(
            "def cors(request, response):\n"
            "    response['Access-Control-Allow-Origin'] = request.META.get('HTTP_ORIGIN')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and (const_str(target.slice) or "").lower() == ALLOW_ORIGIN
                ):
                    value = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"set", "add", "__setitem__", "setdefault"}
            and len(node.args) >= 2
            and (const_str(node.args[0]) or "").lower() == ALLOW_ORIGIN
        ):
            value = node.args[1]
        if value is None:
            return
        sources = [value]
        if isinstance(value, ast.Name):
            sources = ctx.assigned_values(value.id)
        if any(_origin_header(s) for s in sources) and not _checked_by_membership(ctx):
            ctx.report(self, node)


JWT_DECODE = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})


class JwtClaimsNotChecked(PythonRule):
    id = "BS251"
    name = "jwt-audience-issuer-unchecked"
    area = "authentication-and-authorization"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    cwe = (287,)
    pattern = "security-patterns#jwt-access-tokens"
    summary = "A JWT is decoded without checking its audience or issuer."
    why = (
        "A valid signature only says some holder of the key made the token. Without `aud` and "
        "`iss` checks, a token issued for another service (or by a test issuer sharing the "
        "key) is accepted here too."
    )
    instead = (
        "Pass what this service accepts: `jwt.decode(token, key, algorithms=['RS256'], "
        "audience='orders-api', issuer='https://auth.example.com')`."
    )
    message = (
        "JWT decoded without audience= and issuer=; check who the token is for and who made it."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(JWT_DECODE)
    valid = (
        Valid(
            "import jwt\nclaims = jwt.decode(token, key, algorithms=['RS256'], "
            "audience='orders-api', issuer=ISSUER)\n"
        ),
        Valid(
            "import jwt\nclaims = jwt.decode(token, key, algorithms=['HS256'], "
            "audience=settings.jwt_audience)\n"
        ),
        Valid("import jwt\nclaims = jwt.decode(token, key, algorithms=['HS256'], **CHECKS)\n"),
        Valid("import jwt\nclaims = jwt.decode(token, options={'verify_signature': False})\n"),
    )
    invalid = (
        Invalid("import jwt\nclaims = jwt.decode(token, key, algorithms=['HS256'])\n"),
        Invalid(
            "from jose import jwt\n"
            "def claims(token):\n"
            "    return jwt.decode(token, settings.public_key, algorithms=['RS256'])\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in JWT_DECODE:
            return
        if has_splat(node) or keyword(node, "algorithms") is None:
            return  # without algorithms (or without verification) other rules say more
        options = keyword(node, "options")
        if options is not None:
            return
        # either check shows the claims were thought about; neither accepts any issuer's token
        if keyword(node, "audience") is None and keyword(node, "issuer") is None:
            ctx.report(self, node)
