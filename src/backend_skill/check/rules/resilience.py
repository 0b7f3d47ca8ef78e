"""Resilience: timeouts on outbound calls, retries, exceptions that vanish or lose context."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import cst_add_keyword, cst_keyword, has_splat, keyword
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

REQUESTS_CALLS = frozenset(
    f"requests.{m}" for m in ("get", "post", "put", "patch", "delete", "head", "options", "request")
)
URLOPEN = frozenset({"urllib.request.urlopen"})


class HttpCallWithoutTimeout(PythonRule):
    id = "BS401"
    name = "http-call-without-timeout"
    area = "resilience"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (1088,)
    pattern = "resilience-patterns#timeouts"
    summary = "An outbound HTTP call (requests, urllib) has no timeout and can hang forever."
    why = (
        "requests and urllib wait indefinitely by default. One slow dependency then holds a "
        "worker per request until the pool is exhausted and the whole service stops answering."
    )
    instead = (
        "Pass a timeout on every call: `requests.get(url, timeout=(3.05, 10))` (connect, read), "
        "`urlopen(url, timeout=10)`."
    )
    message = "HTTP call without a timeout can hang forever; pass timeout= (e.g. timeout=10)."
    fix_description = "Add timeout=10"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    valid = (
        Valid("import requests\nrequests.get(url, timeout=10)\n"),
        Valid("import requests\nrequests.post(url, json=body, timeout=(3.05, 10))\n"),
        Valid("import requests\nrequests.get(url, **options)\n"),
        Valid("from urllib.request import urlopen\nurlopen(url, timeout=5)\n"),
        Valid("import httpx\nhttpx.get(url)\n"),  # httpx has a 5 s default
        Valid("session = make_session()\nsession.get(url)\n"),
    )
    invalid = (
        Invalid(
            "import requests\nr = requests.get(url)\n",
            fixed="import requests\nr = requests.get(url, timeout=10)\n",
        ),
        Invalid(
            "import requests\nr = requests.post(\n    url,\n    json=payload,\n)\n",
            fixed="import requests\nr = requests.post(\n    url,\n    json=payload,\n"
            "    timeout=10,\n)\n",
        ),
        Invalid(
            "from requests import request\nrequest('GET', url)  # fetch\n",
            fixed="from requests import request\nrequest('GET', url, timeout=10)  # fetch\n",
        ),
        Invalid(
            "import urllib.request\nbody = urllib.request.urlopen(url).read()\n",
            fixed="import urllib.request\nbody = urllib.request.urlopen(url, timeout=10).read()\n",
        ),
        Invalid(
            "import requests\nrequests.get(url, timeout=None)\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node)
        if name not in REQUESTS_CALLS and name not in URLOPEN:
            return
        timeout = keyword(node, "timeout")
        if timeout is not None:
            if isinstance(timeout.value, ast.Constant) and timeout.value.value is None:
                ctx.report(
                    self,
                    node,
                    "timeout=None waits forever; pass a number of seconds.",
                    fixable=False,
                )
            return
        if has_splat(node) or (name in URLOPEN and len(node.args) >= 3):
            return
        ctx.report(self, node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Call) and cst_keyword(node, "timeout") is None:
            return cst_add_keyword(node, "timeout", "10")
        return None


BROAD = frozenset({"Exception", "BaseException"})


class SwallowedException(PythonRule):
    id = "BS403"
    name = "swallowed-exception"
    area = "error-handling"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (390,)
    pattern = "resilience-patterns#swallowed-exceptions"
    summary = "A bare or broad except whose body only passes: errors disappear without a trace."
    why = (
        "An exception caught and ignored hides the failure: the request succeeds with wrong "
        "data, nothing is logged, and the bug is found weeks later in the database."
    )
    instead = (
        "Catch the specific exception you expect, and log it (with context) or re-raise; "
        "if ignoring really is right, catch the narrow type and say why in a comment."
    )
    message = "Exception swallowed silently; catch a specific type and log or re-raise it."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.ExceptHandler,)
    valid = (
        Valid("try:\n    os.remove(path)\nexcept FileNotFoundError:\n    pass\n"),
        Valid(
            "try:\n    send()\nexcept Exception:\n    logger.exception('send failed')\n    raise\n"
        ),
        Valid("try:\n    import ujson as json\nexcept ImportError:\n    import json\n"),
    )
    invalid = (
        Invalid("try:\n    charge(order)\nexcept:\n    pass\n"),
        Invalid("try:\n    charge(order)\nexcept Exception:\n    pass\n"),
        Invalid(
            "for item in items:\n    try:\n        handle(item)\n    except BaseException:\n"
            "        continue\n"
        ),
        Invalid("try:\n    charge(order)\nexcept (ValueError, Exception):\n    ...\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.ExceptHandler):
            return
        if not _is_broad(node.type):
            return
        if all(_is_noop(statement) for statement in node.body):
            ctx.report(self, node)


def _is_broad(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Name):
        return kind.id in BROAD
    if isinstance(kind, ast.Tuple):
        return any(_is_broad(e) for e in kind.elts)
    return False


def _is_noop(statement: ast.stmt) -> bool:
    return isinstance(statement, (ast.Pass, ast.Continue)) or (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and (statement.value.value is Ellipsis or isinstance(statement.value.value, str))
    )
