"""Web security: CORS, cookies, debug mode, secrets in logs."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.namewords import in_non_production_settings, values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.rules.secrets import is_test_path
from backend_skill.check.ruleutil import (
    const_str,
    cst_add_keyword,
    cst_keyword,
    has_splat,
    is_const,
    keyword,
    name_of,
    name_words,
    target_names,
)
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

AUTH_MARKERS = frozenset(
    {
        "OAuth2PasswordBearer",
        "HTTPBearer",
        "HTTPBasic",
        "APIKeyHeader",
        "APIKeyCookie",
        "login_required",
        "LoginManager",
        "jwt_required",
        "get_current_user",
    }
)


def _has_star(expr: ast.AST | None) -> bool:
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return any(const_str(e) == "*" for e in expr.elts)
    return const_str(expr) in {"*", ".*"}


class CorsWildcardWithCredentials(PythonRule):
    id = "BS301"
    name = "cors-wildcard-with-credentials"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (942,)
    pattern = "security-patterns#cors"
    summary = (
        "CORS allows any origin (`*`, or a regex that look-alike hosts match) on an app that "
        "sends credentials or authenticates."
    )
    why = (
        "With every origin allowed, any web page a signed-in user visits can call the API in "
        "their name and read the answers (frameworks reflect the caller's origin when "
        "credentials are on, so `*` becomes 'everyone, with cookies')."
    )
    instead = (
        "List the exact origins: `allow_origins=['https://app.example.com']` (from settings); "
        "keep `*` only for public, unauthenticated, cookie-less endpoints."
    )
    message = (
        "CORS allows every origin on an authenticated app; list the allowed origins explicitly."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Assign, ast.Name)
    calls = frozenset(
        {
            "flask_cors.CORS",
            "flask_cors.cross_origin",
            "starlette.middleware.Middleware",
            "fastapi.middleware.Middleware",
        }
    )
    methods = frozenset({"add_middleware"})
    valid = (
        Valid(
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, "
            "allow_credentials=True)\n"
        ),
        Valid(
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_methods=['GET'])\n"
        ),
        Valid(
            "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\nCORS_ALLOW_CREDENTIALS = True\n"
        ),
        Valid(
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(CORSMiddleware, allow_credentials=True,\n"
            "    allow_origin_regex=r'https://([a-z0-9-]+\\.)?restaurant\\.com')\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=['*'],\n"
            "    allow_credentials=True,\n)\n"
        ),
        Invalid("from flask_cors import CORS\nCORS(app, supports_credentials=True)\n"),
        Invalid("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"),
        Invalid(
            "from fastapi.security import OAuth2PasswordBearer\n"
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "scheme = OAuth2PasswordBearer(tokenUrl='token')\n"
            "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
        ),
        # `.*.` before the domain also takes https://evilrestaurant.com, which anyone can register
        Invalid(
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app.add_middleware(CORSMiddleware, allow_credentials=True,\n"
            "    allow_origin_regex='.*.(restaurant.com|deliveryservice.com)')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Name):
            if node.id in AUTH_MARKERS:
                ctx.state["BS301.auth"] = True
            return
        if isinstance(node, ast.Assign):
            self._django(node, ctx)
            return
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node) or ""
        if name.endswith("CORS") or name.endswith("cross_origin"):
            origins = keyword(node, "origins") or keyword(node, "resources")
            credentials = keyword(node, "supports_credentials")
            if (
                (origins is None or _has_star(origins.value))
                and credentials is not None
                and (is_const(credentials.value, True))
            ):
                ctx.report(self, node)
            return
        if not any((ctx.qualname(a) or "").endswith("CORSMiddleware") for a in node.args[:1]) and (
            not name.endswith("CORSMiddleware")
        ):
            return
        origins = keyword(node, "allow_origins")
        regex = keyword(node, "allow_origin_regex")
        pattern = const_str(regex.value) if regex is not None else None
        wildcard = (origins is not None and _has_star(origins.value)) or (
            pattern in {".*", "^.*$", ".+"}
        )
        lookalike = None if wildcard or pattern is None else _lookalike_origin(pattern)
        if not wildcard and lookalike is None:
            return
        credentials = keyword(node, "allow_credentials")
        if (credentials is not None and is_const(credentials.value, True)) or ctx.state.get(
            "BS301.auth"
        ):
            message = None
            if lookalike is not None:
                message = (
                    f"CORS origin regex also admits {lookalike} on an authenticated app; escape "
                    "the dots and require a dot before the domain (r'https://([a-z0-9-]+\\.)?"
                    "example\\.com')."
                )
            ctx.report(self, node, message=message)

    def _django(self, node: ast.Assign, ctx: FileContext) -> None:
        names = target_names(node)
        if not is_const(node.value, True):
            return
        for name in names:
            if name in {"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"}:
                ctx.state["BS301.all"] = node
            elif name == "CORS_ALLOW_CREDENTIALS":
                ctx.state["BS301.credentials"] = node
        if (
            "BS301.all" in ctx.state
            and "BS301.credentials" in ctx.state
            and not ctx.state.get("BS301.reported")
        ):
            ctx.state["BS301.reported"] = True
            ctx.report(self, ctx.state["BS301.all"])


_DOMAIN_IN_PATTERN = re.compile(r"[A-Za-z0-9-]+(?:\\?\.[A-Za-z0-9-]+)+")


def _lookalike_origin(pattern: str) -> str | None:
    """An origin anyone can register that the regex admits: `.*.(example.com)` takes
    `https://evilexample.com` (Starlette matches the whole origin). None if the pattern
    does not compile or names no domain, or admits no such origin."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    for found in _DOMAIN_IN_PATTERN.finditer(pattern):
        domain = found.group().replace("\\", "")
        for scheme in ("https://", "http://"):
            origin = f"{scheme}evil{domain}"
            if compiled.fullmatch(origin):
                return origin
    return None


