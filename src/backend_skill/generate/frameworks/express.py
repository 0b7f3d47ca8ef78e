"""Express (Node 20): CommonJS middleware factories, the ecosystem's library where one follows the
documents (helmet, cors, jsonwebtoken, prom-client, OpenTelemetry, ioredis), hand-written where
none does (idempotency, rate limiting with trusted proxies, webhooks, health, pagination).

Version ranges are the ones the tests install (tests/generate/express/package.json).
"""

from __future__ import annotations

from backend_skill.generate.support import (
    FrameworkSupport,
    Package,
    Refusal,
    Supported,
    Template,
)

EXPRESS = Package("express", "^5.1.0")
IOREDIS = Package("ioredis", "^5.6.1", when="store=redis")
HELMET = Package("helmet", "^8.1.0")
CORS = Package("cors", "^2.8.5")
JSONWEBTOKEN = Package("jsonwebtoken", "^9.0.2")
PROM_CLIENT = Package("prom-client", "^15.1.3")
OTEL = (
    Package("@opentelemetry/api", "^1.9.0"),
    Package("@opentelemetry/core", "~2.5.1"),
    Package("@opentelemetry/resources", "~2.5.1"),
    Package("@opentelemetry/sdk-trace-base", "~2.5.1"),
    Package("@opentelemetry/sdk-trace-node", "~2.5.1"),
    Package("@opentelemetry/exporter-trace-otlp-http", "~0.212.0", when="exporter=otlp"),
)


def _entry(middleware: str, *packages: Package, notes: str = "") -> Supported:
    """Conventional layout: middleware/<id>.js and test/<id>.test.js (node --test)."""
    name = middleware.replace("-", "_")
    return Supported(
        files=(Template(f"{name}.js.j2", f"middleware/{middleware}.js"),),
        mount=f"{name}.mount.j2",
        test=Template(f"test_{name}.js.j2", f"test/{middleware}.test.js"),
        packages=packages,
        notes=notes,
    )


FRAMEWORK = FrameworkSupport(
    id="express",
    title="Express",
    language="javascript",
    ecosystem="npm",
    base_packages=(EXPRESS,),
    middleware={
        "request-id": _entry("request-id"),
        "json-logging": _entry("json-logging"),
        "error-envelope": _entry("error-envelope"),
        "idempotency-key": _entry("idempotency-key", IOREDIS),
        "rate-limit": _entry("rate-limit", IOREDIS),
        "security-headers": _entry("security-headers", HELMET),
        "cors": _entry("cors", CORS),
        "red-metrics": _entry("red-metrics", PROM_CLIENT),
        "tracing": _entry("tracing", *OTEL),
        "webhook-signature": _entry("webhook-signature"),
        "webhook-sender": _entry("webhook-sender"),
        "jwt-auth": Supported(
            files=(Template("jwt_auth.js.j2", "middleware/jwt-auth.js"),),
            mount="jwt_auth.mount.j2",
            test=Template("test_jwt_auth.js.j2", "test/jwt-auth.test.js"),
            packages=(JSONWEBTOKEN,),
            refuses=(
                Refusal(
                    "algorithms",
                    "EdDSA",
                    "jsonwebtoken does not verify EdDSA; use the jose package or an RS/ES/PS "
                    "algorithm",
                ),
            ),
        ),
        "health": _entry("health"),
        "graceful-shutdown": _entry("graceful-shutdown"),
        "etag": _entry("etag"),
        "cursor-pagination": _entry("cursor-pagination"),
        "retry": _entry("retry"),
        "circuit-breaker": _entry("circuit-breaker"),
        "config": Supported(
            files=(Template("config.js.j2", "config/config.js"),),
            mount="config.mount.j2",
            test=Template("test_config.js.j2", "test/config.test.js"),
        ),
    },
)
