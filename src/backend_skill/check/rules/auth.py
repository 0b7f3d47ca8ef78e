"""Authentication tokens: JWT verification, algorithms and lifetimes."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    is_const,
    keyword,
    name_words,
    own_nodes,
    target_names,
)
from backend_skill.models import Confidence, Severity

JWT_DECODE = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})
JWT_ENCODE = frozenset({"jwt.encode", "jose.jwt.encode"})
MAX_ACCESS_SECONDS = 15 * 60
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


def _is_false(expr: ast.AST, ctx: FileContext) -> bool:
    """False written here or through a name bound once to it (`VERIFY_SIGNATURE = False`)."""
    found = ctx.constant(expr)
    return found is not None and is_const(found, False)


def _options_disable_signature(call: ast.Call, ctx: FileContext) -> bool:
    options = keyword(call, "options")
    if options is None or not isinstance(options.value, ast.Dict):
        return False
    for key, value in zip(options.value.keys, options.value.values, strict=True):
        if const_str(key) == "verify_signature" and _is_false(value, ctx):
            return True
    return False


def _none_algorithm(expr: ast.AST | None) -> bool:
    if expr is None:
        return False
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.lower() == "none"
        for n in ast.walk(expr)
    )


def _verified_later(peek: ast.Call, ctx: FileContext) -> bool:
    """The same function decodes the same token again with verification on: the unverified
    look only read the issuer or key id to pick the key (OIDC back-channel logout)."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not peek.args:
        return False
    token = ast.dump(peek.args[0])
    for node in own_nodes(function.body):
        if (
            isinstance(node, ast.Call)
            and node is not peek
            and node.lineno > peek.lineno
            and ctx.call_name(node) in JWT_DECODE
            and node.args
            and ast.dump(node.args[0]) == token
            and not _options_disable_signature(node, ctx)
            and not any(k.arg == "verify" and _is_false(k.value, ctx) for k in node.keywords)
        ):
            return True
    return False