COOKIE_SETTINGS_FALSE = frozenset(
    {
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
    }
)


def _clears_cookie(call: ast.Call) -> bool:
    """`set_cookie("session_id", "", expires=0)` on logout, `set_cookie("token", None)`: an
    empty value carries nothing the flags would protect."""
    value = call.args[1] if len(call.args) >= 2 else getattr(keyword(call, "value"), "value", None)
    return isinstance(value, ast.Constant) and value.value in ("", None)


def _flag_off(flag: ast.keyword | None, ctx: FileContext) -> bool:
    """Is a cookie flag missing, or switched off by a literal here? A flag passed from
    settings or a variable (`secure=settings.SESSION_COOKIE_SECURE`, `secure=request.is_secure`)
    is decided by configuration, which the settings checks see, not by this call."""
    if flag is None:
        return True
    value = flag.value
    literals: list[ast.expr] = [value]
    if isinstance(value, ast.Name):
        literals = values_of(value.id, ctx)
    if not literals or not all(isinstance(v, ast.Constant) for v in literals):
        return False
    return any(not v.value for v in literals if isinstance(v, ast.Constant))


class InsecureCookie(PythonRule):
    id = "BS302"
    name = "insecure-cookie"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (614, 1004)
    pattern = "security-patterns#cookies"
    summary = "A cookie is set without Secure, HttpOnly or SameSite."
    why = (
        "Without Secure the cookie travels over plain HTTP; without HttpOnly any injected "
        "script can read it; without SameSite other sites' requests carry it (CSRF). Session "
        "cookies need all three."
    )
    instead = "`response.set_cookie(key, value, secure=True, httponly=True, samesite='lax')`."
    message = "Cookie set without {missing}; set secure=True, httponly=True, samesite='lax'."
    fix_description = "Add the missing secure/httponly/samesite arguments"
    fix_is_safe = False  # a cookie that JavaScript must read, or local plain-HTTP, may break
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Assign)
    methods = frozenset({"set_cookie"})
    valid = (
        Valid("response.set_cookie('session', sid, secure=True, httponly=True, samesite='lax')\n"),
        Valid("response.set_cookie('csrftoken', token, secure=True, samesite='strict')\n"),
        Valid("response.set_cookie('session', sid, **COOKIE_OPTIONS)\n"),
        Valid(
            "from fastapi import Response\n"
            "response.set_cookie('session', sid, secure=True, httponly=True)\n"
        ),
        # the flags come from settings: configuration decides them (django sessions middleware)
        Valid(
            "response.set_cookie(\n"
            "    settings.SESSION_COOKIE_NAME,\n"
            "    request.session.session_key,\n"
            "    secure=settings.SESSION_COOKIE_SECURE or None,\n"
            "    httponly=settings.SESSION_COOKIE_HTTPONLY or None,\n"
            "    samesite=settings.SESSION_COOKIE_SAMESITE,\n"
            ")\n"
        ),
        # logout empties the cookie: there is no value left to protect
        Valid("response.set_cookie('session_id', '', expires=0)\nresp.set_cookie('token', None)\n"),
    )
    invalid = (
        Invalid(
            "resp.set_cookie('session', sid)\n",
            fixed="resp.set_cookie('session', sid, secure=True, httponly=True, samesite='lax')\n",
        ),
        Invalid(
            "resp.set_cookie('session', sid, httponly=True)\n",
            fixed="resp.set_cookie('session', sid, httponly=True, secure=True, samesite='lax')\n",
        ),
        Invalid(
            "resp.set_cookie('session', sid, secure=False, httponly=True, samesite='lax')\n",
            fixable=False,
        ),
        Invalid("SESSION_COOKIE_SECURE = False\n", fixable=False),
        Invalid(
            "def login(resp, sid):\n"
            "    secure = False\n"
            "    resp.set_cookie('session', sid, secure=secure, httponly=True, samesite='lax')\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Assign):
            if is_const(node.value, False) and any(
                n in COOKIE_SETTINGS_FALSE for n in target_names(node)
            ):
                ctx.report(
                    self, node, "Cookie security setting turned off; keep it True.", fixable=False
                )
            return
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        if node.func.attr != "set_cookie" or has_splat(node):
            return
        if len(node.args) < 2 and keyword(node, "value") is None:
            return  # cookiejar.set_cookie(cookie) and friends: not a response cookie
        if _clears_cookie(node):
            return  # an emptied, expired cookie carries nothing to protect
        cookie_name = const_str(node.args[0]) if node.args else None
        if cookie_name is None:
            key = keyword(node, "key")
            cookie_name = const_str(key.value) if key else None
        missing = []
        explicit_off = False
        secure = keyword(node, "secure")
        if _flag_off(secure, ctx):
            missing.append("Secure")
            explicit_off |= secure is not None
        httponly = keyword(node, "httponly")
        # a CSRF cookie is meant to be read by the page's JavaScript (double submit)
        readable = cookie_name is not None and any(
            marker in cookie_name.lower() for marker in ("csrf", "xsrf")
        )
        if not readable and _flag_off(httponly, ctx):
            missing.append("HttpOnly")
            explicit_off |= httponly is not None
        samesite = keyword(node, "samesite")
        starlette = ctx.imports("fastapi") or ctx.imports("starlette")
        if (samesite is None and not starlette) or (
            samesite is not None
            and isinstance(samesite.value, ast.Constant)
            and (samesite.value.value is None)
        ):
            missing.append("SameSite")
            explicit_off |= samesite is not None
        if missing:
            ctx.report(
                self, node, self.message.format(missing="/".join(missing)), fixable=not explicit_off
            )

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.Call):
            return None
        for name, value in (("secure", "True"), ("httponly", "True"), ("samesite", "'lax'")):
            if cst_keyword(node, name) is None:
                node = cst_add_keyword(node, name, value)
        return node


class DebugEnabled(PythonRule):
    id = "BS303"
    name = "debug-enabled"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (489,)
    pattern = "security-patterns#debug-mode"
    summary = "Debug mode is switched on in application code or settings."
    why = (
        "Debug mode shows stack traces, settings and source to anyone who triggers an error; "
        "the Werkzeug debugger even runs arbitrary Python from the browser."
    )
    instead = (
        "Read debug from typed settings that default to off (`DEBUG = env.bool('DEBUG', "
        "default=False)`) and never enable it in production."
    )
    message = "Debug mode enabled in code; read it from settings, off by default."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Assign)
    valid = (
        Valid("import os\nDEBUG = os.environ.get('DEBUG') == '1'\n", filename="settings.py"),
        Valid("app = FastAPI(debug=settings.debug)\n"),
        Valid("DEBUG = True\n", filename="tests/settings.py"),
        Valid("debug = True\nparser.add_argument('--debug', action='store_true')\n"),
        # the settings classes for development and tests
        Valid(
            "import os\n"
            "class BaseConfig:\n"
            "    DEBUG = False\n"
            "class DevelopmentConfig(BaseConfig):\n"
            "    DEBUG = True\n"
            "    SQLALCHEMY_DATABASE_URI = os.environ.get('DATABASE_URL')\n"
            "class TestingConfig(BaseConfig):\n"
            "    DEBUG = True\n"
            "    TESTING = True\n",
            filename="tracker/config.py",
        ),
        Valid("DEBUG = True\nDATABASES = {}\n", filename="shop/testutils/settings.py"),
    )
    invalid = (
        Invalid("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"),
        Invalid("from fastapi import FastAPI\napp = FastAPI(debug=True)\n"),
        Invalid("DEBUG = True\nALLOWED_HOSTS = ['*']\n", filename="mysite/settings.py"),
        Invalid("app.config['DEBUG'] = True\n"),
        # the class production loads
        Invalid(
            "class BaseConfig:\n    DEBUG = False\nclass ProductionConfig(BaseConfig):\n"
            "    DEBUG = True\n",
            filename="tracker/config.py",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Assign):
            if not is_const(node.value, True) or is_test_path(ctx.path):
                return
            if in_non_production_settings(ctx):
                return  # `class DevelopmentConfig: DEBUG = True` is what that class is for
            target = node.targets[0]
            if (
                (isinstance(target, ast.Name) and target.id == "DEBUG" and _settings_module(ctx))
                or (
                    isinstance(target, ast.Attribute)
                    and target.attr == "debug"
                    and isinstance(target.value, ast.Name)
                    and target.value.id in {"app", "application"}
                )
                or (
                    isinstance(target, ast.Subscript)
                    and const_str(target.slice) == "DEBUG"
                    and (name_of(target.value) == "config")
                )
            ):
                ctx.report(self, node)
            return
        if not isinstance(node, ast.Call):
            return
        debug = keyword(node, "debug") if node.keywords else None
        if debug is None or not is_const(debug.value, True) or is_test_path(ctx.path):
            return
        name = ctx.call_name(node) or ""
        last = name.rsplit(".", 1)[-1]
        if last in {"FastAPI", "Starlette", "Flask", "Quart", "Sanic"} or (
            last == "run"
            and isinstance(node.func, ast.Attribute)
            and name_of(node.func.value) in {"app", "application"}
        ):
            ctx.report(self, node)


def _settings_module(ctx: FileContext) -> bool:
    name = ctx.filename.removesuffix(".py")
    return "settings" in name or name in {"config", "conf", "production", "prod", "base"}


LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg", "fatal"}
)
# "pwd" (working directory), "cookie" (cookie jars) and a bare "token" (lexers) mean other
# things too often; a bare token counts only in files that deal with auth.
SENSITIVE_WORDS = frozenset(
    {"password", "passwd", "secret", "authorization", "credentials", "apikey", "passphrase"}
)
TOKEN_QUALIFIERS = frozenset(
    {
        "access",
        "refresh",
        "auth",
        "api",
        "bearer",
        "jwt",
        "session",
        "csrf",
        "id",
        "reset",
        "secret",
        "oauth",
        "github",
        "slack",
    }
)
AUTH_MODULES = (
    "jwt",
    "jose",
    "authlib",
    "itsdangerous",
    "oauthlib",
    "fastapi.security",
    "flask_login",
    "django.contrib.auth",
)
HARMLESS_WORDS = frozenset(
    {
        "type",
        "types",
        "name",
        "url",
        "uri",
        "length",
        "len",
        "count",
        "expires",
        "expiry",
        "id",
        "ids",
        "reset",
        "hint",
        "policy",
        "field",
        "header",
        "prefix",
        "kind",
        "status",
        "valid",
        "invalid",
        "required",
        "changed",
        "endpoint",
        "ttl",
        "lifetime",
        "usage",
        "issuer",
        "audience",
    }
)


