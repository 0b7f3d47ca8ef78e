"""The test each pair hands to the user runs, in its own pytest, against the rendered middleware.

All Python pairs are rendered with defaults into one project and its suite runs once (one
subprocess); each pair then checks the outcome of its own test file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.support import Supported
from tests.generate.harness import render_to

PYTHON_PAIRS = [
    (middleware, framework.id)
    for framework in frameworks().values()
    if framework.language == "python"
    for middleware, entry in framework.middleware.items()
    if isinstance(entry, Supported)
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """{test file path: [(test name, passed)]} for every rendered user test, per framework."""
    results = {}
    for framework in {f for _, f in PYTHON_PAIRS}:
        project = tmp_path_factory.mktemp(f"user-{framework}")
        for middleware, fw in PYTHON_PAIRS:
            if fw == framework:
                render_to(project, middleware, framework)
        report = project / "report.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:xdist",
                f"--junitxml={report}",
                "tests",
            ],
            cwd=project,
            capture_output=True,
            check=False,
            text=True,
            timeout=240,
            env=env,
        )
        assert report.is_file(), run.stdout + run.stderr
        for case in ET.parse(report).getroot().iter("testcase"):
            failed = any(child.tag in ("failure", "error") for child in case)
            path = "tests/" + case.get("classname", "").split(".")[-1] + ".py"
            results.setdefault((framework, path), []).append(
                (case.get("name"), not failed, run.stdout[-3000:])
            )
    return results


@pytest.mark.parametrize(("middleware", "framework"), PYTHON_PAIRS)
def test_the_users_test_passes_against_the_rendered_middleware(outcomes, middleware, framework):
    path = f"tests/test_{middleware.replace('-', '_')}.py"
    cases = outcomes.get((framework, path))
    assert cases, f"{path} ran no tests"
    for name, passed, output in cases:
        assert passed, f"{path}::{name} failed\n{output}"
