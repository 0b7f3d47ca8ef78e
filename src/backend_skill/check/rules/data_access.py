"""Database and cache access: a query per row (N+1), network calls while a transaction holds
locks, and cache entries written without an expiry."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import has_splat, keyword, name_of
from backend_skill.models import Confidence, Severity

# Calls whose result is rows from the database.
ROW_SOURCES = frozenset({"fetchall", "fetchmany", "scalars", "execute", "query", "objects"})
# Receivers that are database handles (by the last word of their name).
DB_HANDLES = frozenset(
    {"session", "db", "cur", "cursor", "conn", "connection", "db_session", "dbsession", "tx"}
)
QUERY_METHODS = frozenset({"execute", "query", "scalars", "scalar", "fetchrow", "fetchval"})
MANAGER_METHODS = frozenset(
    {"get", "filter", "exclude", "all", "count", "exists", "first", "last", "aggregate"}
    | {"values", "values_list", "raw", "get_or_create"}
)
PREFETCH = frozenset(
    {"select_related", "prefetch_related", "joinedload", "selectinload", "subqueryload"}
    | {"options", "contains_eager"}
)
_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _chain(expr: ast.AST) -> list[str]:
    """Attribute and method names along a call chain: `Order.objects.filter(x).all()` ->
    [all, filter, objects, Order]."""
    names: list[str] = []
    while True:
        if isinstance(expr, ast.Await):
            expr = expr.value
        elif isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            names.append(expr.attr)
            expr = expr.value
        elif isinstance(expr, ast.Subscript):
            expr = expr.value
        else:
            if isinstance(expr, ast.Name):
                names.append(expr.id)
            return names


def _root(expr: ast.AST) -> str | None:
    names = _chain(expr)
    return names[-1] if names else None


def _is_handle(name: str | None) -> bool:
    if not name:
        return False
    return name.lower().rsplit("_", 1)[-1] in DB_HANDLES or name.lower() in DB_HANDLES


def _rows(expr: ast.AST, ctx: FileContext, depth: int = 0) -> list[str] | None:
    """The call chain when `expr` yields database rows (directly or through a local name)."""
    if isinstance(expr, ast.Name) and depth < 3:
        if _is_handle(expr.id) and expr.id.lower().startswith("cur"):
            return [expr.id]  # for row in cursor:
        for value in values_of(expr.id, ctx):
            found = _rows(value, ctx, depth + 1)
            if found is not None:
                return found
        return None
    if not isinstance(expr, (ast.Call, ast.Await)):
        return None
    names = _chain(expr)
    if not names:
        return None
    if "objects" in names:
        return names  # a Django queryset
    if any(n in ROW_SOURCES for n in names[:-1]) and _is_handle(names[-1]):
        return names
    return None


def _query_call(node: ast.Call, loop_names: set[str], ctx: FileContext) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return False
    names = _chain(node)
    if func.attr in QUERY_METHODS and _is_handle(names[-1] if names else None):
        return True
    if "objects" in names and func.attr in MANAGER_METHODS:
        return True
    # a related manager of the row: `order.items.all()` runs one query per order
    return (
        func.attr in MANAGER_METHODS
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id in loop_names
        and ctx.imports("django")
    )


def _loop_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


class QueryInLoop(PythonRule):
    id = "BS650"
    name = "query-in-loop"
    area = "database"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (1073,)
    pattern = "database-patterns#n1-queries"
    summary = "A query runs inside a loop over query results (N+1 queries)."
    why = (
        "One query for the list and one more per row: 100 rows cost 101 round trips. It is "
        "fast in development with ten rows and falls over in production with ten thousand."
    )
    instead = (
        "Load the related rows together: a JOIN, `WHERE id = ANY(%s)` / `IN (...)` with all "
        "ids, `select_related`/`prefetch_related` (Django), `selectinload`/`joinedload` "
        "(SQLAlchemy), or executemany for writes."
    )
    message = (
        "Query inside a loop over query results (N+1); fetch the related rows in one query "
        "(JOIN, IN/ANY, select_related/prefetch_related, selectinload)."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.For, ast.AsyncFor)
    valid = (
        Valid(
            "def totals(cur):\n"
            "    cur.execute('SELECT id FROM orders')\n"
            "    ids = [r[0] for r in cur.fetchall()]\n"
            "    cur.execute('SELECT * FROM items WHERE order_id = ANY(%s)', (ids,))\n"
            "    return cur.fetchall()\n"
        ),
        Valid(
            "import django\n"
            "def names():\n"
            "    for order in Order.objects.prefetch_related('items'):\n"
            "        print([i.name for i in order.items.all()])\n"
        ),
        Valid("def send_all(session, users):\n    for user in users:\n        notify(user)\n"),
        Valid(
            "def copy(session, rows):\n"
            "    for row in rows:\n"
            "        session.execute(insert_stmt, row)\n"
        ),
    )
    invalid = (
        Invalid(
            "def report(cur):\n"
            "    cur.execute('SELECT id FROM orders')\n"
            "    for (order_id,) in cur.fetchall():\n"
            "        cur.execute('SELECT * FROM items WHERE order_id = %s', (order_id,))\n"
        ),
        Invalid(
            "def report(session):\n"
            "    users = session.scalars(select(User)).all()\n"
            "    for user in users:\n"
            "        orders = session.execute(select(Order).where(Order.user_id == user.id))\n"
        ),
        Invalid(
            "import django\n"
            "def names():\n"
            "    for order in Order.objects.all():\n"
            "        print(order.items.count())\n"
        ),
        Invalid(
            "async def load(db):\n"
            "    async for user in db.query(User):\n"
            "        await db.scalar(select(func.count()).where(Post.author_id == user.id))\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.For, ast.AsyncFor)):
            return
        chain = _rows(node.iter, ctx)
        if chain is None:
            return
        prefetched = any(n in PREFETCH for n in chain)
        loop_names = _loop_names(node.target)
        stack: list[ast.AST] = list(node.body)
        while stack:
            current = stack.pop()
            if isinstance(current, _FUNCTION):
                continue
            if isinstance(current, (ast.For, ast.AsyncFor)) and _rows(current.iter, ctx):
                continue  # that inner loop is visited (and reported) on its own
            if isinstance(current, ast.Call) and _query_call(current, loop_names, ctx):
                related = not _is_handle(_root(current)) and "objects" not in _chain(current)
                if not (related and prefetched):
                    ctx.report(self, current)
                    return
            stack.extend(ast.iter_child_nodes(current))


NETWORK_PREFIXES = ("requests.", "httpx.", "urllib3.", "smtplib.", "boto3.", "stripe.")
NETWORK_CALLS = frozenset(
    {"urllib.request.urlopen", "django.core.mail.send_mail", "django.core.mail.send_mass_mail"}
)
CLIENT_FACTORIES = frozenset(
    {
        "requests.Session",
        "requests.session",
        "httpx.Client",
        "httpx.AsyncClient",
        "boto3.client",
        "boto3.resource",
        "smtplib.SMTP",
        "smtplib.SMTP_SSL",
        "aiohttp.ClientSession",
    }
)
TRANSACTION_METHODS = frozenset({"begin", "begin_nested", "transaction", "atomic"})
CONNECT_CALLS = frozenset({"psycopg2.connect", "sqlite3.connect", "pymysql.connect"})


def _network_call(call: ast.Call, ctx: FileContext) -> bool:
    name = ctx.call_name(call)
    if name and (name in NETWORK_CALLS or name.startswith(NETWORK_PREFIXES)):
        return not name.endswith(("Session", "session", "Client", "AsyncClient", "exceptions"))
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        for value in values_of(func.value.id, ctx):
            if isinstance(value, ast.Call) and ctx.call_name(value) in CLIENT_FACTORIES:
                return True
    return False


def _opens_transaction(item: ast.withitem, ctx: FileContext) -> bool:
    expr = item.context_expr
    if isinstance(expr, ast.Call):
        name = ctx.call_name(expr) or ""
        if name.endswith("transaction.atomic"):
            return True
        return isinstance(expr.func, ast.Attribute) and expr.func.attr in TRANSACTION_METHODS
    if isinstance(expr, ast.Name):
        # psycopg2 / sqlite3: `with conn:` is a transaction (commit or rollback on exit)
        return any(
            isinstance(v, ast.Call) and ctx.call_name(v) in CONNECT_CALLS
            for v in values_of(expr.id, ctx)
        )
    return False


def _atomic_function(function: ast.AST | None, ctx: FileContext) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (ctx.qualname(target) or "").endswith("transaction.atomic"):
            return True
    return False


class NetworkCallInTransaction(PythonRule):
    id = "BS651"
    name = "network-call-in-transaction"
    area = "database"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "database-patterns#no-network-calls-inside-transactions"
    summary = "An HTTP, e-mail or cloud API call runs while a database transaction is open."
    why = (
        "The transaction holds its locks and a pooled connection for as long as the remote "
        "call takes; a slow dependency then blocks other writers and drains the pool. If the "
        "transaction rolls back, the remote side effect (an e-mail, a charge) has still "
        "happened."
    )
    instead = (
        "Call the network before the transaction or after commit; for side effects that must "
        "follow the commit, write an outbox row in the transaction and deliver it from a "
        "worker (`transaction.on_commit` in Django)."
    )
    message = (
        "Network call inside an open transaction; make it before or after the transaction "
        "(or write an outbox row and deliver it after commit)."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    valid = (
        Valid(
            "import requests\n"
            "def pay(session, order):\n"
            "    with session.begin():\n"
            "        order.status = 'paying'\n"
            "    requests.post(URL, json={'id': order.id}, timeout=10)\n"
        ),
        Valid(
            "from django.db import transaction\n"
            "def place(order):\n"
            "    with transaction.atomic():\n"
            "        order.save()\n"
            "        transaction.on_commit(lambda: send_receipt(order.id))\n"
        ),
        Valid(
            "import httpx\n"
            "async def fetch(client_url):\n"
            "    async with httpx.AsyncClient() as client:\n"
            "        return await client.get(client_url)\n"
        ),
    )
    invalid = (
        Invalid(
            "import requests\n"
            "def pay(session, order):\n"
            "    with session.begin():\n"
            "        order.status = 'paid'\n"
            "        requests.post(URL, json={'id': order.id}, timeout=10)\n"
        ),
        Invalid(
            "from django.db import transaction\nfrom django.core.mail import send_mail\n"
            "@transaction.atomic\n"
            "def register(user):\n"
            "    user.save()\n"
            "    send_mail('Welcome', 'Hi', 'no-reply@example.com', [user.email])\n"
        ),
        Invalid(
            "import psycopg2, httpx\n"
            "conn = psycopg2.connect(DSN)\n"
            "def sync():\n"
            "    with conn:\n"
            "        with conn.cursor() as cur:\n"
            "            cur.execute('UPDATE jobs SET state = %s', ('sent',))\n"
            "            httpx.post(HOOK, json={}, timeout=5)\n"
        ),
        Invalid(
            "import boto3\n"
            "s3 = boto3.client('s3')\n"
            "async def store(conn, blob):\n"
            "    async with conn.transaction():\n"
            "        await conn.execute('INSERT INTO files VALUES ($1)', blob.id)\n"
            "        s3.put_object(Bucket='b', Key=blob.id, Body=blob.data)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call) and _in_transaction(ctx) and _network_call(node, ctx):
            ctx.report(self, node)


def _in_transaction(ctx: FileContext) -> bool:
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            if any(_opens_transaction(item, ctx) for item in ancestor.items):
                return True
        elif isinstance(ancestor, _FUNCTION):
            return _atomic_function(ancestor, ctx)
    return False


REDIS_FACTORIES = ("redis.", "aioredis.", "redis.asyncio.")
TTL_KEYWORDS = frozenset({"ex", "px", "exat", "pxat", "keepttl"})


def _redis_client(receiver: ast.expr, ctx: FileContext) -> bool:
    name = name_of(receiver) or ""
    if "redis" in name.lower():
        return True
    if isinstance(receiver, ast.Name):
        for value in values_of(receiver.id, ctx):
            if isinstance(value, ast.Call):
                made_by = ctx.call_name(value) or ""
                if made_by.startswith(REDIS_FACTORIES):
                    return True
    return False


def _expires_later(function: ast.AST | None, receiver: ast.expr) -> bool:
    """The same function sets an expiry on that client (`r.expire(key, 60)`)."""
    if function is None:
        return False
    wanted = name_of(receiver)
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"expire", "pexpire", "expireat", "pexpireat"}
        ):
            owner = name_of(node.func.value)
            if owner == wanted or owner in {"pipe", "pipeline", "p", "tx"}:
                return True
    return False


class RedisSetWithoutTtl(PythonRule):
    id = "BS652"
    name = "redis-set-without-ttl"
    area = "rate-limiting-and-caching"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#caching"
    summary = "A redis key is written with `set`/`setnx`/`mset` and no expiry (ex/px)."
    why = (
        "A key without a TTL lives until someone deletes it: stale data is served forever "
        "after a missed invalidation, and memory grows until Redis evicts (or refuses writes)."
    )
    instead = (
        "Give every cache entry a TTL: `r.set(key, value, ex=300)` (or `setex`), and version "
        "keys (`user:v2:{id}`) so a format change never reads old entries."
    )
    message = "Redis write without an expiry; pass ex=/px= (every cache entry has a TTL)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    valid = (
        Valid("import redis\nr = redis.Redis()\nr.set(key, value, ex=300)\n"),
        Valid("import redis\nr = redis.Redis()\nr.setex(key, 300, value)\n"),
        Valid("import redis\nr = redis.Redis()\nr.set(key, value, 300)\n"),
        Valid(
            "import redis\nr = redis.Redis()\n"
            "def lock(key):\n    r.set(key, 1, nx=True)\n    r.expire(key, 30)\n"
        ),
        Valid("settings = {}\nsettings.set('a', 1)\n"),
        Valid("import redis\nr = redis.Redis()\nr.set(key, value, **options)\n"),
    )
    invalid = (
        Invalid("import redis\nr = redis.Redis.from_url(URL)\nr.set(f'user:{uid}', data)\n"),
        Invalid(
            "class Cache:\n    def put(self, key, value):\n        self.redis.set(key, value)\n"
        ),
        Invalid("import redis.asyncio as aioredis\nr = aioredis.Redis()\nr.setnx(key, 1)\n"),
        Invalid(
            "import redis\nredis_client = redis.StrictRedis()\n"
            "redis_client.mset({'a': 1, 'b': 2})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        if method not in {"set", "setnx", "mset", "msetnx"}:
            return
        if method == "set" and (len(node.args) >= 3 or len(node.args) < 2):
            return  # set(name, value, ex): the third positional is the expiry
        if has_splat(node) or any(kw.arg in TTL_KEYWORDS for kw in node.keywords):
            return
        if not _redis_client(node.func.value, ctx):
            return
        if _expires_later(ctx.function, node.func.value):
            return
        ctx.report(self, node)


class CacheSetWithoutTimeout(PythonRule):
    id = "BS653"
    name = "cache-set-without-timeout"
    area = "rate-limiting-and-caching"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#caching"
    summary = "A framework cache entry is stored forever (Django timeout=None, Flask-Caching 0)."
    why = (
        "An entry that never expires is served after every missed invalidation and keeps "
        "memory until eviction; a TTL bounds how stale a cached value can get."
    )
    instead = (
        "Pass a timeout in seconds: `cache.set(key, value, timeout=300)`; for data that "
        "changes rarely, a long TTL plus a versioned key still beats forever."
    )
    message = "Cache entry stored without expiry; pass timeout= in seconds."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Dict)
    valid = (
        Valid("from django.core.cache import cache\ncache.set(key, value, timeout=300)\n"),
        Valid("from django.core.cache import cache\ncache.set(key, value)\n"),
        Valid("from flask_caching import Cache\ncache = Cache()\ncache.set(key, value, 60)\n"),
        Valid("CACHES = {'default': {'BACKEND': 'x', 'TIMEOUT': 600}}\n"),
    )
    invalid = (
        Invalid("from django.core.cache import cache\ncache.set(key, value, timeout=None)\n"),
        Invalid("from django.core.cache import caches\ncaches['default'].set(key, value, None)\n"),
        Invalid("from flask_caching import Cache\ncache = Cache()\ncache.set(key, value, 0)\n"),
        Invalid(
            "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', "
            "'TIMEOUT': None}}\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "TIMEOUT"
                    and isinstance(value, ast.Constant)
                    and value.value is None
                    and any(isinstance(k, ast.Constant) and k.value == "BACKEND" for k in node.keys)
                ):
                    ctx.report(self, value)
            return
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        if method not in {"set", "add", "set_many", "get_or_set"}:
            return
        forever = self._forever_value(node.func.value, ctx)
        if forever is False:
            return
        position = 1 if method == "set_many" else 2
        timeout = keyword(node, "timeout")
        given: ast.expr | None = timeout.value if timeout else None
        if timeout is None and len(node.args) > position:
            given = node.args[position]
        if isinstance(given, ast.Constant) and given.value == forever and given.value is not False:
            ctx.report(self, node)

    def _forever_value(self, receiver: ast.expr, ctx: FileContext) -> int | bool | None:
        """The timeout meaning "forever" for this cache object, or False if not a cache."""
        base = receiver.value if isinstance(receiver, ast.Subscript) else receiver
        name = ctx.qualname(base) or ""
        if name.startswith("django.core.cache."):
            return None
        if isinstance(base, ast.Name):
            for value in values_of(base.id, ctx):
                if isinstance(value, ast.Call) and (ctx.call_name(value) or "").startswith(
                    "flask_caching."
                ):
                    return 0
        return False