def _named_header(node: ast.AST) -> tuple[str, ast.expr] | None:
    """`x.headers["Content-Type"]` or `x.headers.get("Content-Type")`: (header, x.headers)."""
    if isinstance(node, ast.Subscript):
        key, headers = const_str(node.slice), node.value
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
    ):
        key, headers = const_str(node.args[0]), node.func.value
    else:
        return None
    if key is None or name_of(headers) != "headers":
        return None
    return key, headers


def _sensitive_header(header: str) -> bool:
    words = name_words(header)
    return bool(
        words & (SENSITIVE_WORDS | {"cookie", "token"}) or ("api" in words and "key" in words)
    )


def _sensitive(expr: ast.AST, auth_file: bool) -> str | None:
    """The name of a secret-looking value used in `expr` (not inside string literals)."""
    skipped: set[int] = set()
    for node in ast.walk(expr):
        if id(node) in skipped:
            continue
        named = _named_header(node)
        if named is not None:
            # one named header: its name decides, not the whole `headers` it is read from
            header, headers = named
            if _sensitive_header(header):
                return header
            skipped.add(id(headers))
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in {
                "len",
                "bool",
                "type",
                "mask",
                "redact",
                "hash",
            }:
                return None
            skipped.add(id(node.func))  # a function's name says what it does, not what it holds
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "replace"
                and len(node.args) >= 2
            ):
                # `text.replace(secret, "*****")`: the secret is what is taken out
                skipped.update(id(part) for part in ast.walk(node.args[0]))
            continue
        name: str | None = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Subscript):
            key = const_str(node.slice)
            if key is not None:
                name = key
        if name is None:
            continue
        words = name_words(name)
        if words & HARMLESS_WORDS:
            continue
        if words & SENSITIVE_WORDS or ("api" in words and "key" in words):
            return name
        if "token" in words and (words & TOKEN_QUALIFIERS or auth_file):
            return name
        if name == "headers" and isinstance(node, ast.Attribute):
            return "request headers"
    return None


