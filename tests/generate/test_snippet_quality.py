"""Every Python snippet (default and non-default options) passes ruff and our own check."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.support import Supported
from tests.generate.harness import option_sets, render_to

PYTHON_CASES = [
    pytest.param(middleware, framework.id, index, id=f"{framework.id}-{middleware}-{index}")
    for framework in frameworks().values()
    if framework.language == "python"
    for middleware, entry in framework.middleware.items()
    if isinstance(entry, Supported)
    for index in range(len(option_sets(framework.id, middleware)))
]


def _ruff(*args, cwd, target="."):
    # --isolated: a neutral configuration (ruff's defaults), not this repository's.
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--isolated", target],
        cwd=cwd,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("middleware", "framework", "index"), PYTHON_CASES)
def test_python_snippet_passes_ruff(tmp_path, middleware, framework, index):
    project = tmp_path / "project"
    result = render_to(project, middleware, framework, option_sets(framework, middleware)[index])
    check = _ruff("check", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    form = _ruff("format", "--check", "--diff", cwd=project)
    assert form.returncode == 0, form.stdout + form.stderr
    # The mount snippet is a fragment of the user's main module: import order is theirs.
    (tmp_path / "mount_example.py").write_text(result.mount)
    mount = _ruff("check", "--ignore", "I001", cwd=tmp_path, target="mount_example.py")
    assert mount.returncode == 0, mount.stdout + mount.stderr
    form = _ruff("format", "--check", "--diff", cwd=tmp_path, target="mount_example.py")
    assert form.returncode == 0, form.stdout + form.stderr


@pytest.mark.parametrize(("middleware", "framework", "index"), PYTHON_CASES)
def test_python_snippet_passes_our_own_check(tmp_path, middleware, framework, index):
    if importlib.util.find_spec("backend_skill.check") is None:
        pytest.skip("backend_skill.check is not in this checkout yet (built on another branch)")
    render_to(tmp_path, middleware, framework, option_sets(framework, middleware)[index])
    run = subprocess.run(
        [sys.executable, "-m", "backend_skill", "check", str(tmp_path), "--format", "json"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "CLAUDE_PROJECT_DIR"},  # root = cwd
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["findings"] == [], run.stdout


TYPED_PAIRS = sorted(
    {
        (middleware, framework)
        for middleware, framework, _ in [p.values for p in PYTHON_CASES]
        if frameworks()[framework].type_checked
    }
)
MOST_SETS = max((len(option_sets(f, m)) for m, f in TYPED_PAIRS), default=0)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("index", range(MOST_SETS))
def test_python_snippets_pass_mypy_strict(tmp_path, mypy_cache, index):
    """Middleware and the user's tests type-check with mypy --strict (one run per option set),
    for the frameworks that declare `type_checked`."""
    rendered = 0
    for middleware, framework in TYPED_PAIRS:
        sets = option_sets(framework, middleware)
        if index < len(sets):
            render_to(tmp_path / framework, middleware, framework, sets[index])
            rendered += 1
    assert rendered
    for project in tmp_path.iterdir():
        run = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), "."],
            cwd=project,
            capture_output=True,
            check=False,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
