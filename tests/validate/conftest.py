"""Real fixture projects for the validation loop, run with real tools.

The Python fixtures share one virtualenv with pytest, pytest-cov, ruff, mypy and bandit from the
package index (the contract fixture has its own, with schemathesis). Each is built once and kept
under .backend-skill-cache/ (keyed by its requirements), guarded by a file lock so parallel
workers build it once; each test copies a fixture project into a tmp dir and links the venv in as
the project's `.venv`.
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
REQUIREMENTS = ["pytest", "pytest-cov", "ruff", "mypy", "bandit"]
# Apart, so its pytest plugins (hypothesis) do not slow every other fixture's test run.
CONTRACT_REQUIREMENTS = ["schemathesis"]


def cached_venv(requirements: list[str], marker: str) -> Path:
    """A venv with `requirements`, built once (file-locked) and kept, keyed by what it holds."""
    key = hashlib.sha256(" ".join([sys.version, *requirements]).encode()).hexdigest()[:12]
    cache = REPO / ".backend-skill-cache"
    cache.mkdir(exist_ok=True)
    target = cache / f"validate-venv-{key}"
    with (cache / f"validate-venv-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "bin" / marker).is_file():
            shutil.rmtree(target, ignore_errors=True)
            # Built under its final name: a venv's scripts hard-code its path. The marker
            # script appears last, so a half-built venv is rebuilt next time.
            subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
            pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, *requirements], check=True, timeout=600)
    return target


@pytest.fixture(scope="session")
def tools_venv() -> Path:
    return cached_venv(REQUIREMENTS, "bandit")


@pytest.fixture(scope="session")
def contract_venv() -> Path:
    return cached_venv(CONTRACT_REQUIREMENTS, "schemathesis")


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
