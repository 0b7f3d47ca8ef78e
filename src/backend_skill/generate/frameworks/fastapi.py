"""FastAPI / Starlette: pure ASGI middleware where it wraps requests, plain helpers otherwise.

Version ranges are the ones the tests run against (tests/generate/fastapi/).
"""

from __future__ import annotations

from backend_skill.generate.support import FrameworkSupport, Package, Supported, Template

FASTAPI = Package("fastapi", ">=0.115,<1")
HTTPX_TEST = Package("httpx", ">=0.27,<1", purpose="test")
REDIS = Package("redis", ">=5,<9", when="store=redis")


def _entry(middleware: str, *packages: Package, notes: str = "") -> Supported:
    """Conventional layout: <name>.py, tests/test_<name>.py, templates of the same names."""
    name = middleware.replace("-", "_")
    return Supported(
        files=(Template(f"{name}.py.j2", f"{name}.py"),),
        mount=f"{name}.mount.j2",
        test=Template(f"test_{name}.py.j2", f"tests/test_{name}.py"),
        packages=packages,
        notes=notes,
    )


FRAMEWORK = FrameworkSupport(
    id="fastapi",
    title="FastAPI",
    language="python",
    ecosystem="pypi",
    base_packages=(FASTAPI, HTTPX_TEST),
    type_checked=True,
    middleware={
        "request-id": _entry("request-id"),
        "json-logging": _entry("json-logging"),
        "error-envelope": _entry("error-envelope"),
        "security-headers": _entry("security-headers"),
        "cors": _entry("cors", notes="Wraps Starlette's CORSMiddleware (part of FastAPI)."),
        "cursor-pagination": _entry("cursor-pagination"),
        "etag": _entry("etag"),
        "health": _entry("health"),
        "graceful-shutdown": _entry(
            "graceful-shutdown",
            Package("uvicorn", ">=0.30,<1"),
            notes="run() serves with uvicorn; DrainMiddleware works under any ASGI server "
            "that sends lifespan shutdown.",
        ),
        "config": _entry("config", Package("pydantic-settings", ">=2.3,<3")),
        "retry": _entry("retry"),
        "circuit-breaker": _entry("circuit-breaker"),
        "idempotency-key": _entry("idempotency-key", REDIS),
        "rate-limit": _entry("rate-limit", REDIS),
        "jwt-auth": _entry("jwt-auth", Package("pyjwt[crypto]", ">=2.8,<3")),
        "red-metrics": _entry("red-metrics", Package("prometheus-client", ">=0.20,<1")),
        "tracing": _entry(
            "tracing",
            Package("opentelemetry-sdk", ">=1.25,<2"),
            Package("opentelemetry-instrumentation-fastapi", ">=0.46b0"),
            Package("opentelemetry-exporter-otlp-proto-http", ">=1.25,<2", when="exporter=otlp"),
        ),
        "webhook-signature": _entry("webhook-signature"),
        "webhook-sender": _entry("webhook-sender", Package("httpx", ">=0.27,<1")),
    },
)