class JwtVerificationDisabled(PythonRule):
    id = "BS208"
    name = "jwt-verification-disabled"
    area = "authentication-and-authorization"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (347,)
    pattern = "security-patterns#jwt-access-tokens"
    summary = (
        "A JWT is decoded without verifying its signature, or the `none` algorithm is allowed."
    )
    why = (
        "An unverified token is just JSON anyone can write: with verification off (or `none` "
        "accepted) a client makes itself any user, with any role."
    )
    instead = (
        "Always verify: `jwt.decode(token, key, algorithms=['RS256'], audience=..., issuer=...)`; "
        "read the unverified header only to pick the key (`jwt.get_unverified_header`)."
    )
    message = (
        "JWT signature not verified (or 'none' allowed); verify with an explicit algorithm list."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = JWT_DECODE | JWT_ENCODE
    valid = (
        Valid(
            "import jwt\nclaims = jwt.decode(token, key, algorithms=['HS256'], audience='api')\n"
        ),
        Valid("import jwt\nheader = jwt.get_unverified_header(token)\n"),
        Valid(
            "from jose import jwt\nVERIFY_SIGNATURE = True\n"
            "def claims(token):\n"
            "    return jwt.decode(token, KEY, algorithms=['HS256'],\n"
            "                      options={'verify_signature': VERIFY_SIGNATURE})\n"
        ),
        Valid(
            "import jwt\n"
            "def claims(token, verify):\n"
            "    return jwt.decode(token, KEY, algorithms=['HS256'],\n"
            "                      options={'verify_signature': verify})\n"
        ),
        # peek at the issuer to pick the provider, then verify with its keys
        Valid(
            "import jwt\n"
            "def backchannel_logout(logout_token, providers):\n"
            "    issuer = jwt.decode(logout_token, options={'verify_signature': False})['iss']\n"
            "    provider = providers[issuer]\n"
            "    key = provider.jwks.get_signing_key_from_jwt(logout_token).key\n"
            "    return jwt.decode(logout_token, key, algorithms=['RS256'],\n"
            "                      audience=provider.client_id, issuer=issuer)\n"
        ),
    )
    invalid = (
        Invalid("import jwt\nclaims = jwt.decode(token, options={'verify_signature': False})\n"),
        Invalid("import jwt\nclaims = jwt.decode(token, key, algorithms=['none', 'HS256'])\n"),
        Invalid("import jwt\nclaims = jwt.decode(token, key, verify=False)\n"),
        Invalid("import jwt\nt = jwt.encode(payload, None, algorithm='none')\n"),
        # decoded twice, never verified
        Invalid(
            "import jwt\n"
            "def session_expiry(id_token):\n"
            "    iss = jwt.decode(id_token, options={'verify_signature': False})['iss']\n"
            "    return jwt.decode(id_token, options={'verify_signature': False})['exp'], iss\n",
            count=2,
        ),
        Invalid(
            "from jose import jwt\nVERIFY_SIGNATURE = False\n"
            "def claims(token):\n"
            "    return jwt.decode(token, KEY, algorithms=['HS256'],\n"
            "                      options={'verify_signature': VERIFY_SIGNATURE})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node)
        if name in JWT_DECODE:
            verify = keyword(node, "verify")
            algorithms = keyword(node, "algorithms")
            if _none_algorithm(algorithms.value if algorithms else None) or (
                (
                    _options_disable_signature(node, ctx)
                    or (verify is not None and _is_false(verify.value, ctx))
                )
                and not _verified_later(node, ctx)
            ):
                ctx.report(self, node)
        elif name in JWT_ENCODE:
            algorithm = keyword(node, "algorithm")
            if algorithm is not None and _none_algorithm(algorithm.value):
                ctx.report(self, node)


class JwtDecodeWithoutAlgorithms(PythonRule):
    id = "BS209"
    name = "jwt-decode-without-algorithms"
    area = "authentication-and-authorization"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (347,)
    pattern = "security-patterns#jwt-access-tokens"
    summary = "jwt.decode without `algorithms=`: the token picks its own algorithm."
    why = (
        "Without an allow-list the token header chooses the algorithm; the classic attack signs "
        "an HS256 token with the server's public RSA key, which verifies. PyJWT 2 refuses to "
        "decode without it; older code and other libraries do not."
    )
    instead = "Pass the exact algorithms you issue: `jwt.decode(token, key, algorithms=['RS256'])`."
    message = "jwt.decode without algorithms=[...]; pass the allowed algorithms explicitly."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = JWT_DECODE
    valid = (
        Valid("import jwt\nclaims = jwt.decode(token, key, algorithms=['RS256'])\n"),
        Valid("import jwt\nclaims = jwt.decode(token, key, **JWT_OPTIONS)\n"),
        Valid("import base64\nraw = base64.b64decode(data)\n"),
    )
    invalid = (
        Invalid("import jwt\nclaims = jwt.decode(token, settings.jwt_key)\n"),
        Invalid("from jose import jwt\nclaims = jwt.decode(token, key, audience='api')\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in JWT_DECODE:
            return
        if keyword(node, "algorithms") or any(k.arg is None for k in node.keywords):
            return
        if len(node.args) >= 3 or _options_disable_signature(node, ctx):
            return  # positional algorithms, or BS208 already says worse
        verify = keyword(node, "verify")
        if verify is not None and _is_false(verify.value, ctx):
            return
        ctx.report(self, node)


def _timedelta_seconds(expr: ast.AST, ctx: FileContext) -> float | None:
    """Seconds of a constant `timedelta(minutes=60)` (also inside `now + timedelta(...)`)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and (ctx.call_name(node) or "").endswith("timedelta"):
            total = 0.0
            if node.args:
                first = node.args[0]
                if not isinstance(first, ast.Constant) or not isinstance(first.value, int | float):
                    return None
                total += first.value * 86400
            for kw in node.keywords:
                if kw.arg not in UNIT_SECONDS:
                    return None
                if not isinstance(kw.value, ast.Constant) or not isinstance(
                    kw.value.value, int | float
                ):
                    return None
                total += kw.value.value * UNIT_SECONDS[kw.arg]
            return total
    return None


ACCESS_CONSTANT = re.compile(r"ACCESS.*(EXPIRE|TTL|LIFETIME|LIFE|DURATION)", re.IGNORECASE)


class LongLivedAccessToken(PythonRule):
    id = "BS210"
    name = "long-lived-access-token"
    area = "authentication-and-authorization"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (613,)
    pattern = "security-patterns#jwt-access-tokens"
    summary = "An access token lives longer than 15 minutes."
    why = (
        "Access tokens are not checked against a session store, so a stolen one works until it "
        "expires. Short lifetimes (at most 15 minutes) plus rotating refresh tokens bound the "
        "damage of a leak."
    )
    instead = (
        "Issue access tokens for 10-15 minutes (`timedelta(minutes=10)`) and use refresh-token "
        "rotation for longer sessions."
    )
    message = (
        "Access token lifetime over 15 minutes; keep it at 15 minutes or less and rotate "
        "refresh tokens."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Assign, ast.AnnAssign, ast.Dict)
    valid = (
        Valid("ACCESS_TOKEN_EXPIRE_MINUTES = 10\n"),
        Valid("REFRESH_TOKEN_EXPIRE_DAYS = 30\n"),
        Valid(
            "from datetime import datetime, timedelta, timezone\n"
            "claims = {'sub': uid, 'exp': datetime.now(timezone.utc) + timedelta(minutes=10)}\n"
        ),
    )
    invalid = (
        Invalid("ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24\n"),
        Invalid(
            "from datetime import datetime, timedelta, timezone\n"
            "import jwt\n"
            "payload = {'sub': uid, 'exp': datetime.now(timezone.utc) + timedelta(hours=12)}\n"
            "token = jwt.encode(payload, key, algorithm='HS256')\n"
        ),
        Invalid("from datetime import timedelta\nACCESS_TOKEN_LIFETIME = timedelta(days=1)\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if const_str(key) == "exp" and not self._refresh_context(ctx):
                    seconds = _timedelta_seconds(value, ctx)
                    if seconds is not None and seconds > MAX_ACCESS_SECONDS:
                        ctx.report(self, value)
            return
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            return
        for name in target_names(node):
            if not ACCESS_CONSTANT.search(name) or "refresh" in name.lower():
                continue
            seconds = _constant_seconds(name, node.value, ctx)
            if seconds is not None and seconds > MAX_ACCESS_SECONDS:
                ctx.report(self, node)
                return

    @staticmethod
    def _refresh_context(ctx: FileContext) -> bool:
        for ancestor in reversed(ctx.ancestors):
            if isinstance(ancestor, (ast.Assign, ast.AnnAssign)):
                return any("refresh" in n.lower() for n in target_names(ancestor))
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return "refresh" in ancestor.name.lower()
        return False


def _constant_seconds(name: str, value: ast.expr, ctx: FileContext) -> float | None:
    seconds = _timedelta_seconds(value, ctx)
    if seconds is not None:
        return seconds
    number = _number(value)
    if number is None:
        return None
    words = name_words(name)
    for unit, factor in UNIT_SECONDS.items():
        if unit in words or unit.rstrip("s") in words:
            return number * factor
    return None


def _number(expr: ast.AST) -> float | None:
    if (
        isinstance(expr, ast.Constant)
        and isinstance(expr.value, int | float)
        and not isinstance(expr.value, bool)
    ):
        return float(expr.value)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
        left, right = _number(expr.left), _number(expr.right)
        return left * right if left is not None and right is not None else None
    return None