class SensitiveDataLogged(PythonRule):
    id = "BS304"
    name = "sensitive-data-logged"
    area = "observability"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (532,)
    pattern = "security-patterns#sensitive-data-in-logs"
    summary = "A password, token, secret or Authorization header is written to logs or stdout."
    why = (
        "Logs are copied to many systems and read by many people, and they are kept for a long "
        "time; a secret in a log line is a leaked secret."
    )
    instead = (
        "Log identifiers, not secrets (`user_id`, a token's last 4 characters); redact "
        "sensitive fields in a logging filter."
    )
    message = "{name} written to logs; log an identifier or a redacted form instead."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = frozenset({"print"})
    methods = LOG_METHODS
    valid = (
        Valid("logger.info('login failed for user %s', user_id)\n"),
        Valid("logger.warning('invalid password for %s', username)\n"),
        Valid("log.info('token expires in %s s', token_ttl)\n"),
        Valid("print(f'{len(password)} characters')\n"),
        Valid("logger.debug('next token %r', token)\n"),  # a lexer's token, no auth here
        Valid("print(f'cache token: {get_cache_token()}')\n"),
        # one harmless header (pip/_internal/index/collector.py:164)
        Valid("logger.debug('fetched %s as %s', url, resp.headers.get('Content-Type', '?'))\n"),
        Valid("log.info('client %s', request.headers['User-Agent'])\n"),
        # the key is the text being masked out of the URL
        Valid(
            "def fetch(self, url):\n"
            "    app_log.debug(f'weather: getting {url}'.replace(self.api_key, '*****'))\n"
        ),
        # an issuer is a public claim
        Valid(
            "import jwt\n"
            "def match(token_issuer):\n"
            "    log.warning(f'no provider for issuer {token_issuer}')\n"
        ),
    )
    invalid = (
        Invalid("logger.info('login %s with %s', username, password)\n"),
        Invalid("import jwt\nlogging.debug(f'calling api with token={token}')\n"),
        Invalid("logger.info('issued %s', access_token)\n"),
        Invalid("print('auth header:', request.headers['Authorization'])\n"),
        Invalid("self.log.error('request failed', extra={'headers': request.headers})\n"),
        Invalid("logger.info('cookie %s', request.headers.get('Cookie'))\n"),
        Invalid("log.debug('calling with %s', session.headers['X-Api-Key'])\n"),
        # the key is what replaces the placeholder: it ends up in the log
        Invalid("log.debug('calling %s', url.replace('{key}', self.api_key))\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        func = node.func
        if isinstance(func, ast.Name):
            if func.id != "print":
                return
        elif isinstance(func, ast.Attribute):
            if func.attr not in LOG_METHODS:
                return
            owner = name_of(func.value) or ""
            if "log" not in owner.lower():
                return
        else:
            return
        auth_file = ctx.state.get("BS304.auth")
        if auth_file is None:
            auth_file = ctx.state["BS304.auth"] = any(ctx.imports(m) for m in AUTH_MODULES)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            found = _sensitive(arg, auth_file)
            if found:
                ctx.report(self, node, self.message.format(name=found.capitalize()))
                return
