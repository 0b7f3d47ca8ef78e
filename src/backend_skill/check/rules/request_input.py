"""Request data reaching dangerous places: outbound URLs (SSRF), redirects, file paths,
templates, and ORM writes of whole request bodies (mass assignment)."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.flow import Origin
from backend_skill.check.namewords import values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    cst_add_keyword,
    cst_keyword,
    keyword,
    own_nodes,
)
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route"}
)
# Calls that build a path or URL out of their arguments without checking them.
PASS_THROUGH = frozenset(
    {"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "str"}
    | {"urllib.parse.urljoin", "Path"}
)
_MAX_DEPTH = 4
# Methods of the request that build the service's own URLs, not caller-chosen ones.
OWN_URL_METHODS = frozenset({"url_for", "build_absolute_uri", "reverse", "url_path_for"})


def _route_parameters(ctx: FileContext) -> frozenset[str]:
    """Parameters of a FastAPI/Flask route handler are request data, except dependencies and
    plain path parameters (`{name}` cannot hold a `/`; `{name:path}` can)."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    paths = [
        const_str(d.args[0]) or ""
        for d in function.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ROUTE_DECORATORS
        and d.args
    ]
    paths = [p for p in paths if p.startswith("/")]
    if not paths:
        return frozenset()
    segment_params = {m.group(1) for p in paths for m in re.finditer(r"[{<](?:\w+:)?(\w+)[}>]", p)}
    path_params = {m.group(1) for p in paths for m in re.finditer(r"\{(\w+):path\}", p)}
    path_params |= {m.group(1) for p in paths for m in re.finditer(r"<path:(\w+)>", p)}
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    names = set()
    for arg, default in pairs:
        if isinstance(default, ast.Call) and (ctx.call_name(default) or "").rsplit(".", 1)[-1] in {
            "Depends",
            "Security",
        }:
            continue
        if arg.arg in segment_params and arg.arg not in path_params:
            continue
        if arg.arg not in {"self", "request", "response", "db", "session", "background_tasks"}:
            names.add(arg.arg)
    return frozenset(names)


