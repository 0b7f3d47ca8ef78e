"""Go net/http, standard library only (Go 1.19: no log/slog, no method/path ServeMux patterns).

Each pair is one package (<name>/<name>.go) with its test (<name>/<name>_test.go, go test).
Where a practice needs an external module (a Redis client, OpenTelemetry) the stdlib cannot do it
properly: the pair or the option value is refused with what to use instead.
"""

from __future__ import annotations

from backend_skill.generate.support import (
    FrameworkSupport,
    Refusal,
    Supported,
    Template,
    Unsupported,
)

NO_REDIS = Refusal(
    "store",
    "redis",
    "the Go snippets use the standard library only and Go has no Redis client there; use the "
    "memory store on one instance, or github.com/redis/go-redis/v9 with the same state machine "
    "(SET NX PX / a Lua script) for several",
)


def _entry(package: str, *refuses: Refusal, notes: str = "") -> Supported:
    """Conventional layout: <package>/<package>.go and <package>/<package>_test.go."""
    return Supported(
        files=(Template(f"{package}.go.j2", f"{package}/{package}.go"),),
        mount=f"{package}.mount.j2",
        test=Template(f"{package}_test.go.j2", f"{package}/{package}_test.go"),
        notes=notes,
        refuses=refuses,
    )


FRAMEWORK = FrameworkSupport(
    id="go",
    title="Go net/http",
    language="go",
    ecosystem="go",
    middleware={
        "request-id": _entry("requestid"),
        "json-logging": _entry("jsonlog"),
        "error-envelope": _entry("errorenvelope"),
        "idempotency-key": _entry("idempotency", NO_REDIS),
        "rate-limit": _entry("ratelimit", NO_REDIS),
        "security-headers": _entry("secheaders"),
        "cors": _entry("cors"),
        "health": _entry("health"),
        "graceful-shutdown": _entry("shutdown"),
        "jwt-auth": _entry("jwtauth"),
        "red-metrics": _entry("redmetrics"),
        "webhook-signature": _entry("webhooksig"),
        "webhook-sender": _entry("webhooksender"),
        "retry": _entry("retry"),
        "cursor-pagination": _entry("pagination"),
        "etag": _entry("etag"),
        "config": _entry("config"),
        "circuit-breaker": _entry("breaker"),
        "tracing": Unsupported(
            "OpenTelemetry for Go is an external module (go.opentelemetry.io/otel with the "
            "otelhttp instrumentation); a standard-library snippet could pass traceparent along "
            "but not record or export spans. Use go.opentelemetry.io/contrib/instrumentation/"
            "net/http/otelhttp."
        ),
    },
)
