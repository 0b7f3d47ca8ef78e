"""Django: new-style middleware classes (sync; Django adapts them under ASGI), URL patterns for
endpoints, and settings fragments where Django or a maintained library already does the work
(SecurityMiddleware, XFrameOptionsMiddleware, django-cors-headers, the OpenTelemetry Django
instrumentation, pydantic-settings).

Version ranges are the ones the tests run against (tests/generate/django/).
"""

from __future__ import annotations

from backend_skill.generate.support import (
    FrameworkSupport,
    Package,
    Supported,
    Template,
)

DJANGO = Package("django", ">=5.1,<6")
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
    id="django",
    title="Django",
    language="python",
    ecosystem="pypi",
    base_packages=(DJANGO,),
    # Snippets and user tests pass mypy --strict (with django-stubs, as the tests run it).
    type_checked=True,
    middleware={
        "request-id": _entry("request-id"),
        "json-logging": _entry("json-logging"),
        "error-envelope": _entry("error-envelope"),
        "idempotency-key": _entry("idempotency-key", REDIS),
        "rate-limit": _entry("rate-limit", REDIS),
        "security-headers": _entry(
            "security-headers",
            notes="Django's SecurityMiddleware sets HSTS (on HTTPS requests only: set "
            "SECURE_PROXY_SSL_HEADER behind a TLS-terminating proxy), nosniff and "
            "Referrer-Policy; XFrameOptionsMiddleware sets X-Frame-Options; the generated "
            "middleware adds Content-Security-Policy and Permissions-Policy.",
        ),
        "cors": _entry(
            "cors",
            Package("django-cors-headers", ">=4.4,<5"),
            notes="Settings for django-cors-headers (CorsMiddleware).",
        ),
        "health": _entry("health"),
        "graceful-shutdown": Supported(
            files=(
                Template("graceful_shutdown.py.j2", "graceful_shutdown.py"),
                Template("gunicorn_conf.py.j2", "gunicorn.conf.py"),
            ),
            mount="graceful_shutdown.mount.j2",
            test=Template("test_graceful_shutdown.py.j2", "tests/test_graceful_shutdown.py"),
            packages=(Package("gunicorn", ">=23,<24"),),
            notes="Under gunicorn (gthread workers): the server stops accepting and drains; "
            "the middleware turns readiness and new requests to 503; worker_exit closes "
            "database connections and flushes logs.",
        ),
        "jwt-auth": _entry("jwt-auth", Package("pyjwt[crypto]", ">=2.8,<3")),
        "red-metrics": _entry(
            "red-metrics",
            Package("prometheus-client", ">=0.20,<1"),
            notes="Under a multi-process server (gunicorn workers) use prometheus-client's "
            "multiprocess mode (PROMETHEUS_MULTIPROC_DIR).",
        ),
        "tracing": _entry(
            "tracing",
            Package("opentelemetry-sdk", ">=1.25,<2"),
            Package("opentelemetry-instrumentation-django", ">=0.46b0"),
            Package("opentelemetry-exporter-otlp-proto-http", ">=1.25,<2", when="exporter=otlp"),
        ),
        "webhook-signature": _entry("webhook-signature"),
        "webhook-sender": _entry("webhook-sender", Package("httpx", ">=0.27,<1")),
        "retry": _entry("retry"),
        "circuit-breaker": _entry("circuit-breaker"),
        "cursor-pagination": _entry("cursor-pagination"),
        "etag": _entry("etag", notes="304 handling is Django's own get_conditional_response."),
        "config": _entry("config", Package("pydantic-settings", ">=2.3,<3")),
    },
)
