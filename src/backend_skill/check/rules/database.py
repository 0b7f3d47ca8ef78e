"""Database and cache: N+1 queries, network calls inside transactions, cache entries without
a TTL."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.namewords import is_test_path
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    cst_add_keyword,
    cst_keyword,
    has_splat,
    keyword,
    name_of,
    own_nodes,
)
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

RESULT_METHODS = frozenset(
    {
        "all",
        "fetchall",
        "scalars",
        "filter",
        "filter_by",
        "iterator",
        "fetchmany",
        "select_related",
        "order_by",
        "exclude",
    }
)
QUERY_METHODS = frozenset(
    {
        "execute",
        "query",
        "get",
        "filter",
        "filter_by",
        "fetchone",
        "first",
        "one",
        "scalar",
        "scalars",
        "raw",
        "fetchrow",
        "fetchval",
        "fetch",
    }
)
DB_RECEIVERS = (
    "session",
    "db",
    "cursor",
    "cur",
    "conn",
    "connection",
    "objects",
    "query",
    "pool",
    "tx",
)


def _db_receiver(expr: ast.AST | None) -> bool:
    name = (name_of(expr) or "").lower() if expr is not None else ""
    return any(
        name == r or name.endswith("_" + r) or name.startswith(r + "_") for r in DB_RECEIVERS
    )


def _is_result_set(expr: ast.AST, ctx: FileContext) -> bool:
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        return expr.func.attr in RESULT_METHODS and (
            _db_receiver(expr.func.value) or isinstance(expr.func.value, ast.Call)
        )
    if isinstance(expr, ast.Name):
        return any(_is_result_set(v, ctx) for v in ctx.assigned_values(expr.id))
    return False


def _is_read_query(call: ast.Call, ctx: FileContext) -> bool:
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in QUERY_METHODS:
        return False
    if not _db_receiver(call.func.value):
        return False
    if call.func.attr == "execute":
        first = call.args[0] if call.args else None
        text = const_str(first)
        if isinstance(first, ast.Name):
            text = next((const_str(v) for v in ctx.assigned_values(first.id) if const_str(v)), None)
        if isinstance(first, ast.Call) and (name_of(first.func) or "") in {"select", "text"}:
            return name_of(first.func) == "select" or (
                (const_str(first.args[0]) or "").lstrip().lower().startswith("select")
                if first.args
                else False
            )
        return text is not None and text.lstrip().lower().startswith("select")
    if call.func.attr == "get":
        return (name_of(call.func.value) or "") in {"objects", "session", "db"} or (
            (name_of(call.func.value) or "").endswith("session")
        )
    return True


class QueryInLoop(PythonRule):
    id = "BS601"
    name = "n-plus-one-query"
    area = "database"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "database-patterns#n1-queries"
    summary = "A query runs inside a loop over the results of another query (N+1)."
    why = (
        "One query for the list and one more per row turns a page of 100 items into 101 round "
        "trips; latency grows with the data and the database drowns under load."
    )
    instead = (
        "Fetch related rows in one query: a JOIN, `WHERE id = ANY(%s)`, SQLAlchemy "
        "`selectinload`, Django `select_related`/`prefetch_related`."
    )
    message = "Query inside a loop over query results (N+1); load the related rows in one query."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.For, ast.AsyncFor)
    valid = (
        Valid(
            "orders = session.query(Order).options(selectinload(Order.items)).all()\n"
            "for order in orders:\n    total += sum(i.price for i in order.items)\n"
        ),
        Valid(
            "for user_id in user_ids:\n"
            "    cur.execute('SELECT * FROM users WHERE id = %s', (user_id,))\n"
        ),
        Valid(
            "for row in cur.fetchall():\n"
            "    cur.execute('UPDATE t SET seen = true WHERE id = %s', (row[0],))\n"
        ),
        # a test checking what each of its own rows indexed
        Valid(
            "def test_index_covers_every_site(self):\n"
            "    for site in Site.objects.all():\n"
            "        self.assertTrue(Indexed.objects.filter(object_id=site.pk).exists())\n",
            filename="search/tests/test_index.py",
        ),
    )
    invalid = (
        Invalid(
            "for order in session.query(Order).all():\n"
            "    customer = session.query(Customer).filter_by(id=order.customer_id).first()\n"
        ),
        Invalid(
            "cur.execute('SELECT id FROM orders')\n"
            "rows = cur.fetchall()\n"
            "for row in rows:\n"
            "    cur.execute('SELECT * FROM items WHERE order_id = %s', (row[0],))\n"
        ),
        Invalid(
            "for book in Book.objects.all():\n    author = Author.objects.get(pk=book.author_id)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.For, ast.AsyncFor)) or not _is_result_set(node.iter, ctx):
            return
        if is_test_path(ctx.path):
            return  # a test sets up and checks a handful of rows; no request waits on it
        for inner in own_nodes(node.body):
            if isinstance(inner, ast.Call) and _is_read_query(inner, ctx):
                ctx.report(self, inner)
                return


TRANSACTION_METHODS = frozenset({"atomic", "begin", "transaction", "begin_nested"})
NETWORK_PREFIXES = (
    "requests.",
    "httpx.",
    "aiohttp.",
    "urllib.request.urlopen",
    "smtplib.",
    "boto3.",
    "stripe.",
)
CLIENT_FACTORIES = (
    "httpx.Client",
    "httpx.AsyncClient",
    "requests.Session",
    "requests.session",
    "aiohttp.ClientSession",
)
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "send", "head"})


def _is_network_call(call: ast.Call, ctx: FileContext) -> bool:
    name = ctx.call_name(call) or ""
    if name.startswith(NETWORK_PREFIXES):
        return not name.endswith(("Client", "Session", "session", "Timeout", "Request"))
    if isinstance(call.func, ast.Attribute) and call.func.attr in HTTP_METHODS:
        receiver = call.func.value
        if isinstance(receiver, ast.Name):
            for value in ctx.assigned_values(receiver.id):
                if isinstance(value, ast.Call) and (ctx.call_name(value) or "").startswith(
                    CLIENT_FACTORIES
                ):
                    return True
        receiver_name = (name_of(receiver) or "").lower()
        return receiver_name in {"http", "http_client", "httpx_client", "requests_session"}
    return False


def _is_transaction(expr: ast.AST, ctx: FileContext) -> bool:
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr not in TRANSACTION_METHODS:
            return False
        name = ctx.call_name(expr) or ""
        return (
            name.startswith("django.db.transaction")
            or _db_receiver(expr.func.value)
            or ((name_of(expr.func.value) or "").lower() in {"engine", "transaction"})
        )
    return (ctx.qualname(expr) or "") == "django.db.transaction.atomic"


class NetworkCallInTransaction(PythonRule):
    id = "BS602"
    name = "network-call-in-transaction"
    area = "database"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    pattern = "database-patterns#no-network-calls-inside-transactions"
    summary = "An HTTP (or other network) call is made while a database transaction is open."
    why = (
        "The transaction holds its locks and its pooled connection for as long as the remote "
        "call takes; a slow dependency then blocks other writers and drains the pool, and a "
        "rollback cannot undo what the remote side already did."
    )
    instead = (
        "Call out before or after the transaction; to make the two consistent, write an "
        "outbox row in the transaction and send it afterwards."
    )
    message = "Network call inside an open database transaction; move it out (or use an outbox)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.With,
        ast.AsyncWith,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
    )
    valid = (
        Valid(
            "import requests\n"
            "with session.begin():\n    session.add(Outbox(event='order.created'))\n"
            "requests.post(url, json=body, timeout=10)\n"
        ),
        Valid("with open(path) as fh:\n    requests.get(url, timeout=5)\n"),
    )
    invalid = (
        Invalid(
            "import requests\n"
            "with session.begin():\n    session.add(order)\n"
            "    requests.post(PAYMENTS_URL, json=body, timeout=10)\n"
        ),
        Invalid(
            "from django.db import transaction\nimport httpx\n"
            "@transaction.atomic\ndef place(order):\n    order.save()\n"
            "    httpx.post(url, json={})\n"
        ),
        Invalid(
            "import httpx\n"
            "async def place(conn, order):\n"
            "    client = httpx.AsyncClient(timeout=5)\n"
            "    async with conn.transaction():\n"
            "        await conn.execute('INSERT INTO orders VALUES ($1)', order.id)\n"
            "        await client.post('https://payments/charge', json={})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not any(_is_transaction(d, ctx) for d in node.decorator_list):
                return
            body = node.body
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            if not any(_is_transaction(item.context_expr, ctx) for item in node.items):
                return
            body = node.body
        else:
            return
        for inner in own_nodes(body):
            if isinstance(inner, ast.Call) and _is_network_call(inner, ctx):
                ctx.report(self, inner)
                return


TTL_KEYWORDS = frozenset({"ex", "px", "exat", "pxat", "keepttl"})
EXPIRE_METHODS = frozenset({"expire", "expireat", "pexpire", "pexpireat"})


def _expired_nearby(call: ast.Call, ctx: FileContext) -> bool:
    """The same function then gives the key its TTL with a separate command (`p.set(key, v)`
    then `p.expireat(key, at)` in one pipeline). Not before: SET clears an earlier TTL."""
    key = ast.dump(call.args[0])
    function = ctx.function
    body = function.body if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in EXPIRE_METHODS
        and (node.lineno, node.col_offset) > (call.lineno, call.col_offset)
        and bool(node.args)
        and ast.dump(node.args[0]) == key
        for node in own_nodes(body)
    )


def _is_redis(expr: ast.AST, ctx: FileContext) -> bool:
    name = (name_of(expr) or "").lower()
    if "redis" in name:
        return True
    if isinstance(expr, ast.Name):
        for value in ctx.assigned_values(expr.id):
            if isinstance(value, ast.Call) and "redis" in (ctx.call_name(value) or "").lower():
                return True
    return "cache" in name and ctx.imports("redis")


class CacheWithoutTtl(PythonRule):
    id = "BS603"
    name = "cache-set-without-ttl"
    area = "rate-limiting-and-caching"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#caching"
    summary = "A cache entry is written without a TTL (redis set without ex/px, timeout=None)."
    why = (
        "Entries without expiry live until memory runs out or someone deletes them: stale data "
        "is served forever after a missed invalidation, and the cache grows without bound."
    )
    instead = (
        "Give every entry a TTL: `redis.set(key, value, ex=300)`, `cache.set(key, value, "
        "timeout=300)`."
    )
    message = "Cache write without a TTL; pass ex= (redis) or a timeout."
    fix_description = "Add ex=3600 (one hour): adjust to how fresh the data must be"
    fix_is_safe = False  # the right TTL is a product decision
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods = frozenset({"set"})
    valid = (
        Valid("import redis\nr = redis.Redis()\nr.set('user:v2:1', data, ex=300)\n"),
        Valid("from django.core.cache import cache\ncache.set('k', v)\n"),
        Valid("settings = {}\nsettings_set = set([1, 2])\nresult = store.set('x', 1)\n"),
        Valid(
            "import fakeredis\n"
            "def test_last_success_is_stored():\n"
            "    red = fakeredis.FakeStrictRedis()\n"
            "    assert red.set('job.last_success', 1700000000) is True\n",
            filename="tests/test_redis.py",
        ),
        # the pipeline gives the key its TTL with its own command
        Valid(
            "def mark_online(redis_store, user_id, now, expires):\n"
            "    key = f'user-activity:{user_id}'\n"
            "    p = redis_store.pipeline()\n"
            "    p.set(key, now)\n"
            "    p.expireat(key, expires)\n"
            "    p.execute()\n"
        ),
    )
    invalid = (
        Invalid(
            "import redis\nr = redis.Redis.from_url(URL)\nr.set('user:v2:1', payload)\n",
            fixed="import redis\nr = redis.Redis.from_url(URL)\n"
            "r.set('user:v2:1', payload, ex=3600)\n",
        ),
        Invalid(
            "async def save(redis_client, key, value):\n    await redis_client.set(key, value)\n",
            fixed="async def save(redis_client, key, value):\n"
            "    await redis_client.set(key, value, ex=3600)\n",
        ),
        Invalid(
            "from django.core.cache import cache\ncache.set('k', v, timeout=None)\n",
            fixable=False,
        ),
        # SET drops the TTL an earlier EXPIRE gave the key
        Invalid(
            "def remember(redis_client, key, value):\n"
            "    redis_client.expire(key, 300)\n"
            "    redis_client.set(key, value)\n",
            fixed="def remember(redis_client, key, value):\n"
            "    redis_client.expire(key, 300)\n"
            "    redis_client.set(key, value, ex=3600)\n",
        ),
        # the expiry is for another key
        Invalid(
            "def mark_online(redis_store, user_id, now, expires):\n"
            "    p = redis_store.pipeline()\n"
            "    p.set(f'user-activity:{user_id}', now)\n"
            "    p.expireat('online-users', expires)\n",
            fixed="def mark_online(redis_store, user_id, now, expires):\n"
            "    p = redis_store.pipeline()\n"
            "    p.set(f'user-activity:{user_id}', now, ex=3600)\n"
            "    p.expireat('online-users', expires)\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        if node.func.attr != "set" or len(node.args) < 2 or has_splat(node):
            return
        receiver = node.func.value
        if (ctx.qualname(receiver) or "").startswith("django.core.cache"):
            timeout = keyword(node, "timeout")
            if (
                timeout is not None
                and isinstance(timeout.value, ast.Constant)
                and (timeout.value.value is None)
            ):
                ctx.report(self, node, fixable=False)
            return
        if not _is_redis(receiver, ctx):
            return
        if any(kw.arg in TTL_KEYWORDS for kw in node.keywords) or len(node.args) >= 3:
            return
        if is_test_path(ctx.path) or _expired_nearby(node, ctx):
            return  # a test's fake or throwaway redis; a TTL set by its own command
        ctx.report(self, node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Call) and cst_keyword(node, "ex") is None:
            return cst_add_keyword(node, "ex", "3600")
        return None
