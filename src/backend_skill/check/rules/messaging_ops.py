"""Messages and operations: publishing inside a transaction (use an outbox), consumers that
acknowledge before processing, liveness probes that check dependencies, and metrics labelled
with raw request paths."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import is_test_path, values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, is_const, keyword, name_of
from backend_skill.models import Confidence, Severity

_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
TRANSACTION_METHODS = frozenset({"begin", "begin_nested", "transaction", "atomic"})
CONNECT_CALLS = frozenset({"psycopg2.connect", "sqlite3.connect", "pymysql.connect"})
TASK_METHODS = frozenset({"delay", "apply_async", "send_task"})
PUBLISH_METHODS = frozenset({"basic_publish", "publish", "send", "produce", "send_and_wait"})
KAFKA_CONSUMERS = frozenset(
    {"kafka.KafkaConsumer", "kafka.consumer.KafkaConsumer", "aiokafka.AIOKafkaConsumer"}
)
PUBLISHERS = ("producer", "publisher", "channel", "exchange", "broker", "bus")


def _opens_transaction(item: ast.withitem, ctx: FileContext) -> bool:
    expr = item.context_expr
    if isinstance(expr, ast.Call):
        if (ctx.call_name(expr) or "").endswith("transaction.atomic"):
            return True
        return isinstance(expr.func, ast.Attribute) and expr.func.attr in TRANSACTION_METHODS
    if isinstance(expr, ast.Name):
        # psycopg2 / sqlite3: `with conn:` is a transaction (commit or rollback on exit)
        return any(
            isinstance(v, ast.Call) and ctx.call_name(v) in CONNECT_CALLS
            for v in values_of(expr.id, ctx)
        )
    return False


def _atomic_function(function: ast.AST, ctx: FileContext) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (ctx.qualname(target) or "").endswith("transaction.atomic"):
            return True
    return False


def in_transaction(ctx: FileContext) -> bool:
    """Inside `with session.begin()`, `transaction.atomic()`, `with conn:` (psycopg2) or a
    function decorated with @transaction.atomic."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            if any(_opens_transaction(item, ctx) for item in ancestor.items):
                return True
        elif isinstance(ancestor, _FUNCTION):
            return _atomic_function(ancestor, ctx)
    return False


