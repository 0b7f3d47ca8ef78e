"""Express tests need node and this folder's npm packages; skip with the reason when node is absent."""

from __future__ import annotations

import pytest

from tests.generate.express.node import ensure_node_modules, node_binary


@pytest.fixture(scope="session", autouse=True)
def node_modules() -> None:
    if node_binary() is None:
        pytest.skip("node is not installed (Node 20 runs the Express snippets)")
    ensure_node_modules()
