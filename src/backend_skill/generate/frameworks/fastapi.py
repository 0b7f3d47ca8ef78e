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
    middleware={
        "request-id": _entry("request-id"),
        "json-logging": _entry("json-logging"),
        "error-envelope": _entry("error-envelope"),
        "security-headers": _entry("security-headers"),
        "cors": _entry("cors", notes="Wraps Starlette's CORSMiddleware (part of FastAPI)."),
        "cursor-pagination": _entry("cursor-pagination"),
        "etag": _entry("etag"),
    },
)
