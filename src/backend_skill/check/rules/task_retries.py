"""Background task retries (Celery): automatic retries without backoff or without a limit,
and manual retries with a fixed countdown."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import has_splat, is_const, keyword
from backend_skill.models import Confidence, Severity

TASK_DECORATORS = frozenset({"task", "shared_task"})


def _task_decorator(decorator: ast.expr, ctx: FileContext) -> ast.Call | None:
    if not isinstance(decorator, ast.Call):
        return None
    func = decorator.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in TASK_DECORATORS or not ctx.imports("celery"):
        return None
    return decorator


class CeleryRetryWithoutBackoff(PythonRule):
    id = "BS457"
    name = "task-retry-without-backoff"
    area = "message-queues"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#retries-with-backoff-and-jitter"
    summary = "A Celery task retries without exponential backoff (or without a limit)."
    why = (
        "Celery's automatic retries wait a fixed 3 minutes by default and `self.retry("
        "countdown=5)` waits the same time on every attempt: when a dependency is down, every "
        "worker retries in lock-step and keeps it down; `max_retries=None` never gives up."
    )
    instead = (
        "`@shared_task(autoretry_for=(TransientError,), retry_backoff=True, retry_jitter=True, "
        "retry_backoff_max=600, max_retries=5)`; with self.retry pass a computed countdown "
        "(`random.uniform(0, min(600, 2 ** self.request.retries))`)."
    )
    message = (
        "Task retries without exponential backoff and jitter (or forever); set "
        "retry_backoff=True, retry_jitter=True and max_retries."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Call,
    )
    methods: ClassVar[frozenset[str]] = frozenset({"retry"})
    valid = (
        Valid(
            "from celery import shared_task\n"
            "@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)\n"
            "def sync(order_id): ...\n"
        ),
        Valid("from celery import shared_task\n@shared_task\ndef sync(order_id): ...\n"),
        Valid(
            "import random\nfrom celery import shared_task\n"
            "@shared_task(bind=True, max_retries=5)\n"
            "def sync(self, order_id):\n"
            "    try:\n        push(order_id)\n"
            "    except ConnectionError as exc:\n"
            "        delay = random.uniform(0, 2 ** self.request.retries)\n"
            "        raise self.retry(exc=exc, countdown=delay)\n"
        ),
    )
    invalid = (
        Invalid(
            "from celery import shared_task\n"
            "@shared_task(autoretry_for=(Exception,), max_retries=5)\n"
            "def sync(order_id): ...\n"
        ),
        Invalid(
            "from celery import Celery\napp = Celery('orders')\n"
            "@app.task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=None)\n"
            "def sync(order_id): ...\n"
        ),
        Invalid(
            "from celery import shared_task\n"
            "@shared_task(bind=True)\n"
            "def sync(self, order_id):\n"
            "    try:\n        push(order_id)\n"
            "    except ConnectionError as exc:\n"
            "        raise self.retry(exc=exc, countdown=5)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "retry"
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and ctx.imports("celery")
            ):
                countdown = keyword(node, "countdown")
                if countdown is not None and isinstance(countdown.value, ast.Constant):
                    ctx.report(self, node)
            return
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        for decorator in node.decorator_list:
            call = _task_decorator(decorator, ctx)
            if call is None or has_splat(call) or keyword(call, "autoretry_for") is None:
                continue
            backoff = keyword(call, "retry_backoff")
            limit = keyword(call, "max_retries")
            no_backoff = backoff is None or is_const(backoff.value, False)
            forever = limit is not None and is_const(limit.value, None)
            if no_backoff or forever:
                ctx.report(self, call)
