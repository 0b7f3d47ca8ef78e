"""Go tests need the `go` tool (Debian's golang-go, installed by scripts/test-deps.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.generate.go.gotool import go_binary


@pytest.fixture(scope="session")
def gocache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build cache for every go run (GOCACHE if set, else one under the user's cache)."""
    if go_binary() is None:
        pytest.skip("go is not installed (scripts/test-deps.sh installs Debian's golang-go)")
    configured = os.environ.get("GOCACHE")
    path = Path(configured) if configured else Path.home() / ".cache" / "backend-skill-go-build"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def go_module(tmp_path: Path) -> Path:
    return tmp_path / "mod"
