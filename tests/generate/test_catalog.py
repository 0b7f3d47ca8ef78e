"""The catalog's promises: every offered pair has a behaviour test, every link resolves, every
id and option schema is listed, and unsupported pairs say why."""

from __future__ import annotations

import ast

import pytest

from backend_skill import knowledge
from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware, list_middleware
from backend_skill.generate.catalog import CATALOG, FRAMEWORK_IDS
from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.render import environment
from backend_skill.generate.support import Supported, Unsupported
from backend_skill.knowledge.library import load_documents
from tests.generate import harness
from tests.generate.harness import behaviour_test_path

PAIRS = [
    (middleware, framework.id)
    for framework in frameworks().values()
    for middleware, entry in framework.middleware.items()
    if isinstance(entry, Supported)
]
ISSUE_IDS = [
    "request-id",
    "json-logging",
    "error-envelope",
    "idempotency-key",
    "rate-limit",
    "security-headers",
    "cors",
    "health",
    "graceful-shutdown",
    "jwt-auth",
    "red-metrics",
    "tracing",
    "webhook-signature",
    "webhook-sender",
    "retry",
    "circuit-breaker",
    "cursor-pagination",
    "etag",
    "config",
]


def test_catalog_ids_are_the_issue_ids():
    assert list(CATALOG) == ISSUE_IDS


def test_frameworks_are_known_and_declare_only_catalog_ids():
    assert frameworks(), "no framework module found"
    for framework in frameworks().values():
        assert framework.id in FRAMEWORK_IDS
        assert set(framework.middleware) <= set(CATALOG)
        for entry in framework.middleware.values():
            if isinstance(entry, Unsupported):
                assert len(entry.reason) > 20, "an unsupported pair explains why"


@pytest.mark.parametrize(("middleware", "framework"), PAIRS)
def test_every_offered_pair_has_a_behaviour_test(middleware, framework):
    path = behaviour_test_path(framework, middleware)
    assert path.is_file(), f"{middleware} x {framework} is offered but {path} does not exist"
    tree = ast.parse(path.read_text())
    tests = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    ]
    assert tests, f"{path} holds no test functions"
    option_sets = harness.option_sets(framework, middleware)
    assert option_sets[0] == {}, "the first option set is the defaults"
    assert any(options for options in option_sets[1:]), "at least one non-default option set"


@pytest.mark.parametrize(("middleware", "framework"), PAIRS)
def test_every_offered_pair_renders_its_templates(middleware, framework):
    entry = frameworks()[framework].middleware[middleware]
    assert isinstance(entry, Supported)
    for name in [*(t.source for t in entry.files), entry.test.source, entry.mount]:
        environment().get_template(f"{framework}/{name}")
    result = generate_middleware(middleware, framework)
    assert result.files[0].content.splitlines()[0].startswith(("# ", "// "))
    for package in result.packages:
        if package.purpose == "runtime":
            assert package.requirement in result.files[0].content, "header names tested versions"
    assert result.test_file in [f.path for f in result.files]


@pytest.mark.parametrize("middleware", list(CATALOG))
def test_every_pattern_link_resolves(middleware):
    document, _, anchor = CATALOG[middleware].pattern.partition("#")
    if document not in {d.id for d in load_documents()}:
        pytest.skip(f"{document} is not in this checkout yet")
    _, section = knowledge.resolve(f"{document}#{anchor}")
    assert section is not None and section.anchor == anchor


def test_list_middleware_shows_schemas_and_every_framework():
    catalog = list_middleware()
    assert [m.id for m in catalog.middleware] == list(CATALOG)
    for item in catalog.middleware:
        assert item.options_schema["type"] == "object"
        assert [s.framework for s in item.frameworks] == catalog.frameworks
        for status in item.frameworks:
            assert status.supported or status.reason


def test_unknown_ids_are_usage_errors_with_suggestions():
    with pytest.raises(UsageError, match="Did you mean: rate-limit"):
        generate_middleware("rate-limt", "fastapi")
    with pytest.raises(UsageError, match="Did you mean: fastapi"):
        generate_middleware("rate-limit", "fastapj")
