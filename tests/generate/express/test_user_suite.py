"""The node --test file each Express pair hands to the user passes against the rendered middleware.

Every pair is rendered with defaults into one project (node_modules linked in, as a user's project
has it); each pair's test file then runs under `node --test`.
"""

from __future__ import annotations

import os

import pytest

from backend_skill.generate.frameworks import frameworks
from backend_skill.generate.support import Supported
from tests.generate.express.node import NODE_MODULES, node_binary, run_grouped
from tests.generate.harness import render_to

EXPRESS_PAIRS = [
    middleware
    for middleware, entry in frameworks()["express"].middleware.items()
    if isinstance(entry, Supported)
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("user-express")
    (root / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    for middleware in EXPRESS_PAIRS:
        render_to(root, middleware, "express")
    return root


@pytest.mark.parametrize("middleware", EXPRESS_PAIRS)
def test_the_users_node_test_passes(project, middleware):
    binary = node_binary()
    assert binary is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    code, out, err = run_grouped(
        [binary, "--test", f"test/{middleware}.test.js"], cwd=project, env=env, timeout=120
    )
    assert code == 0, out[-4000:] + err[-4000:]
