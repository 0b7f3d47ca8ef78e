"""Run rendered Express middleware under the machine's Node: render, write a scenario, run it.

A scenario is JavaScript that builds a minimal real Express app around the rendered middleware,
serves it on 127.0.0.1 (random port) and asserts the behaviour over HTTP with node:assert. The
packages come from this folder's node_modules (package.json + package-lock.json, `npm ci`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from tests.generate.harness import render_to

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"

# Shared by every scenario: assert, express, a server on loopback, a tiny HTTP client.
PRELUDE = r"""
'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const express = require('express');
const OPTIONS = JSON.parse(process.env.SCENARIO_OPTIONS);

async function serve(app) {
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { server, url, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

async function call(url, init = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}
"""


def node_binary() -> str | None:
    return shutil.which("node")


def ensure_node_modules() -> None:
    """npm ci from the committed lock file when node_modules is missing (test-deps.sh does it
    first; this keeps a bare `pytest` working)."""
    if (NODE_MODULES / ".package-lock.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing; run scripts/test-deps.sh")
    # pytest-xdist workers start together: one installs, the others wait for it.
    with (HERE / ".npm-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (NODE_MODULES / ".package-lock.json").is_file():
            return
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=HERE,
            check=True,
            capture_output=True,
            timeout=600,
        )


def run_scenario(
    directory: Path,
    middleware: str,
    options: dict[str, Any],
    body: str,
    env: dict[str, str] | None = None,
    timeout: float = 30,
) -> str:
    """Render the pair into `directory`, run `body` (inside an async function) under node.

    The rendered module is `M`; the scenario fails the test on any thrown error.
    """
    result = render_to(directory, middleware, "express", options)
    main = directory / result.files[0].path
    script = directory / "scenario.js"
    script.write_text(
        PRELUDE
        + f"const M = require({json.dumps(str(main))});\n"
        + "(async () => {\n"
        + body
        + "\n})().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });\n"
    )
    run_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NODE_")},
        "NODE_PATH": str(NODE_MODULES),
        "SCENARIO_OPTIONS": json.dumps(options),
        **(env or {}),
    }
    binary = node_binary()
    assert binary is not None
    code, out, err = run_grouped([binary, str(script)], cwd=directory, env=run_env, timeout=timeout)
    assert code == 0, f"scenario failed:\n{out[-4000:]}\n{err[-4000:]}"
    return out


def run_grouped(
    args: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int, str, str]:
    """Run in its own process group; on timeout the whole group is killed."""
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return -1, out, "timed out\n" + err
    return process.returncode, out, err
