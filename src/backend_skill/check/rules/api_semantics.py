"""HTTP semantics in handlers: payments created without an idempotency key, and creations
answered with 200 instead of 201."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import is_test_path
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.rules.api import VERBS
from backend_skill.check.ruleutil import const_str, has_splat, keyword
from backend_skill.models import Confidence, Severity

STRIPE_CREATES = re.compile(
    r"^stripe\.(PaymentIntent|Charge|Refund|Transfer|Payout|Subscription|Invoice|Customer"
    r"|SetupIntent|checkout\.Session)\.create$"
)


class PaymentWithoutIdempotencyKey(PythonRule):
    id = "BS550"
    name = "payment-without-idempotency-key"
    area = "api-design"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    pattern = "api-design-patterns#idempotency-keys"
    summary = (
        "A payment-provider object (charge, refund, transfer) is created without an "
        "idempotency key."
    )
    why = (
        "Networks lose responses. When the call times out after the provider charged the "
        "card, the retry (yours, the client's or the queue's) charges it again. An idempotency "
        "key makes the provider return the first result instead."
    )
    instead = (
        "Pass a key derived from your own request or order: "
        "`stripe.PaymentIntent.create(..., idempotency_key=f'order-{order.id}-pay')`."
    )
    message = (
        "Payment created without an idempotency key; a retry can charge twice. "
        "Pass idempotency_key=."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    methods: ClassVar[frozenset[str]] = frozenset({"create"})
    valid = (
        Valid(
            "import stripe\n"
            "intent = stripe.PaymentIntent.create(amount=1000, currency='eur', "
            "idempotency_key=f'order-{order_id}')\n"
        ),
        Valid("import stripe\nintent = stripe.PaymentIntent.retrieve(intent_id)\n"),
        Valid("import stripe\nintent = stripe.PaymentIntent.create(**params)\n"),
    )
    invalid = (
        Invalid(
            "import stripe\nintent = stripe.PaymentIntent.create(amount=1000, currency='eur')\n"
        ),
        Invalid("import stripe\nstripe.Refund.create(payment_intent=pi)\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return
        if node.func.attr != "create" or has_splat(node):
            return
        name = ctx.call_name(node) or ""
        if STRIPE_CREATES.match(name) and keyword(node, "idempotency_key") is None:
            ctx.report(self, node)


def _collection_post(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
    """`@app.post("/v1/orders")` (no status_code): a POST to a plural collection path."""
    for decorator in function.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "post"
            and decorator.args
        ):
            continue
        path = const_str(decorator.args[0])
        if path is None or not path.startswith("/"):
            continue
        if keyword(decorator, "status_code") is not None or has_splat(decorator):
            return None
        last = path.rstrip("/").rsplit("/", 1)[-1]
        plural = last.endswith("s") and not last.endswith(("ss", "us", "is", "status"))
        if plural and last.replace("-", "_").isidentifier() and not _action_path(path):
            return decorator
    return None


# Verbs that make a POST an action computed or run on the server, not a resource created:
# `/messages/count_tokens` (an LLM's token count), `/reset/uploads`.
ACTION_VERBS = VERBS | frozenset(
    {"count", "reset", "verify", "validate", "check", "search", "query", "compute"}
    | {"calculate", "estimate", "generate", "export", "import", "sync", "send", "preview"}
    | {"render", "convert", "translate", "summarize", "parse", "refresh", "revoke", "clear"}
    | {"run", "execute", "trigger", "retry", "tokenize"}
)


def _action_path(path: str) -> bool:
    """A segment that is a verb (`/reset/uploads`), or a last one led by a verb
    (`count_tokens`)."""
    segments = [s for s in path.strip("/").split("/") if s]
    if any(s.lower() in ACTION_VERBS for s in segments):
        return True
    last = re.split(r"[-_]", segments[-1]) if segments else []
    return len(last) > 1 and last[0].lower() in ACTION_VERBS


def _sets_status(function: ast.AST) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.keyword) and node.arg in {"status_code", "status"}:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "status_code" for t in node.targets
        ):
            return True
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            return True
    return False


class CreateWithoutStatus201(PythonRule):
    id = "BS551"
    name = "create-without-201"
    area = "api-design"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "api-design-patterns#status-codes"
    summary = "A POST to a collection (FastAPI) answers with the default 200 instead of 201."
    why = (
        "201 Created (with `Location`) tells clients and intermediaries that a resource was "
        "made and where it lives; 200 reads as 'nothing new', and generated clients and "
        "contract tests expect 201."
    )
    instead = (
        "Declare it: `@router.post('/v1/orders', status_code=201)` and set "
        "`Location: /v1/orders/{id}`; use 202 for work that completes later."
    )
    message = "POST to a collection returns 200 by default; declare status_code=201 (and Location)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = (
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/orders', status_code=201)\ndef create(): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/orders/{order_id}/cancellation')\ndef cancel(order_id: str): ...\n"
        ),
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n"
            "app = FastAPI()\n@app.post('/v1/orders')\n"
            "def create():\n    return JSONResponse({'id': 1}, status_code=201)\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.post('/api/orders')\n"
            "def create():\n    return {'id': 1}, 201\n"
        ),
        # actions on a collection: nothing is created
        Valid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/v1/messages/count_tokens')\nasync def count(body: dict) -> dict:\n"
            "    return {'input_tokens': tokenize(body)}\n"
            "@router.post('/v1/reset/uploads')\nasync def wipe() -> bool:\n"
            "    return clear_uploads()\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/v1/orders')\nasync def create(body: OrderIn):\n"
            "    return await save(body)\n"
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/v1/shipping-addresses')\ndef add(body: AddressIn):\n"
            "    return store(body)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if is_test_path(ctx.path):
            return  # test code declares throwaway routes and clients
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            return
        if not (ctx.imports("fastapi") or ctx.imports("starlette")):
            return
        decorator = _collection_post(node)
        if decorator is None or _sets_status(node):
            return
        ctx.report(self, decorator.args[0])
