"""The generate capability's entry points: list the catalog, parse options, render a pair."""

from __future__ import annotations

import difflib
import json
from typing import Any, get_args, get_origin

from pydantic import ValidationError

from backend_skill import __version__
from backend_skill.errors import UsageError
from backend_skill.generate.catalog import CATALOG, Middleware
from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.options import Options
from backend_skill.generate.render import Code, render
from backend_skill.generate.results import (
    FrameworkStatus,
    GeneratedFile,
    GeneratedMiddleware,
    MiddlewareCatalog,
    MiddlewareInfo,
    PackageRequirement,
)
from backend_skill.generate.support import FrameworkSupport, Package, Supported, Unsupported
from backend_skill.knowledge import section_uri

_COMMENT = {"python": "#", "javascript": "//", "go": "//"}


def list_middleware() -> MiddlewareCatalog:
    known = frameworks()
    items = []
    for spec in CATALOG.values():
        statuses = []
        for framework in known.values():
            entry = framework.middleware.get(spec.id)
            statuses.append(
                FrameworkStatus(
                    framework=framework.id,
                    supported=isinstance(entry, Supported),
                    reason=entry.reason
                    if isinstance(entry, Unsupported)
                    else ("" if entry else "not declared by this framework yet"),
                )
            )
        items.append(
            MiddlewareInfo(
                id=spec.id,
                title=spec.title,
                description=spec.description,
                pattern=spec.pattern,
                pattern_uri=_uri(spec.pattern),
                options_schema=spec.options.model_json_schema(),
                frameworks=statuses,
            )
        )
    return MiddlewareCatalog(frameworks=list(known), middleware=items)


def middleware_spec(middleware: str) -> Middleware:
    if middleware not in CATALOG:
        raise UsageError(
            f"Unknown middleware {middleware!r}; known: {', '.join(CATALOG)}.",
            suggestions=difflib.get_close_matches(middleware, list(CATALOG), n=3),
        )
    return CATALOG[middleware]


def framework_support(framework: str) -> FrameworkSupport:
    known = frameworks()
    if framework not in known:
        raise UsageError(
            f"Unknown framework {framework!r}; available: {', '.join(known)}.",
            suggestions=difflib.get_close_matches(framework, list(known), n=3),
        )
    return known[framework]


def parse_options(middleware: str, raw: dict[str, Any] | None) -> Options:
    """Validate options; every problem is listed in one UsageError."""
    spec = middleware_spec(middleware)
    try:
        return spec.options.model_validate(raw or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'options'}: {e['msg']}" for e in error.errors()
        )
        known = ", ".join(spec.options.model_fields)
        raise UsageError(
            f"Invalid options for {middleware}: {problems}. Options: {known}."
        ) from None


def parse_set_pairs(middleware: str, pairs: list[str]) -> dict[str, Any]:
    """Turn CLI `key=value` pairs into raw options: JSON for [..]/{..}, commas split lists."""
    fields = middleware_spec(middleware).options.model_fields
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise UsageError(f"--set takes key=value, got {pair!r}.")
        if key not in fields:
            raise UsageError(
                f"{middleware} has no option {key!r}; options: {', '.join(fields)}.",
                suggestions=difflib.get_close_matches(key, list(fields), n=3),
            )
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                raw[key] = json.loads(stripped)
            except json.JSONDecodeError as error:
                raise UsageError(f"--set {key}: invalid JSON ({error.msg}).") from None
        elif _is_list(fields[key].annotation):
            raw[key] = [part.strip() for part in value.split(",") if part.strip()]
        else:
            raw[key] = value
    return raw


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or any(
        get_origin(arg) is list for arg in get_args(annotation)
    )


def generate_middleware(
    middleware: str, framework: str, options: dict[str, Any] | None = None
) -> GeneratedMiddleware:
    spec = middleware_spec(middleware)
    support = framework_support(framework)
    entry = support.middleware.get(middleware)
    if not isinstance(entry, Supported):
        reason = entry.reason if entry else "not available for this framework yet"
        offered = [m for m, e in support.middleware.items() if isinstance(e, Supported)]
        raise UsageError(
            f"{middleware} is not offered for {framework}: {reason} "
            f"Offered for {framework}: {', '.join(offered)}."
        )
    validated = parse_options(middleware, options)
    _check_refusals(middleware, framework, entry, validated)
    packages = _dedupe(
        [p for p in (*support.base_packages, *entry.packages) if _applies(p, validated)]
    )
    main_path = entry.files[0].path
    context = {
        "o": validated,
        "header": Code(_header(spec, support, packages)),
        "module": Code(_module_name(main_path)),
    }
    files = [
        GeneratedFile(
            path=t.path, content=render(f"{framework}/{t.source}", context), role="middleware"
        )
        for t in entry.files
    ]
    files.append(
        GeneratedFile(
            path=entry.test.path,
            content=render(f"{framework}/{entry.test.source}", context),
            role="test",
        )
    )
    return GeneratedMiddleware(
        middleware=middleware,
        framework=framework,
        title=spec.title,
        pattern=spec.pattern,
        pattern_uri=_uri(spec.pattern),
        options=validated.model_dump(mode="json"),
        files=files,
        packages=[_requirement(p, support) for p in packages],
        mount=render(f"{framework}/{entry.mount}", context),
        mount_language=support.language,
        test_file=entry.test.path,
        notes=entry.notes,
    )


def _check_refusals(middleware: str, framework: str, entry: Supported, options: Options) -> None:
    for refusal in entry.refuses:
        value = getattr(options, refusal.option)
        if value == refusal.value or (isinstance(value, list) and refusal.value in value):
            raise UsageError(
                f"{middleware} for {framework} does not support "
                f"{refusal.option}={refusal.value}: {refusal.reason}"
            )


def _dedupe(packages: list[Package]) -> list[Package]:
    """One entry per package, in order; a runtime need wins over a test-only one."""
    seen: dict[str, Package] = {}
    for package in packages:
        if package.name not in seen or seen[package.name].purpose == "test":
            seen[package.name] = package
    return list(seen.values())


def _applies(package: Package, options: Options) -> bool:
    if package.when is None:
        return True
    key, _, value = package.when.partition("=")
    return str(getattr(options, key)) == value


def _requirement(package: Package, support: FrameworkSupport) -> PackageRequirement:
    joined = (
        package.name + package.spec
        if support.ecosystem == "pypi"
        else (f"{package.name}@{package.spec}")
    )
    return PackageRequirement(
        name=package.name,
        spec=package.spec,
        ecosystem=support.ecosystem,
        requirement=joined,
        purpose=package.purpose,
    )


def _header(spec: Middleware, support: FrameworkSupport, packages: list[Package]) -> str:
    mark = _COMMENT[support.language]
    tested = ", ".join(_requirement(p, support).requirement for p in packages) or "standard library"
    return "\n".join(
        [
            f"{mark} {spec.title} for {support.title}: generated by backend-skill {__version__}.",
            f"{mark} Follows {spec.pattern} ({_uri(spec.pattern)}).",
            f"{mark} Tested with: {tested}.",
        ]
    )


def _module_name(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


def _uri(pattern: str) -> str:
    document, _, anchor = pattern.partition("#")
    return section_uri(document, anchor)
