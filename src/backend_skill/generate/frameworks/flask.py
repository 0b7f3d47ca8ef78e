"""Flask: app hooks (before/after_request, error handlers) and blueprints, plain helpers otherwise.

Each snippet exposes an `init_<name>(app)` (or a small class) so it works with app factories.
Version ranges are the ones the tests run against (tests/generate/flask/).
"""

from __future__ import annotations

from backend_skill.generate.support import (
    FrameworkSupport,
    Package,
    Supported,
    Template,
)

FLASK = Package("flask", ">=3,<4")
REDIS = Package("redis", ">=5,<9", when="store=redis")
FLASK_CORS = Package("flask-cors", ">=5,<7")
PYDANTIC_SETTINGS = Package("pydantic-settings", ">=2.3,<3")
PROMETHEUS = Package("prometheus-client", ">=0.20,<1")
PYJWT = Package("pyjwt[crypto]", ">=2.8,<3")
REQUESTS = Package("requests", ">=2.31,<3")
GUNICORN = Package("gunicorn", ">=22,<28")
OTEL_SDK = Package("opentelemetry-sdk", ">=1.25,<2")
OTEL_FLASK = Package("opentelemetry-instrumentation-flask", ">=0.46b0")
OTEL_OTLP = Package("opentelemetry-exporter-otlp-proto-http", ">=1.25,<2", when="exporter=otlp")


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
    id="flask",
    title="Flask",
    language="python",
    ecosystem="pypi",
    base_packages=(FLASK,),
    type_checked=True,
    middleware={
        "request-id": _entry("request-id"),
        "security-headers": _entry("security-headers"),
        "cors": _entry("cors", FLASK_CORS),
        "error-envelope": _entry("error-envelope"),
        "etag": _entry("etag"),
        "cursor-pagination": _entry("cursor-pagination"),
        "config": _entry("config", PYDANTIC_SETTINGS),
        "retry": _entry("retry"),
        "circuit-breaker": _entry("circuit-breaker"),
        "health": _entry("health"),
        "red-metrics": _entry("red-metrics", PROMETHEUS),
        "jwt-auth": _entry("jwt-auth", PYJWT),
        "webhook-signature": _entry("webhook-signature"),
        "json-logging": _entry("json-logging"),
        "idempotency-key": _entry("idempotency-key", REDIS),
        "rate-limit": _entry("rate-limit", REDIS),
        "webhook-sender": _entry("webhook-sender", REQUESTS),
        "tracing": _entry("tracing", OTEL_SDK, OTEL_FLASK, OTEL_OTLP),
        "graceful-shutdown": Supported(
            files=(
                Template("graceful_shutdown.py.j2", "graceful_shutdown.py"),
                Template("gunicorn.conf.py.j2", "gunicorn.conf.py"),
            ),
            mount="graceful_shutdown.mount.j2",
            test=Template("test_graceful_shutdown.py.j2", "tests/test_graceful_shutdown.py"),
            packages=(GUNICORN,),
            notes="Draining is the WSGI server's job: gunicorn.conf.py wires gunicorn's "
            "graceful_timeout (the hard deadline) and signal handling to the app's readiness "
            "flip and clean-ups. Run with: gunicorn -c gunicorn.conf.py app:app",
        ),
    },
)