def _publishes(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in TASK_METHODS:
        return True
    if func.attr in PUBLISH_METHODS:
        receiver = (name_of(func.value) or "").lower()
        return any(word in receiver for word in PUBLISHERS)
    return False


class PublishInsideTransaction(PythonRule):
    id = "BS650"
    name = "publish-inside-transaction"
    area = "message-queues"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "database-patterns#outbox-pattern"
    summary = "A task or message is published while a database transaction is still open."
    why = (
        "The broker and the database do not commit together. A worker can pick the message up "
        "before the commit and not find the row, and a rollback leaves a message about "
        "something that never happened."
    )
    instead = (
        "Write the event to an outbox table in the same transaction and publish it from a "
        "relay after commit; at least publish after commit (`transaction.on_commit(lambda: "
        "task.delay(order.id))` in Django)."
    )
    message = (
        "Message published inside an open transaction; write an outbox row (or publish on "
        "commit) so the message and the data agree."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods: ClassVar[frozenset[str]] = frozenset(TASK_METHODS | PUBLISH_METHODS)
    valid = (
        Valid(
            "from django.db import transaction\n"
            "def place(order):\n"
            "    with transaction.atomic():\n"
            "        order.save()\n"
            "        transaction.on_commit(lambda: send_receipt.delay(order.id))\n"
        ),
        Valid(
            "def place(session, order):\n"
            "    with session.begin():\n"
            "        session.add(order)\n"
            "        session.add(OutboxEvent(kind='order.placed', ref=order.id))\n"
            "    send_receipt.delay(order.id)\n"
        ),
        Valid(
            "def work(channel, body):\n"
            "    channel.basic_publish(exchange='', routing_key='q', body=body)\n"
        ),
    )
    invalid = (
        Invalid(
            "from django.db import transaction\n"
            "@transaction.atomic\n"
            "def place(order):\n"
            "    order.save()\n"
            "    send_receipt.delay(order.id)\n"
        ),
        Invalid(
            "def place(session, producer, order):\n"
            "    with session.begin():\n"
            "        session.add(order)\n"
            "        producer.send('orders', value=order.to_json())\n"
        ),
        Invalid(
            "async def place(conn, channel, order):\n"
            "    async with conn.transaction():\n"
            "        await conn.execute('INSERT INTO orders VALUES ($1)', order.id)\n"
            "        channel.basic_publish(exchange='', routing_key='orders', body=b'1')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not _publishes(node):
            return
        if any(isinstance(a, ast.Lambda) for a in ctx.ancestors):
            return  # on_commit(lambda: ...) runs after the commit
        if in_transaction(ctx):
            ctx.report(self, node)


class ConsumerAutoAck(PythonRule):
    id = "BS750"
    name = "consumer-auto-ack"
    area = "message-queues"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#message-queues"
    summary = "A queue consumer acknowledges (or commits offsets) before processing finishes."
    why = (
        "With auto-ack the broker forgets a message as soon as it is delivered: a crash or "
        "deploy during processing loses it for good. At-least-once delivery needs the ack "
        "after the work (and idempotent consumers)."
    )
    instead = (
        "Acknowledge after processing: pika `auto_ack=False` and `ch.basic_ack(tag)` at the "
        "end; Kafka `enable_auto_commit=False` and `consumer.commit()` after the batch."
    )
    message = (
        "Messages acknowledged on delivery are lost if processing fails; ack/commit after "
        "the work is done."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Dict)
    calls: ClassVar[frozenset[str]] = frozenset(KAFKA_CONSUMERS)
    methods: ClassVar[frozenset[str]] = frozenset({"basic_consume"})
    valid = (
        Valid("channel.basic_consume(queue='orders', on_message_callback=handle)\n"),
        Valid(
            "from kafka import KafkaConsumer\n"
            "c = KafkaConsumer('orders', enable_auto_commit=False)\n"
        ),
        Valid("conf = {'bootstrap.servers': 'k:9092', 'enable.auto.commit': False}\n"),
    )
    invalid = (
        Invalid(
            "channel.basic_consume(queue='orders', on_message_callback=handle, auto_ack=True)\n"
        ),
        Invalid("channel.basic_consume(handle, queue='orders', no_ack=True)\n"),
        Invalid(
            "from kafka import KafkaConsumer\n"
            "c = KafkaConsumer('orders', group_id='billing', enable_auto_commit=True)\n"
        ),
        Invalid(
            "from confluent_kafka import Consumer\n"
            "c = Consumer({'group.id': 'billing', 'enable.auto.commit': True})\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if const_str(key) == "enable.auto.commit" and (
                    is_const(value, True) or const_str(value) == "true"
                ):
                    ctx.report(self, value)
            return
        if not isinstance(node, ast.Call):
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "basic_consume":
            for flag in ("auto_ack", "no_ack"):
                kw = keyword(node, flag)
                if kw is not None and is_const(kw.value, True):
                    ctx.report(self, node)
                    return
        elif (ctx.call_name(node) or "").endswith("KafkaConsumer"):
            kw = keyword(node, "enable_auto_commit")
            if kw is not None and is_const(kw.value, True):
                ctx.report(self, node)


LIVE_PATHS = ("/health/live", "/livez", "/healthz/live", "/live", "/liveness")
DEPENDENCY_METHODS = frozenset(
    {"execute", "ping", "scalar", "scalars", "fetch", "fetchval", "fetchrow", "fetchone"}
    | {"query", "cursor", "head_bucket", "list_topics"}
)
DEPENDENCY_MODULES = ("requests.", "httpx.", "urllib.request.", "redis.", "psycopg", "sqlalchemy.")


def _live_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        if decorator.func.attr not in {"get", "route", "api_route", "head"} or not decorator.args:
            continue
        path = const_str(decorator.args[0]) or ""
        if path.rstrip("/").endswith(LIVE_PATHS):
            return decorator.args[0]
    return None


class LivenessChecksDependencies(PythonRule):
    id = "BS751"
    name = "liveness-checks-dependencies"
    area = "health-checks-and-lifecycle"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#health-endpoints"
    summary = "The liveness endpoint (/health/live) queries a database, cache or another service."
    why = (
        "The orchestrator restarts a process whose liveness probe fails. If liveness checks the "
        "database, a database blip restarts every healthy instance at once, turning a "
        "dependency problem into a full outage. Dependencies belong in readiness."
    )
    instead = (
        "Make /health/live answer from the process alone (`{'status': 'ok'}`); check the "
        "database, cache and queues in /health/ready, which takes the instance out of rotation "
        "instead of restarting it."
    )
    message = "Liveness probe checks a dependency; move the check to /health/ready."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/live')\ndef live():\n    return {'status': 'ok'}\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/ready')\nasync def ready():\n"
            "    await db.execute('SELECT 1')\n    return {'status': 'ok'}\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health/live')\nasync def live():\n"
            "    await db.execute('SELECT 1')\n    return {'status': 'ok'}\n"
        ),
        Invalid(
            "import redis\nfrom flask import Flask\napp = Flask(__name__)\nr = redis.Redis()\n"
            "@app.route('/livez')\ndef live():\n    r.ping()\n    return 'ok'\n"
        ),
        Invalid(
            "import requests\nfrom flask import Flask\napp = Flask(__name__)\n"
            "@app.route('/health/live')\ndef live():\n"
            "    requests.get('http://auth/health', timeout=2)\n    return 'ok'\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            return
        if _live_route(node) is None:
            return
        for part in ast.walk(node):
            if not isinstance(part, ast.Call):
                continue
            func = part.func
            name = ctx.call_name(part) or ""
            if name.startswith(DEPENDENCY_MODULES) or (
                isinstance(func, ast.Attribute) and func.attr in DEPENDENCY_METHODS
            ):
                ctx.report(self, part)
                return


RAW_PATH_ATTRIBUTES = frozenset({"path", "full_path", "path_info", "url", "raw_path"})


def _raw_path(expr: ast.AST) -> bool:
    """`request.url.path`, `request.path`, `str(request.url)`, `request.get_full_path()`,
    `scope["path"]`: the concrete path with ids in it, not the route template."""
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and expr.func.id == "str" and expr.args:
            return _raw_path(expr.args[0])
        return isinstance(expr.func, ast.Attribute) and expr.func.attr == "get_full_path"
    if isinstance(expr, ast.Subscript):
        return const_str(expr.slice) in {"path", "raw_path"} and name_of(expr.value) == "scope"
    if isinstance(expr, ast.Attribute) and expr.attr in RAW_PATH_ATTRIBUTES:
        root: ast.AST = expr
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id in {"request", "req"}
    return False


class MetricLabelFromRawPath(PythonRule):
    id = "BS752"
    name = "metric-label-raw-path"
    area = "observability"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "observability-patterns#red-metrics"
    summary = "A metric is labelled with the raw request path instead of the route template."
    why = (
        "Every distinct path (`/users/1`, `/users/2`, ...) becomes its own time series: memory "
        "in the metrics backend grows without bound, queries slow down, and scanners probing "
        "random URLs can take monitoring down."
    )
    instead = (
        "Label with the route template (`/users/{id}`: FastAPI/Starlette "
        "`request.scope['route'].path`, Flask `request.url_rule.rule`, Django "
        "`request.resolver_match.route`) and a fixed value for unmatched routes."
    )
    message = (
        "Metric labelled with the raw request path (unbounded cardinality); use the route template."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods: ClassVar[frozenset[str]] = frozenset({"labels"})
    valid = (
        Valid(
            "def record(request, status):\n"
            "    route = request.scope['route'].path\n"
            "    REQUESTS.labels(request.method, route, str(status)).inc()\n"
        ),
        Valid("def record(request):\n    REQUESTS.labels(method=request.method).inc()\n"),
    )
    invalid = (
        Invalid(
            "def record(request, status):\n"
            "    REQUESTS.labels(request.method, request.url.path, str(status)).inc()\n"
        ),
        Invalid("def record(request):\n    LATENCY.labels(path=request.path).observe(0.1)\n"),
        Invalid(
            "def record(request):\n    path = request.get_full_path()\n"
            "    HITS.labels(path).inc()\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "labels"
        ):
            return
        for value in [*node.args, *(kw.value for kw in node.keywords)]:
            candidates = [value]
            if isinstance(value, ast.Name):
                candidates = values_of(value.id, ctx)
            if any(_raw_path(c) for c in candidates):
                ctx.report(self, node)
                return
