"""Connection pools left at defaults that fail badly: no health check or lifetime for pooled
connections, and waits for a free connection that outlast the request."""

from __future__ import annotations

import ast
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import const_str, has_splat, keyword
from backend_skill.models import Confidence, Severity

ENGINES = frozenset(
    {"sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine"}
    | {"sqlalchemy.engine.create_engine"}
)
NO_POOL = ("sqlite", "duckdb")


class PoolWithoutLifetime(PythonRule):
    id = "BS651"
    name = "pool-without-recycle-or-pre-ping"
    area = "database"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    pattern = "database-patterns#connection-pooling"
    summary = "A SQLAlchemy engine pools connections with neither pool_pre_ping nor pool_recycle."
    why = (
        "Pooled connections outlive database failovers, proxy idle timeouts and restarts. "
        "With neither a pre-ping nor a maximum lifetime the pool hands out dead connections "
        "and the first request after each event fails."
    )
    instead = (
        "`create_engine(url, pool_size=9, max_overflow=0, pool_timeout=5, pool_recycle=1800, "
        "pool_pre_ping=True)`: (2 x cores) + 1 connections, 5 s wait, 30 min lifetime."
    )
    message = (
        "Engine pool without pool_pre_ping or pool_recycle hands out dead connections after "
        "failovers; set pool_pre_ping=True and pool_recycle=1800."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls: ClassVar[frozenset[str]] = frozenset(ENGINES)
    valid = (
        Valid(
            "from sqlalchemy import create_engine\n"
            "engine = create_engine(URL, pool_size=9, pool_timeout=5, pool_recycle=1800, "
            "pool_pre_ping=True)\n"
        ),
        Valid("from sqlalchemy import create_engine\nengine = create_engine('sqlite:///app.db')\n"),
        Valid(
            "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
            "engine = create_engine(URL, poolclass=NullPool)\n"
        ),
        Valid("from sqlalchemy import create_engine\nengine = create_engine(URL, **settings)\n"),
    )
    invalid = (
        Invalid(
            "from sqlalchemy import create_engine\n"
            "engine = create_engine('postgresql+psycopg://app@db/app', pool_size=20)\n"
        ),
        Invalid(
            "from sqlalchemy.ext.asyncio import create_async_engine\n"
            "engine = create_async_engine(settings.database_url)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or ctx.call_name(node) not in ENGINES:
            return
        if has_splat(node) or not node.args:
            return
        url = const_str(node.args[0])
        if url is not None and url.startswith(NO_POOL):
            return
        if any(
            keyword(node, k) is not None for k in ("pool_pre_ping", "pool_recycle", "poolclass")
        ):
            return
        ctx.report(self, node)
