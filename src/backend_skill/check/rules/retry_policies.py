"""Retry and timeout policies of client libraries: tenacity and urllib3 retries without a stop,
backoff or jitter, retries of non-idempotent methods, and clients that can wait forever."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    cst_add_keyword,
    cst_keyword,
    has_splat,
    is_const,
    keyword,
)
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

TENACITY = frozenset({"tenacity.retry", "tenacity.Retrying", "tenacity.AsyncRetrying"})
HTTP_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})
URLLIB3_RETRY = frozenset(
    {"urllib3.Retry", "urllib3.util.Retry", "urllib3.util.retry.Retry"}
    | {"requests.adapters.Retry", "requests.packages.urllib3.util.retry.Retry"}
)


def _tenacity_policy(node: ast.AST, ctx: FileContext) -> ast.Call | ast.expr | None:
    """A tenacity retry policy: `@retry`, `@retry(...)`, `Retrying(...)`. Returns the node."""
    if isinstance(node, ast.Call) and ctx.call_name(node) in TENACITY:
        return node
    return None


def _bare_retry_decorators(
    node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> list[ast.expr]:
    return [d for d in node.decorator_list if ctx.qualname(d) == "tenacity.retry"]


class RetryWithoutStop(PythonRule):
    id = "BS451"
    name = "retry-without-stop"
    area = "resilience"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#retries-with-backoff-and-jitter"
    summary = "A tenacity retry policy has no `stop=`: it retries forever."
    why = (
        "tenacity's default is to never stop. A dependency that is down turns every call into "
        "an endless loop that holds a worker, a connection and the caller's request, and the "
        "failure is never reported."
    )
    instead = (
        "Bound every retry: `@retry(stop=stop_after_attempt(3), wait=wait_random_exponential("
        "multiplier=0.1, max=10))`; synchronous calls get at most 3 attempts."
    )
    message = "Retry policy without stop= retries forever; add stop=stop_after_attempt(3)."
    fix_description = "Add stop=tenacity.stop_after_attempt(3)"
    fix_is_safe = False  # the call now gives up after 3 attempts, which is the point
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.Call,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
    )
    calls: ClassVar[frozenset[str]] = frozenset(TENACITY)
    valid = (
        Valid(
            "from tenacity import retry, stop_after_attempt, wait_random_exponential\n"
            "@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10))\n"
            "def call(): ...\n"
        ),
        Valid("import tenacity\nr = tenacity.Retrying(**policy)\n"),
        Valid("from backoff import on_exception\n@on_exception(expo, Exception)\ndef f(): ...\n"),
    )
    invalid = (
        Invalid(
            "from tenacity import retry, wait_random_exponential\n"
            "@retry(wait=wait_random_exponential(max=10))\ndef call(): ...\n",
            fixed="from tenacity import retry, wait_random_exponential\nimport tenacity\n\n\n"
            "@retry(wait=wait_random_exponential(max=10), stop=tenacity.stop_after_attempt(3))\n"
            "def call(): ...\n",
        ),
        Invalid("from tenacity import retry\n@retry\ndef call(): ...\n", fixable=False),
        Invalid(
            "import tenacity\nfor attempt in tenacity.Retrying():\n    pass\n",
            fixed="import tenacity\n"
            "for attempt in tenacity.Retrying(stop=tenacity.stop_after_attempt(3)):\n"
            "    pass\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in _bare_retry_decorators(node, ctx):
                ctx.report(self, decorator, fixable=False)
            return
        policy = _tenacity_policy(node, ctx)
        if not isinstance(policy, ast.Call) or has_splat(policy):
            return
        if keyword(policy, "stop") is None:
            ctx.report(self, policy)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Call) and cst_keyword(node, "stop") is None:
            ctx.require_import("tenacity")
            return cst_add_keyword(node, "stop", "tenacity.stop_after_attempt(3)")
        return None


NO_BACKOFF_WAITS = frozenset({"wait_fixed", "wait_none", "wait_incrementing"})


def _wait_names(expr: ast.AST, ctx: FileContext) -> set[str]:
    names = set()
    for part in ast.walk(expr):
        if isinstance(part, ast.Call):
            name = ctx.call_name(part) or ""
            names.add(name.rsplit(".", 1)[-1])
    return names


class RetryPolicyWithoutJitter(PythonRule):
    id = "BS452"
    name = "retry-policy-without-jitter"
    area = "resilience"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#retries-with-backoff-and-jitter"
    summary = "A tenacity/urllib3 retry policy waits a fixed time, not at all, or without jitter."
    why = (
        "Retries without growing, randomized delays arrive in synchronized waves: after a blip "
        "every client retries at the same instants and keeps the dependency down (retry "
        "storm). urllib3's Retry has no backoff unless backoff_factor is set."
    )
    instead = (
        "Use exponential backoff with full jitter: tenacity `wait=wait_random_exponential("
        "multiplier=0.1, max=10)`; urllib3 `Retry(total=3, backoff_factor=0.1, "
        "backoff_jitter=0.1)`."
    )
    message = "Retry policy without backoff and jitter; use exponential backoff with full jitter."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(TENACITY | URLLIB3_RETRY | HTTP_ADAPTERS)
    valid = (
        Valid(
            "from tenacity import retry, stop_after_attempt, wait_random_exponential\n"
            "@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10))\n"
            "def call(): ...\n"
        ),
        Valid(
            "from tenacity import retry, stop_after_attempt, wait_exponential, wait_random\n"
            "@retry(stop=stop_after_attempt(3),\n"
            "       wait=wait_exponential(max=10) + wait_random(0, 1))\n"
            "def call(): ...\n"
        ),
        Valid("from urllib3.util.retry import Retry\nr = Retry(total=3, backoff_factor=0.1)\n"),
        Valid("from urllib3.util.retry import Retry\nr = Retry(total=0)\n"),
    )
    invalid = (
        Invalid(
            "from tenacity import retry, stop_after_attempt, wait_fixed\n"
            "@retry(stop=stop_after_attempt(5), wait=wait_fixed(2))\ndef call(): ...\n"
        ),
        Invalid(
            "from tenacity import retry, stop_after_attempt\n"
            "@retry(stop=stop_after_attempt(5))\ndef call(): ...\n"
        ),
        Invalid(
            "from urllib3.util.retry import Retry\nr = Retry(total=5, status_forcelist=[502])\n"
        ),
        Invalid(
            "from requests.adapters import HTTPAdapter\n"
            "session.mount('https://', HTTPAdapter(max_retries=5))\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or has_splat(node):
            return
        name = ctx.call_name(node) or ""
        if name in TENACITY:
            wait = keyword(node, "wait")
            if wait is None:
                ctx.report(
                    self,
                    node,
                    "Retry policy without wait= retries immediately; use "
                    "wait=wait_random_exponential(multiplier=0.1, max=10).",
                )
                return
            waits = _wait_names(wait.value, ctx)
            if any("random" in w for w in waits):
                return
            if waits & NO_BACKOFF_WAITS or waits == {"wait_exponential"}:
                ctx.report(self, node)
        elif name in URLLIB3_RETRY:
            total = keyword(node, "total")
            first = total.value if total else (node.args[0] if node.args else None)
            if first is not None and (is_const(first, 0) or is_const(first, False)):
                return
            factor = keyword(node, "backoff_factor")
            if factor is None or is_const(factor.value, 0) or is_const(factor.value, 0.0):
                ctx.report(self, node)
        elif name.endswith("HTTPAdapter"):
            retries = keyword(node, "max_retries")
            value = retries.value if retries else None
            if isinstance(value, ast.Constant) and type(value.value) is int and value.value > 0:
                ctx.report(
                    self,
                    node,
                    "HTTPAdapter(max_retries=N) retries with no backoff; pass "
                    "Retry(total=3, backoff_factor=0.1) instead.",
                )


NON_IDEMPOTENT = frozenset({"POST", "PATCH"})


class RetryOfNonIdempotentMethods(PythonRule):
    id = "BS453"
    name = "retry-non-idempotent-methods"
    area = "resilience"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#retries-with-backoff-and-jitter"
    summary = "urllib3 Retry is allowed to repeat POST/PATCH (or every method)."
    why = (
        "A POST that timed out may have succeeded: retrying it charges the card twice or "
        "creates a duplicate order. Only idempotent methods, or requests carrying an "
        "Idempotency-Key the server honours, may be retried automatically."
    )
    instead = (
        "Keep urllib3's default allowed_methods (idempotent ones only); retry a POST only "
        "with an Idempotency-Key header that the server deduplicates."
    )
    message = "Retry repeats non-idempotent requests (POST/PATCH); retry only idempotent methods."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(URLLIB3_RETRY)
    valid = (
        Valid("from urllib3.util.retry import Retry\nr = Retry(total=3, backoff_factor=0.1)\n"),
        Valid(
            "from urllib3.util.retry import Retry\n"
            "r = Retry(total=3, backoff_factor=0.1, allowed_methods=['GET', 'PUT'])\n"
        ),
    )
    invalid = (
        Invalid(
            "from urllib3.util.retry import Retry\n"
            "r = Retry(total=3, backoff_factor=0.1, allowed_methods=None)\n"
        ),
        Invalid(
            "from urllib3.util.retry import Retry\n"
            "r = Retry(total=3, backoff_factor=0.1, allowed_methods=frozenset(['GET', 'POST']))\n"
        ),
        Invalid(
            "from requests.packages.urllib3.util.retry import Retry\n"
            "r = Retry(total=3, backoff_factor=1, method_whitelist=False)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in URLLIB3_RETRY:
            return
        methods = keyword(node, "allowed_methods") or keyword(node, "method_whitelist")
        if methods is None:
            return
        value = methods.value
        if isinstance(value, ast.Constant) and value.value in (None, False):
            ctx.report(self, node)
            return
        names = {(const_str(p) or "").upper() for p in ast.walk(value)}
        if names & NON_IDEMPOTENT:
            ctx.report(self, node)


REDIS_CLIENTS = frozenset(
    {"redis.Redis", "redis.StrictRedis", "redis.Redis.from_url", "redis.from_url"}
    | {"redis.StrictRedis.from_url", "redis.asyncio.Redis", "redis.asyncio.from_url"}
    | {"redis.asyncio.Redis.from_url"}
)
# call -> index of the positional timeout argument
TIMEOUT_POSITION = {
    "smtplib.SMTP": 3,
    "smtplib.SMTP_SSL": 3,
    "ftplib.FTP": 4,
    "ftplib.FTP_TLS": 4,
    "socket.create_connection": 1,
    "http.client.HTTPConnection": 2,
    "http.client.HTTPSConnection": 2,
}
HTTPX_CALLS = frozenset(
    {f"httpx.{m}" for m in ("get", "post", "put", "patch", "delete", "request", "stream")}
    | {"httpx.Client", "httpx.AsyncClient"}
)


class ClientWithoutTimeout(PythonRule):
    id = "BS454"
    name = "client-without-timeout"
    area = "resilience"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#timeouts"
    summary = "A redis, SMTP, FTP, socket or httpx client can block forever (no timeout)."
    why = (
        "These clients wait indefinitely by default (or with timeout=None): one hung backing "
        "service holds every worker that touches it, and the whole service stops answering."
    )
    instead = (
        "Give every client a timeout: `redis.Redis(..., socket_timeout=5, "
        "socket_connect_timeout=3)`, `smtplib.SMTP(host, 587, timeout=10)`, "
        "`socket.create_connection(addr, timeout=5)`, `httpx.Client(timeout=10)`."
    )
    message = "Client without a timeout can block forever; pass a timeout."
    fix_description = "Add timeout=10"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(
        REDIS_CLIENTS | frozenset(TIMEOUT_POSITION) | HTTPX_CALLS
    )
    valid = (
        Valid("import redis\nr = redis.Redis(host='cache', socket_timeout=5)\n"),
        Valid(
            "import redis\n"
            "r = redis.Redis.from_url(URL, socket_connect_timeout=3, socket_timeout=5)\n"
        ),
        Valid("import smtplib\ns = smtplib.SMTP('mail', 587, timeout=10)\n"),
        Valid("import socket\nc = socket.create_connection(('db', 5432), 5)\n"),
        Valid("import httpx\nc = httpx.Client(timeout=10)\n"),
        Valid("import redis\nr = redis.Redis(**settings.REDIS)\n"),
        # the URL may carry ?socket_timeout=5, which only a constant URL lets us see
        Valid("import redis\nr = redis.from_url(REDIS_URL)\n"),
    )
    invalid = (
        Invalid("import redis\nr = redis.Redis(host='cache', port=6379)\n", fixable=False),
        Invalid("import redis\nr = redis.from_url('redis://cache:6379/0')\n", fixable=False),
        Invalid(
            "import smtplib\nserver = smtplib.SMTP('mail.example.com', 587)\n",
            fixed="import smtplib\nserver = smtplib.SMTP('mail.example.com', 587, timeout=10)\n",
        ),
        Invalid(
            "import socket\nconn = socket.create_connection((host, port))\n",
            fixed="import socket\nconn = socket.create_connection((host, port), timeout=10)\n",
        ),
        Invalid("import httpx\nclient = httpx.AsyncClient(timeout=None)\n", fixable=False),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or has_splat(node):
            return
        name = ctx.call_name(node) or ""
        if name in REDIS_CLIENTS:
            if keyword(node, "socket_timeout") is None and not self._url_sets_timeout(node):
                ctx.report(
                    self,
                    node,
                    "Redis client without socket_timeout blocks forever when Redis hangs; pass "
                    "socket_timeout= and socket_connect_timeout=.",
                    fixable=False,
                )
        elif name in TIMEOUT_POSITION:
            # without a host nothing connects yet
            missing = keyword(node, "timeout") is None and len(node.args) <= TIMEOUT_POSITION[name]
            if missing and node.args:
                ctx.report(self, node)
        elif name in HTTPX_CALLS:
            timeout = keyword(node, "timeout")
            if timeout is not None and is_const(timeout.value, None):
                ctx.report(
                    self,
                    node,
                    "httpx timeout=None waits forever; pass a number of seconds.",
                    fixable=False,
                )

    @staticmethod
    def _url_sets_timeout(node: ast.Call) -> bool:
        """from_url reads `?socket_timeout=` from the URL: only a constant URL proves it absent."""
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name != "from_url" and not (
            isinstance(node.func, ast.Name) and node.func.id == "from_url"
        ):
            return False
        url_kw = keyword(node, "url")
        url_node = url_kw.value if url_kw else (node.args[0] if node.args else None)
        url = const_str(url_node)
        return url is None or "socket_timeout=" in url

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Call) and cst_keyword(node, "timeout") is None:
            return cst_add_keyword(node, "timeout", "10")
        return None
