"""Resilience: timeouts on outbound calls, retries, exceptions that vanish or lose context."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.namewords import values_of
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
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
    calls = REQUESTS_CALLS | URLOPEN
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
        Valid(
            "class Connection:\n    def __del__(self):\n"
            "        try:\n            self.close()\n        except Exception:\n            pass\n"
        ),
        # best-effort release while the real outcome is decided elsewhere
        Valid(
            "from contextlib import contextmanager\n"
            "@contextmanager\n"
            "def connect(engine):\n"
            "    conn = engine.raw_connection()\n"
            "    try:\n"
            "        yield conn\n"
            "    finally:\n"
            "        try:\n"
            "            conn.close()\n"
            "        except Exception:\n"
            "            pass\n"
        ),
        Valid(
            "def upload(ssh, files):\n"
            "    try:\n"
            "        ssh.put(files)\n"
            "    except Exception as e:\n"
            "        log.error('upload failed: %s', e)\n"
            "        try:\n"
            "            ssh.close()\n"
            "        except BaseException:\n"
            "            pass\n"
            "        raise\n"
        ),
        Valid(
            "class Store:\n"
            "    def close(self):\n"
            "        try:\n"
            "            self.client.close()\n"
            "        except Exception:\n"
            "            pass\n"
        ),
    )
    invalid = (
        Invalid("try:\n    charge(order)\nexcept:\n    pass\n"),
        Invalid("try:\n    charge(order)\nexcept Exception:\n    pass\n"),
        Invalid(
            "for item in items:\n    try:\n        handle(item)\n    except BaseException:\n"
            "        continue\n"
        ),
        Invalid("try:\n    charge(order)\nexcept (ValueError, Exception):\n    ...\n"),
        # in a finally, but committing is not releasing: lost writes go unnoticed
        Invalid(
            "def save(session, order):\n"
            "    try:\n"
            "        session.add(order)\n"
            "    finally:\n"
            "        try:\n"
            "            session.commit()\n"
            "        except Exception:\n"
            "            pass\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.ExceptHandler):
            return
        if not _is_broad(node.type):
            return
        function = ctx.function
        if isinstance(function, ast.FunctionDef) and function.name == "__del__":
            # Python ignores (and only prints) what a finalizer raises, possibly during
            # interpreter shutdown when logging is gone: swallowing is the idiom there.
            return
        if all(_is_noop(statement) for statement in node.body):
            if _best_effort_release(node, ctx):
                return
            ctx.report(self, node)


# Releasing a resource: nothing to do if it fails, and it must not hide the error in flight.
RELEASE_METHODS = frozenset(
    {"close", "aclose", "shutdown", "disconnect", "release", "terminate", "kill", "cleanup"}
    | {"__exit__", "__aexit__", "teardown", "stop"}
)


def _best_effort_release(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """`try: conn.close() except Exception: pass` in a `finally:`, in an `except:` that is
    already handling the real error, or in a close() closing what it owns."""
    ancestors = ctx.ancestors
    if len(ancestors) < 2 or not isinstance(ancestors[-1], ast.Try):
        return False
    body = ancestors[-1].body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value.value if isinstance(body[0].value, ast.Await) else body[0].value
    if not (isinstance(call, ast.Call) and name_of(call.func) in RELEASE_METHODS):
        return False
    statement: ast.AST = ancestors[-1]
    for ancestor in reversed(ancestors[:-1]):
        if isinstance(ancestor, ast.ExceptHandler):
            return True
        if isinstance(ancestor, (ast.Try, ast.TryStar)) and statement in ancestor.finalbody:
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor.name in RELEASE_METHODS
        statement = ancestor
    return False


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


SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "gevent.sleep", "trio.sleep"})
LOOPS = (ast.For, ast.While, ast.AsyncFor)
JITTER_NAMES = frozenset({"random", "uniform", "jitter", "backoff", "expo", "exponential"})


class RetryWithFixedSleep(PythonRule):
    id = "BS402"
    name = "retry-without-backoff"
    area = "resilience"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "resilience-patterns#retries-with-backoff-and-jitter"
    summary = "A retry loop sleeps a fixed time between attempts: no backoff, no jitter."
    why = (
        "Fixed delays make every client retry in lock-step: after an outage they all hit the "
        "recovering dependency at the same instants and knock it over again (thundering herd)."
    )
    instead = (
        "Back off exponentially with full jitter: `time.sleep(random.uniform(0, min(cap, "
        "base * 2 ** attempt)))`, or use tenacity (`wait_random_exponential`); cap attempts."
    )
    message = "Retry loop with a fixed sleep; use exponential backoff with jitter."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.For, ast.While, ast.AsyncFor)
    valid = (
        Valid(
            "import random, time\n"
            "for attempt in range(3):\n"
            "    try:\n        return call()\n    except ConnectionError:\n"
            "        time.sleep(random.uniform(0, min(10, 0.1 * 2 ** attempt)))\n"
        ),
        Valid(
            "import time\n"
            "while True:\n    try:\n        poll()\n    except Exception:\n"
            "        logger.exception('poll failed')\n    time.sleep(5)\n"
        ),
    )
    invalid = (
        Invalid(
            "import time\n"
            "def fetch():\n"
            "    for attempt in range(5):\n"
            "        try:\n            return call()\n        except ConnectionError:\n"
            "            time.sleep(2)\n"
        ),
        # one retry loop inside a loop over addresses: one finding (gunicorn/sock.py:194)
        Invalid(
            "import time\n"
            "def bind(addresses):\n"
            "    for addr in addresses:\n"
            "        for attempt in range(5):\n"
            "            try:\n                sock = listen(addr)\n            except OSError:\n"
            "                time.sleep(1)\n"
            "            else:\n                break\n"
        ),
        Invalid(
            "import asyncio\n"
            "async def fetch():\n"
            "    while True:\n"
            "        try:\n            result = await call()\n            break\n"
            "        except TimeoutError:\n            await asyncio.sleep(1)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            return
        # a sleep belongs to the innermost loop around it: an outer loop does not report it
        nodes = own_nodes(node.body, stop_at=LOOPS)
        tries = [n for n in nodes if isinstance(n, ast.Try)]
        if not tries or not any(
            isinstance(inner, (ast.Return, ast.Break))
            for t in tries
            for inner in own_nodes([*t.body, *t.orelse])
        ):
            return  # not a retry: nothing ends the loop on success
        fixed_sleep = None
        for inner in nodes:
            if isinstance(inner, ast.Call) and ctx.call_name(inner) in SLEEPS:
                if inner.args and isinstance(inner.args[0], ast.Constant):
                    fixed_sleep = inner
                else:
                    return  # a computed delay: assume backoff
            elif isinstance(inner, (ast.Name, ast.Attribute)):
                name = inner.id if isinstance(inner, ast.Name) else inner.attr
                if any(word in name.lower() for word in JITTER_NAMES):
                    return
        if fixed_sleep is not None:
            ctx.report(self, fixed_sleep)


class BareExcept(PythonRule):
    id = "BS404"
    name = "bare-except"
    area = "error-handling"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (396,)
    pattern = "resilience-patterns#swallowed-exceptions"
    summary = "A bare `except:` also catches KeyboardInterrupt, SystemExit and cancellation."
    why = (
        "A bare except traps the signals a process uses to stop (SystemExit, "
        "KeyboardInterrupt, asyncio cancellation), so graceful shutdown hangs, and it hides "
        "programming errors along with the failures you meant to handle."
    )
    instead = (
        "Catch what you expect (`except (ConnectionError, TimeoutError):`), or `except "
        "Exception:` at a boundary, and log it."
    )
    message = (
        "Bare except catches SystemExit and KeyboardInterrupt; catch specific exceptions "
        "(or Exception)."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.ExceptHandler,)
    valid = (
        Valid("try:\n    work()\nexcept Exception:\n    logger.exception('failed')\n"),
        Valid("try:\n    work()\nexcept:\n    rollback()\n    raise\n"),
        Valid(
            "try:\n    obj.handle_read_event()\nexcept (KeyboardInterrupt, SystemExit):\n"
            "    raise\nexcept:\n    obj.handle_error()\n"
        ),
        Valid(
            "_reraised = (ExitNow, KeyboardInterrupt, SystemExit)\n"
            "def read(obj):\n"
            "    try:\n        obj.handle_read_event()\n    except _reraised:\n        raise\n"
            "    except:\n        obj.handle_error()\n"
        ),
    )
    invalid = (
        Invalid("try:\n    work()\nexcept:\n    logger.error('failed')\n"),
        Invalid(
            "try:\n    work()\nexcept ValueError:\n    raise\nexcept:\n    logger.error('failed')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.ExceptHandler) or node.type is not None:
            return
        last = node.body[-1]
        if isinstance(last, ast.Raise) and last.exc is None:
            return  # cleanup, then re-raise: the idiom bare except is for
        if all(_is_noop(statement) for statement in node.body):
            return  # BS403 reports the swallowed case
        if _stop_signals_reraised_before(node, ctx):
            return
        ctx.report(self, node)


STOP_SIGNALS = frozenset({"KeyboardInterrupt", "SystemExit", "BaseException"})


def _stop_signals_reraised_before(handler: ast.ExceptHandler, ctx: FileContext) -> bool:
    """`except (KeyboardInterrupt, SystemExit): raise` ahead of the bare except (asyncore's
    `except _reraised_exceptions: raise`): the stop signals never reach it."""
    owner = ctx.parent
    if not isinstance(owner, (ast.Try, ast.TryStar)):
        return False
    for earlier in owner.handlers:
        if earlier is handler:
            return False
        body = earlier.body
        if not (len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is None):
            continue
        kinds: list[ast.expr] = [] if earlier.type is None else [earlier.type]
        if isinstance(earlier.type, ast.Name) and not earlier.type.id[:1].isupper():
            kinds = values_of(earlier.type.id, ctx)  # a tuple kept in a module variable
        names = {
            name_of(e)
            for kind in kinds
            for e in (kind.elts if isinstance(kind, ast.Tuple) else [kind])
        }
        if names & STOP_SIGNALS:
            return True
    return False


# Control-flow signals, not errors: their traceback is never shown (the loop ends, the test is
# skipped, the process exits with the message, the framework answers 404), so there is no
# cause to chain.
CONTROL_FLOW_EXCEPTIONS = frozenset(
    {"StopIteration", "StopAsyncIteration", "SystemExit", "GeneratorExit", "SkipTest"}
    | {"Http404", "HTTPException"}
)


class RaiseWithoutFrom(PythonRule):
    id = "BS405"
    name = "raise-without-from"
    area = "error-handling"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    pattern = "resilience-patterns#error-wrapping-and-context"
    summary = "A new exception raised inside `except` without `from`: not recorded as its cause."
    why = (
        "Without `from err` the traceback says 'during handling of the above exception, "
        "another exception occurred', which reads like a bug in the handler, and tools that "
        "walk `__cause__` lose the original error."
    )
    instead = (
        "Chain it: `raise ServiceError('...') from err` (or `from None` to hide it on purpose)."
    )
    message = "Exception raised in an except block without `from`; chain it with `from err`."
    fix_description = "Chain the exception with `from` (naming the caught exception if needed)"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Raise,)
    valid = (
        Valid("try:\n    parse()\nexcept ValueError as err:\n    raise BadInput('x') from err\n"),
        Valid("try:\n    parse()\nexcept ValueError:\n    raise\n"),
        Valid("try:\n    parse()\nexcept ValueError as err:\n    raise err\n"),
        Valid("try:\n    parse()\nexcept ValueError:\n    raise BadInput('x') from None\n"),
        Valid(
            "try:\n    parse()\nexcept ValueError:\n    def later():\n        raise BadInput('x')\n"
        ),
        Valid(
            "def __next__(self):\n    try:\n        return self.items.pop()\n"
            "    except IndexError:\n        raise StopIteration\n"
        ),
        Valid("try:\n    run()\nexcept ConfigError as err:\n    raise SystemExit(str(err))\n"),
        Valid(
            "from fastapi import HTTPException\n"
            "def get_order(order_id):\n    try:\n        return orders[order_id]\n"
            "    except KeyError:\n        raise HTTPException(status_code=404)\n"
        ),
        Valid(
            "import unittest\ntry:\n    import numpy\nexcept ImportError:\n"
            "    raise unittest.SkipTest('needs numpy')\n"
        ),
    )
    invalid = (
        Invalid(
            "try:\n    parse()\nexcept ValueError as exc:  # bad input\n    raise BadInput('x')\n",
            fixed="try:\n    parse()\nexcept ValueError as exc:  # bad input\n"
            "    raise BadInput('x') from exc\n",
        ),
        Invalid(
            "try:\n    parse()\nexcept (KeyError, ValueError):\n"
            "    log()\n    raise BadInput('x')\n",
            fixed="try:\n    parse()\nexcept (KeyError, ValueError) as err:\n"
            "    log()\n    raise BadInput('x') from err\n",
        ),
        Invalid(
            "try:\n    parse()\nexcept ValueError:\n"
            "    if strict:\n        raise BadInput('a')\n    raise Other('b')\n",
            fixed="try:\n    parse()\nexcept ValueError as err:\n"
            "    if strict:\n        raise BadInput('a') from err\n    raise Other('b') from err\n",
            count=2,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Raise) or node.exc is None or node.cause is not None:
            return
        handler = ctx.enclosing(ast.ExceptHandler)
        if not isinstance(handler, ast.ExceptHandler):
            return
        # `raise err` (the caught one) or `raise saved_error` (an existing object): leave it
        if isinstance(node.exc, ast.Name) and (
            node.exc.id == handler.name or not node.exc.id[:1].isupper()
        ):
            return
        raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if name_of(raised) in CONTROL_FLOW_EXCEPTIONS:
            return
        ctx.report(self, node, fix_node=handler)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.ExceptHandler):
            return None
        if node.name is not None:
            if not isinstance(node.name.name, cst.Name):
                return None
            name = node.name.name.value
            handler = node
        else:
            if node.type is None:
                return None  # bare except cannot bind a name; BS404 says what to catch
            name = "err"
            used = {n.value for n in _names_in(node)}
            for candidate in ("err", "exc", "error", "caught"):
                if candidate not in used:
                    name = candidate
                    break
            handler = node.with_changes(
                name=cst.AsName(
                    name=cst.Name(name),
                    whitespace_before_as=cst.SimpleWhitespace(" "),
                    whitespace_after_as=cst.SimpleWhitespace(" "),
                )
            )

        class Chain(cst.CSTTransformer):
            def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
                return False

            def visit_ClassDef(self, node: cst.ClassDef) -> bool:
                return False

            def visit_Lambda(self, node: cst.Lambda) -> bool:
                return False

            def visit_ExceptHandler(self, node: cst.ExceptHandler) -> bool:
                return False

            def leave_Raise(self, original: cst.Raise, updated: cst.Raise) -> cst.Raise:
                exc = updated.exc
                if exc is None or updated.cause is not None:
                    return updated
                if isinstance(exc, cst.Name) and (exc.value == name or not exc.value[:1].isupper()):
                    return updated
                return updated.with_changes(
                    cause=cst.From(
                        item=cst.Name(name),
                        whitespace_before_from=cst.SimpleWhitespace(" "),
                        whitespace_after_from=cst.SimpleWhitespace(" "),
                    )
                )

        body = handler.body.visit(Chain())
        if not isinstance(body, cst.BaseSuite):
            return None
        return handler.with_changes(body=body)


def _names_in(node: cst.CSTNode) -> list[cst.Name]:
    import libcst as cst
    import libcst.matchers as m

    return [n for n in m.findall(node, m.Name()) if isinstance(n, cst.Name)]
