"""Real fixture projects for the validation loop, run with real tools.

The Python fixtures share one virtualenv with pytest, pytest-cov, ruff, mypy, bandit and
schemathesis from the package index. It is built once and kept under .backend-skill-cache/ (keyed
by its requirements), guarded by a file lock so parallel workers build it once; each test copies a
fixture project into a tmp dir and links the venv in as the project's `.venv`.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "validate"
REQUIREMENTS = ["pytest", "pytest-cov", "ruff", "mypy", "bandit", "schemathesis"]


@pytest.fixture(scope="session")
def tools_venv() -> Path:
    key = hashlib.sha256(" ".join([sys.version, *REQUIREMENTS]).encode()).hexdigest()[:12]
    cache = REPO / ".backend-skill-cache"
    cache.mkdir(exist_ok=True)
    target = cache / f"validate-venv-{key}"
    with (cache / f"validate-venv-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "bin" / "bandit").is_file():
            shutil.rmtree(target, ignore_errors=True)
            # Built under its final name: a venv's scripts hard-code its path.
            _build_in_place(target)
    return target


def _build_in_place(target: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
        check=True,
        timeout=600,
    )


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Copy a fixture project into tmp; `venv=` links that virtualenv in as its .venv."""

    def make(name: str, venv: Path | None = None) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        if venv is not None:
            (target / ".venv").symlink_to(venv, target_is_directory=True)
        return target

    return make


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No active virtualenv of ours leaks into the project's tool lookup."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
