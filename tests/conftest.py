"""Shared fixtures: the repository root and the interpreter that runs backend-skill."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def python() -> str:
    """The interpreter of the environment backend-skill is installed in."""
    return sys.executable
