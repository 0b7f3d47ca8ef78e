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
    middleware={
        "request-id": _entry("request-id"),
        "json-logging": _entry("json-logging"),
        "error-envelope": _entry("error-envelope"),
        "idempotency-key": _entry("idempotency-key", REDIS),
        "rate-limit": _entry("rate-limit", REDIS),
    },
)
