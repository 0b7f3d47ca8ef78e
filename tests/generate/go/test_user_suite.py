"""The _test.go each Go pair hands to the user passes against the rendered package, and every
rendered Go file (default and non-default options) is gofmt-clean and builds with go vet."""

from __future__ import annotations

import json

import pytest

from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.support import Supported
from tests.generate.go.gotool import GO_MOD, go_binary, go_env, gofmt_problems, run
from tests.generate.harness import option_sets, render_to

GO_PAIRS = [
    middleware
    for middleware, entry in frameworks()["go"].middleware.items()
    if isinstance(entry, Supported)
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, gocache):
    """Every pair rendered with defaults into one module; one `go test -json ./...`."""
    module = tmp_path_factory.mktemp("user-go")
    (module / "go.mod").write_text(GO_MOD)
    packages = {}
    for middleware in GO_PAIRS:
        result = render_to(module, middleware, "go")
        packages[middleware] = "example.com/app/" + result.files[0].path.rsplit("/", 1)[0]
    binary = go_binary()
    assert binary is not None
    _, out = run([binary, "test", "-count=1", "-json", "./..."], module, go_env(gocache), 300)
    results: dict[str, list[str]] = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if event.get("Test") is None and event.get("Action") in ("pass", "fail"):
            results.setdefault(event["Package"], []).append(event["Action"])
    return packages, results, out


@pytest.mark.parametrize("middleware", GO_PAIRS)
def test_the_users_go_test_passes(outcomes, middleware):
    packages, results, out = outcomes
    assert results.get(packages[middleware]) == ["pass"], out[-4000:]


@pytest.mark.parametrize("middleware", GO_PAIRS)
def test_every_option_set_is_gofmt_clean_and_vets(tmp_path, gocache, middleware):
    (tmp_path / "go.mod").write_text(GO_MOD)
    for index, options in enumerate(option_sets("go", middleware)):
        render_to(tmp_path / f"v{index}", middleware, "go", options)
    assert gofmt_problems(tmp_path, gocache) == ""
    binary = go_binary()
    assert binary is not None
    code, out = run([binary, "vet", "./..."], tmp_path, go_env(gocache), 240)
    assert code == 0, out