def from_request(
    expr: ast.AST, ctx: FileContext, depth: int = 0, seen: frozenset[str] = frozenset()
) -> bool:
    """Does request data flow into `expr` unchecked (through assignments, f-strings, joins)?

    `depth` counts assignment hops only (where a cycle can arise): descending into an
    expression's own parts is bounded by the tree, so `name = request.args.get("f")` then
    `path = os.path.join(BASE, name)` then `open(path)` is followed to the request."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Name):
        if expr.id in {"request", "req"} and not ctx.assigned_values(expr.id):
            return True
        if expr.id in _route_parameters(ctx) and not ctx.assigned_values(expr.id):
            return True
        if expr.id in seen:
            return False  # `path = path + x`: the other assignments decide
        inner = seen | {expr.id}
        return any(from_request(v, ctx, depth + 1, inner) for v in values_of(expr.id, ctx))
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in OWN_URL_METHODS:
            return False
        name = ctx.call_name(expr) or ""
        is_joinpath = isinstance(func, ast.Attribute) and func.attr == "joinpath"
        if name in PASS_THROUGH or is_joinpath:
            parts = [*expr.args, *(k.value for k in expr.keywords)]
            if is_joinpath and isinstance(func, ast.Attribute):
                parts.append(func.value)
            return any(from_request(a, ctx, depth, seen) for a in parts)
        if isinstance(func, ast.Attribute) and func.attr in {"get", "getlist", "get_json", "json"}:
            return from_request(func.value, ctx, depth, seen)
        return False
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Div, ast.Mod)):
        return any(from_request(side, ctx, depth, seen) for side in (expr.left, expr.right))
    if isinstance(expr, ast.BoolOp):
        return any(from_request(v, ctx, depth, seen) for v in expr.values)
    if isinstance(expr, ast.IfExp):
        return any(from_request(side, ctx, depth, seen) for side in (expr.body, expr.orelse))
    if isinstance(expr, ast.JoinedStr):
        return any(
            from_request(v.value, ctx, depth, seen)
            for v in expr.values
            if isinstance(v, ast.FormattedValue)
        )
    if isinstance(expr, ast.Attribute):
        return from_request(expr.value, ctx, depth, seen)
    if isinstance(expr, ast.Subscript):
        return from_request(expr.value, ctx, depth, seen)
    return False


FIXED_HOST = re.compile(r"^[A-Za-z][\w+.-]*://[^/?#]+[/?#]")
FIXED_PATH = re.compile(r"^/[^/\\]")


def _fixed_prefix(
    expr: ast.AST, ctx: FileContext, pattern: re.Pattern[str], depth: int = 0
) -> bool:
    """The string starts with a constant that already fixes the host (or a local path)."""
    whole = const_str(expr)
    if whole is not None:
        return bool(pattern.match(whole))
    if isinstance(expr, ast.Name) and depth < 2:
        values = values_of(expr.id, ctx)
        return bool(values) and all(_fixed_prefix(v, ctx, pattern, depth + 1) for v in values)
    first: ast.AST | None = None
    if isinstance(expr, ast.JoinedStr) and expr.values:
        first = expr.values[0]
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        first = expr.left
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
    ):
        first = expr.func.value
    text = const_str(first)
    if text is None and first is not None and not isinstance(first, ast.Constant):
        return _fixed_prefix(first, ctx, pattern, depth + 1) if depth < 2 else False
    return text is not None and bool(pattern.match(text))


HTTP_FUNCTIONS = frozenset(
    {f"requests.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options")}
    | {f"httpx.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options")}
    | {"urllib.request.urlopen", "urllib.request.Request", "httpx.stream"}
)
HTTP_REQUEST_FUNCTIONS = frozenset({"requests.request", "httpx.request"})
CLIENT_FACTORIES = frozenset(
    {"requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient"}
    | {"aiohttp.ClientSession"}
)
CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "stream"})


def _outbound_url(call: ast.Call, ctx: FileContext) -> ast.expr | None:
    url = keyword(call, "url")
    name = ctx.call_name(call)
    if name in HTTP_FUNCTIONS:
        return url.value if url else (call.args[0] if call.args else None)
    if name in HTTP_REQUEST_FUNCTIONS:
        return url.value if url else (call.args[1] if len(call.args) > 1 else None)
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in CLIENT_METHODS
        and isinstance(func.value, ast.Name)
        and (call.args or url is not None)
    ):
        made = values_of(func.value.id, ctx)
        if any(isinstance(v, ast.Call) and ctx.call_name(v) in CLIENT_FACTORIES for v in made):
            index = 1 if func.attr in {"request", "stream"} else 0
            if url is not None:
                return url.value
            return call.args[index] if len(call.args) > index else None
    return None


class ServerSideRequestForgery(PythonRule):
    id = "BS150"
    name = "request-controlled-url"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (918,)
    pattern = "security-patterns#input-validation"
    summary = "An outbound HTTP call goes to a URL (host) taken from the request (SSRF)."
    why = (
        "If the caller chooses the host, the service fetches whatever it is told to: the cloud "
        "metadata endpoint (169.254.169.254) with its credentials, internal admin APIs, or "
        "localhost ports that trust the network they sit on."
    )
    instead = (
        "Keep the scheme and host constant and put request data only in the path or query "
        "(`f'https://api.example.com/users/{user_id}'`); if callers must name a host, check it "
        "against an allow-list and refuse private addresses."
    )
    message = (
        "Outbound request to a URL taken from the request (SSRF); fix the host in code or "
        "check it against an allow-list."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    # `requests.get(...)` is reached through its method name; only urllib needs the dotted name
    # (indexing both would visit `requests.get` twice)
    calls: ClassVar[frozenset[str]] = frozenset(
        {"urllib.request.urlopen", "urllib.request.Request"}
    )
    methods: ClassVar[frozenset[str]] = frozenset(CLIENT_METHODS | {"options"})
    valid = (
        Valid(
            "import requests\n"
            "def user(request):\n"
            "    uid = request.args['id']\n"
            "    return requests.get(f'https://api.example.com/users/{uid}', timeout=5)\n"
        ),
        Valid("import requests\ndef f(url):\n    return requests.get(url, timeout=5)\n"),
        Valid(
            "import httpx\nBASE = 'https://billing.internal/v1/'\n"
            "def invoice(request):\n"
            "    return httpx.get(BASE + request.args['invoice'])\n"
        ),
    )
    invalid = (
        Invalid(
            "import requests\n"
            "def preview(request):\n"
            "    return requests.get(request.args['url'], timeout=5).text\n"
        ),
        Invalid(
            "import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/v1/previews')\n"
            "def preview(url: str):\n"
            "    return httpx.get(url).text\n"
        ),
        Invalid(
            "import requests\nsession = requests.Session()\n"
            "def hook(request):\n"
            "    target = request.json['callback']\n"
            "    session.post(target, json={'ok': True}, timeout=5)\n"
        ),
        Invalid(
            "from urllib.request import urlopen\n"
            "def fetch(request):\n"
            "    host = request.GET.get('host')\n"
            "    return urlopen(f'http://{host}/status', timeout=5).read()\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        url = _outbound_url(node, ctx)
        if url is None or isinstance(url, ast.Constant):
            return
        if from_request(url, ctx) and not _fixed_prefix(url, ctx, FIXED_HOST):
            ctx.report(self, node)


REDIRECTS = frozenset(
    {"flask.redirect", "werkzeug.utils.redirect", "quart.redirect", "django.shortcuts.redirect"}
    | {"django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect"}
    | {"starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse"}
)
SAFETY_CHECKS = ("safe", "allowed", "trusted", "valid")


class OpenRedirect(PythonRule):
    id = "BS151"
    name = "open-redirect"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (601,)
    pattern = "security-patterns#input-validation"
    summary = "A redirect goes to a location taken from the request (`?next=`) unchecked."
    why = (
        "A link on your own domain that forwards anywhere is a phishing tool: the victim sees "
        "your host in the link, logs in, and lands on the attacker's copy of your login page "
        "(or leaks an OAuth code to it)."
    )
    instead = (
        "Redirect only to relative paths on your own site or to an allow-list of hosts: "
        "Django `url_has_allowed_host_and_scheme(next, allowed_hosts={request.get_host()})`, "
        "or compare `urlparse(next).netloc` with the allow-list; fall back to a fixed page."
    )
    message = (
        "Redirect to a location taken from the request; allow only relative paths or hosts "
        "on an allow-list."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(REDIRECTS)
    valid = (
        Valid(
            "from flask import redirect, request, url_for\n"
            "def done():\n    return redirect(url_for('home'))\n"
        ),
        Valid(
            "from django.shortcuts import redirect\n"
            "from django.utils.http import url_has_allowed_host_and_scheme\n"
            "def login_done(request):\n"
            "    nxt = request.GET.get('next', '/')\n"
            "    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):\n"
            "        nxt = '/'\n"
            "    return redirect(nxt)\n"
        ),
        Valid(
            "from flask import redirect, request\n"
            "def order():\n    return redirect('/orders/' + request.args['id'])\n"
        ),
        Valid(
            "from flask import redirect, request\n"
            "def back():\n"
            "    target = request.args.get('next', '/')\n"
            "    if target not in ALLOWED_NEXT:\n"
            "        target = '/'\n"
            "    return redirect(target)\n"
        ),
    )
    invalid = (
        Invalid(
            "from flask import redirect, request\n"
            "def login_done():\n    return redirect(request.args.get('next', '/'))\n"
        ),
        Invalid(
            "from flask import redirect, request\n"
            "def login_done():\n"
            "    nxt = request.args.get('next') or '/'\n"
            "    return redirect(nxt)\n"
        ),
        Invalid(
            "from fastapi.responses import RedirectResponse\n"
            "def back(request):\n"
            "    target = request.query_params['return_to']\n"
            "    return RedirectResponse(target)\n"
        ),
        Invalid(
            "from flask import redirect, request\n"
            "def go():\n    return redirect('/' + request.args['path'])\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in REDIRECTS:
            return
        target_kw = keyword(node, "url") or keyword(node, "location") or keyword(node, "to")
        target = target_kw.value if target_kw else (node.args[0] if node.args else None)
        if target is None or isinstance(target, ast.Constant):
            return
        if not from_request(target, ctx) or _fixed_prefix(target, ctx, FIXED_PATH):
            return
        if _function_checks_safety(ctx) or _target_checked(target, ctx):
            return
        ctx.report(self, node)


def _target_checked(target: ast.expr, ctx: FileContext) -> bool:
    """`if nxt not in ALLOWED`, `nxt.startswith('/')`, `urlparse(nxt)`: the value was checked."""
    if not isinstance(target, ast.Name) or ctx.function is None:
        return False
    wanted = target.id
    for node in ast.walk(ctx.function):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == wanted
            and any(isinstance(op, (ast.In, ast.NotIn, ast.Eq, ast.NotEq)) for op in node.ops)
        ):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "startswith"
                and isinstance(func.value, ast.Name)
                and func.value.id == wanted
            ):
                return True
            if (ctx.call_name(node) or "").endswith(("urlparse", "urlsplit")) and any(
                isinstance(a, ast.Name) and a.id == wanted for a in node.args
            ):
                return True
    return False


def _function_checks_safety(ctx: FileContext) -> bool:
    function = ctx.function
    if function is None:
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = (ctx.call_name(node) or "").rsplit(".", 1)[-1].lower()
            if any(word in name for word in SAFETY_CHECKS):
                return True
    return False


FILE_SINKS = frozenset(
    {"open", "io.open", "flask.send_file", "starlette.responses.FileResponse"}
    | {"fastapi.responses.FileResponse", "os.remove", "os.unlink", "shutil.rmtree"}
    | {"django.http.FileResponse"}
)


class PathFromRequest(PythonRule):
    id = "BS152"
    name = "path-traversal"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (22,)
    pattern = "security-patterns#input-validation"
    summary = "A file is opened, sent or deleted at a path built from request data."
    why = (
        "A name like `../../etc/passwd` (or an absolute path, which `os.path.join` lets win) "
        "walks out of the intended directory: the service reads its own secrets or deletes "
        "files on behalf of the caller."
    )
    instead = (
        "Use `send_from_directory` / `werkzeug.utils.secure_filename`, or resolve the path and "
        "refuse it unless `path.resolve().is_relative_to(BASE)`; better, look files up by an id."
    )
    message = (
        "File path built from request data (path traversal); use secure_filename / "
        "send_from_directory or check resolve().is_relative_to(BASE)."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(FILE_SINKS)
    valid = (
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.responses import FileResponse\n"
            "app = FastAPI()\n"
            "@app.get('/v1/reports/{report_id}')\n"
            "def report(report_id: int):\n"
            "    return FileResponse(f'/srv/reports/{report_id}.pdf')\n"
        ),
        Valid(
            "from flask import request, send_from_directory\n"
            "def download():\n"
            "    return send_from_directory(UPLOADS, request.args['name'])\n"
        ),
        Valid(
            "import os\nfrom werkzeug.utils import secure_filename\n"
            "def save(request):\n"
            "    name = secure_filename(request.files['f'].filename)\n"
            "    with open(os.path.join(UPLOADS, name), 'wb') as out:\n"
            "        out.write(request.files['f'].read())\n"
        ),
        Valid(
            "from pathlib import Path\n"
            "def read(request):\n"
            "    path = (BASE / request.args['name']).resolve()\n"
            "    if not path.is_relative_to(BASE):\n"
            "        raise PermissionError(path)\n"
            "    return open(path).read()\n"
        ),
        Valid("def read(name):\n    return open(name).read()\n"),
        Valid(
            "import os\nfrom flask import abort, request\n"
            "def download():\n"
            "    name = request.args.get('file')\n"
            "    path = os.path.realpath(os.path.join(UPLOADS, name))\n"
            "    if not path.startswith(UPLOADS + os.sep):\n"
            "        abort(403)\n"
            "    with open(path) as fh:\n"
            "        return fh.read()\n"
        ),
    )
    invalid = (
        Invalid(
            "import os\nfrom flask import request\n"
            "def download():\n"
            "    name = request.args.get('file')\n"
            "    path = os.path.join(UPLOADS, name)\n"
            "    with open(path) as fh:\n"
            "        return fh.read()\n"
        ),
        Invalid(
            "import os\nfrom flask import request, send_file\n"
            "def download():\n"
            "    return send_file(os.path.join(UPLOADS, request.args['name']))\n"
        ),
        Invalid(
            "from fastapi import FastAPI\nfrom fastapi.responses import FileResponse\n"
            "app = FastAPI()\n"
            "@app.get('/v1/files')\n"
            "def file(name: str):\n"
            "    return FileResponse(f'/srv/files/{name}')\n"
        ),
        Invalid(
            "def report(request):\n"
            "    path = BASE / request.GET['report']\n"
            "    with open(path) as fh:\n"
            "        return fh.read()\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not node.args:
            return
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open" and "open" not in ctx.aliases:
            name: str | None = "open"
        else:
            name = ctx.call_name(node)
        if name not in FILE_SINKS:
            return
        if from_request(node.args[0], ctx):
            ctx.report(self, node)


TEMPLATE_FROM_STRING = frozenset(
    {"flask.render_template_string", "jinja2.Template", "django.template.Template"}
    | {"mako.template.Template", "quart.render_template_string"}
)


class TemplateFromRequest(PythonRule):
    id = "BS153"
    name = "template-built-from-input"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (1336, 94)
    pattern = "security-patterns#input-validation"
    summary = "Template source is built from non-constant strings (server-side template injection)."
    why = (
        "Template languages reach Python objects: `{{ ''.__class__.__mro__ }}` in a Jinja "
        "template walks to `os` and runs commands. Text that becomes template source must "
        "never contain data."
    )
    instead = (
        "Keep templates constant (files or literals) and pass data as variables: "
        "`render_template_string(TEMPLATE, name=name)`."
    )
    message = (
        "Template source built from data (template injection); keep the template constant "
        "and pass values as variables."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(TEMPLATE_FROM_STRING)
    methods: ClassVar[frozenset[str]] = frozenset({"from_string"})
    valid = (
        Valid(
            "from flask import render_template_string, request\n"
            "def hello():\n"
            "    return render_template_string('Hello {{ name }}', name=request.args['n'])\n"
        ),
        Valid("import jinja2\nT = jinja2.Template(open('mail.txt').read())\n"),
    )
    invalid = (
        Invalid(
            "from flask import render_template_string, request\n"
            "def hello():\n"
            "    return render_template_string(f\"Hello {request.args['n']}\")\n"
        ),
        Invalid(
            "import jinja2\n"
            "def greet(name):\n"
            "    return jinja2.Template('Hi ' + name + '!').render()\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not node.args:
            return
        name = ctx.call_name(node)
        is_from_string = isinstance(node.func, ast.Attribute) and node.func.attr == "from_string"
        if name not in TEMPLATE_FROM_STRING and not is_from_string:
            return
        if is_from_string and not ctx.imports("jinja2"):
            return
        if ctx.is_dynamic_string(node.args[0]):
            ctx.report(self, node)


# Template files of a text format, possibly with a template suffix (`config.cfg.template`,
# `deployment.yaml.j2`): select_autoescape() would not escape them either.
TEMPLATE_SUFFIXES = (".template", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".in")
TEXT_FORMATS = frozenset(
    {"cfg", "ini", "conf", "toml", "yaml", "yml", "json", "txt", "md", "rst", "sql", "py", "sh"}
    | {"env", "csv", "properties"}
)


def _text_template(name: str) -> bool:
    stem = name.lower()
    while stem.endswith(TEMPLATE_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    _, dot, extension = stem.rpartition(".")
    return bool(dot) and extension in TEXT_FORMATS


def _renders_text_only(call: ast.Call, ctx: FileContext) -> bool:
    """`env = Environment(...)` whose every use here is `env.get_template(<a text file>)`: a CLI
    writing a config file, not a page."""
    statement = ctx.parent
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return False
    env = statement.targets[0].id
    function = ctx.function
    body = function.body if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    nodes = own_nodes(body)
    uses = sum(
        1 for n in nodes if isinstance(n, ast.Name) and n.id == env and isinstance(n.ctx, ast.Load)
    )
    names = [
        ctx.string_value(n.args[0]) or ""
        for n in nodes
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "get_template"
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == env
        and n.args
    ]
    # every use of the environment loads a template whose name says it is text
    return bool(names) and len(names) == uses and all(_text_template(n) for n in names)


class JinjaAutoescapeOff(PythonRule):
    id = "BS154"
    name = "jinja-autoescape-off"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (79,)
    pattern = "security-patterns#input-validation"
    summary = "A Jinja2 Environment renders HTML with autoescaping off (its default)."
    why = (
        "Without autoescaping every variable is pasted into the HTML as-is, so a name like "
        "`<script>...</script>` runs in the reader's browser (stored XSS)."
    )
    instead = (
        "Create environments with `autoescape=select_autoescape()` (escapes .html/.xml "
        "templates, leaves text templates alone)."
    )
    message = "Jinja2 autoescaping is off; pass autoescape=select_autoescape()."
    fix_description = "Pass autoescape=jinja2.select_autoescape()"
    fix_is_safe = False  # templates that relied on raw output need |safe where it is intended
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset({"jinja2.Environment"})
    valid = (
        Valid(
            "import jinja2\n"
            "env = jinja2.Environment(loader=jinja2.FileSystemLoader('t'), "
            "autoescape=jinja2.select_autoescape())\n"
        ),
        Valid("from jinja2 import Environment\nenv = Environment(autoescape=True)\n"),
        Valid("from jinja2 import Environment\nenv = Environment(**options)\n"),
        # a CLI writing a config file from a text template
        Valid(
            "import os\n"
            "from jinja2 import Environment, FileSystemLoader\n"
            "CONFIG_TEMPLATE = 'settings.cfg.template'\n"
            "def generate_config(root, output):\n"
            "    env = Environment(loader=FileSystemLoader(os.path.join(root, 'configs')))\n"
            "    template = env.get_template(CONFIG_TEMPLATE)\n"
            "    with open(output, 'w') as f:\n"
            "        f.write(template.render(debug=False))\n"
        ),
    )
    invalid = (
        Invalid(
            "import jinja2\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader('t'))\n",
            fixed="import jinja2\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader('t'), "
            "autoescape=jinja2.select_autoescape())\n",
        ),
        # the same environment also renders a page
        Invalid(
            "from jinja2 import Environment, FileSystemLoader\n"
            "def render(root, user):\n"
            "    env = Environment(loader=FileSystemLoader(root))\n"
            "    env.get_template('settings.cfg.template').render()\n"
            "    return env.get_template('profile.html').render(user=user)\n",
            fixed="from jinja2 import Environment, FileSystemLoader\n"
            "import jinja2\n\n\n"
            "def render(root, user):\n"
            "    env = Environment(loader=FileSystemLoader(root), "
            "autoescape=jinja2.select_autoescape())\n"
            "    env.get_template('settings.cfg.template').render()\n"
            "    return env.get_template('profile.html').render(user=user)\n",
        ),
        Invalid(
            "from jinja2 import Environment\nenv = Environment(autoescape=False)\n",
            fixed="from jinja2 import Environment\nimport jinja2\n\n"
            "env = Environment(autoescape=jinja2.select_autoescape())\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) != "jinja2.Environment":
            return
        if any(kw.arg is None for kw in node.keywords):
            return
        setting = keyword(node, "autoescape")
        if setting is None or (
            isinstance(setting.value, ast.Constant) and setting.value.value is False
        ):
            if setting is None and _renders_text_only(node, ctx):
                return  # no HTML: a config file or manifest is written from these templates
            ctx.report(self, node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.Call):
            return None
        ctx.require_import("jinja2")
        existing = cst_keyword(node, "autoescape")
        if existing is None:
            return cst_add_keyword(node, "autoescape", "jinja2.select_autoescape()")
        args = [
            a.with_changes(value=cst.parse_expression("jinja2.select_autoescape()"))
            if a is existing
            else a
            for a in node.args
        ]
        return node.with_changes(args=args)


ORM_WRITES = frozenset(
    {"create", "update", "get_or_create", "update_or_create", "bulk_create", "filter", "exclude"}
)


def _splat_of_request(call: ast.Call, ctx: FileContext) -> bool:
    return any(kw.arg is None and _request_body(kw.value, ctx) for kw in call.keywords)


def _request_body(expr: ast.AST, ctx: FileContext) -> bool:
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Name):
        return any(_request_body(v, ctx) for v in values_of(expr.id, ctx)[:3])
    return ctx.origin(expr) == Origin.REQUEST


class MassAssignment(PythonRule):
    id = "BS155"
    name = "mass-assignment"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (915,)
    pattern = "security-patterns#input-validation"
    summary = "A whole request body is written into a model (`User(**request.json)`)."
    why = (
        "Every field the client sends is written, including the ones the form never showed: "
        '`{"is_admin": true}` or `{"balance": 1e9}` in a sign-up request becomes data.'
    )
    instead = (
        "Validate the body with a schema that lists the accepted fields (pydantic "
        "`extra='forbid'`, a DRF serializer, a form) and copy only those fields."
    )
    message = (
        "Request body written straight into a model (mass assignment); accept only the "
        "fields a schema lists."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset({"setattr"})
    methods: ClassVar[frozenset[str]] = frozenset(ORM_WRITES | {"add", "update"})
    valid = (
        Valid(
            "def signup(request, session):\n"
            "    data = UserCreate.model_validate(request.json)\n"
            "    session.add(User(email=data.email, name=data.name))\n"
        ),
        Valid("def signup(request):\n    form = SignupForm(**request.form)\n"),
        Valid("def make(session, fields):\n    session.add(User(**fields))\n"),
    )
    invalid = (
        Invalid(
            "from flask import request\n"
            "def signup(session):\n"
            "    session.add(User(**request.get_json()))\n"
        ),
        Invalid(
            "def update(request, pk):\n    User.objects.filter(pk=pk).update(**request.data)\n"
        ),
        Invalid(
            "async def patch(request, user):\n"
            "    body = await request.json()\n"
            "    user.__dict__.update(body)\n"
        ),
        Invalid(
            "def patch(request, user):\n"
            "    for key, value in request.json.items():\n"
            "        setattr(user, key, value)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in ORM_WRITES and _splat_of_request(node, ctx):
                ctx.report(self, node)
            elif (
                func.attr == "add"
                and node.args
                and isinstance(node.args[0], ast.Call)
                and _splat_of_request(node.args[0], ctx)
            ):
                ctx.report(self, node.args[0])
            elif (
                func.attr == "update"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "__dict__"
                and node.args
                and _request_body(node.args[0], ctx)
            ):
                ctx.report(self, node)
        elif isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) == 3:
            loop = ctx.enclosing(ast.For)
            if (
                isinstance(loop, ast.For)
                and isinstance(loop.iter, ast.Call)
                and isinstance(loop.iter.func, ast.Attribute)
                and loop.iter.func.attr == "items"
                and _request_body(loop.iter.func.value, ctx)
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id
                in {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
            ):
                ctx.report(self, node)
