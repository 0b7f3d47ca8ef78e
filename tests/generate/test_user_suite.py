"""The test each pair hands to the user runs, in its own pytest, against the rendered middleware.

All Python pairs of a framework are rendered with defaults into one project whose suite runs
once (one subprocess, one test here: parametrizing would run it on every xdist worker); every
pair's test file must have run and passed.
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


def _run_user_suite(project):
    """{test file: [(test name, passed)]} and the pytest output, for the project's tests/."""
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
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        path = "tests/" + case.get("classname", "").split(".")[-1] + ".py"
        results.setdefault(path, []).append((case.get("name"), not failed))
    return results, run.stdout[-5000:]


@pytest.mark.parametrize("framework", sorted({framework for _, framework in PYTHON_PAIRS}))
def test_every_users_test_passes_against_the_rendered_middleware(tmp_path, framework):
    pairs = [middleware for middleware, fw in PYTHON_PAIRS if fw == framework]
    for middleware in pairs:
        render_to(tmp_path, middleware, framework)
    results, output = _run_user_suite(tmp_path)
    problems = []
    for middleware in pairs:
        path = f"tests/test_{middleware.replace('-', '_')}.py"
        cases = results.get(path)
        if not cases:
            problems.append(f"{path} ran no tests")
        problems += [f"{path}::{name} failed" for name, passed in cases or [] if not passed]
    assert not problems, "\n".join(problems) + "\n" + output
