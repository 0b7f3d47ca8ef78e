"""Proof with a client we did not write: the MCP Inspector CLI talks to our server over stdio
and over streamable HTTP, lists and calls the read-only tools, reads resources, gets prompts.

The inspector is pinned by tests/clients/inspector/package-lock.json and installed by
scripts/test-deps.sh (or by the session fixture below when node_modules is missing).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

INSPECTOR_DIR = Path(__file__).resolve().parent / "inspector"
LAUNCHER = (
    INSPECTOR_DIR
    / "node_modules"
    / "@modelcontextprotocol"
    / "inspector"
    / "clients"
    / "launcher"
    / "build"
    / "index.js"
)
STDIO_SERVER = [sys.executable, "-m", "backend_skill", "serve"]
OUR_READ_ONLY_TOOLS = {"list_patterns", "get_pattern", "search_patterns"}
# Arguments for the read-only tools we know; another read-only tool is called with its required
# string arguments set to a placeholder and must still get a well-formed MCP answer.
KNOWN_ARGUMENTS: dict[str, list[str]] = {
    "list_patterns": [],
    "get_pattern": ["topic=SKILL#resilience"],  # a stable anchor (coord/ANCHORS.md)
    "search_patterns": ["query=retry backoff", "limit=2"],
}


def _run(argv: list[str], env: dict[str, str], timeout: float = 90) -> tuple[int, str, str]:
    """Run a process in its own group; on timeout the whole group is killed."""
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"{argv[:4]} timed out after {timeout} s: {err[-2000:]}")
    return process.returncode, out, err


@pytest.fixture(scope="session")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str]]:
    """The command that runs the inspector CLI, and an environment with a throw-away HOME."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the MCP Inspector CLI needs Node >= 20")
    lock_path = Path(tempfile.gettempdir()) / "backend-skill-inspector-install.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers: one npm ci at a time
        if not LAUNCHER.is_file():
            npm = shutil.which("npm")
            assert npm, "node is installed but npm is not; install npm to run these tests"
            subprocess.run(
                [npm, "ci", "--prefix", str(INSPECTOR_DIR), "--no-audit", "--no-fund"],
                check=True,
                capture_output=True,
                timeout=600,
            )
    home = tmp_path_factory.mktemp("inspector-home")  # it keeps a catalog under ~/.mcp-inspector
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    return [node, str(LAUNCHER), "--cli", "--format", "json", "-q"], env


def _ask(inspector: tuple[list[str], dict[str, str]], target: list[str], *args: str) -> Any:
    command, env = inspector
    code, out, err = _run([*command, *target, *args], env)
    assert code == 0, f"inspector exited {code}: {err[-3000:]}"
    return json.loads(out)["result"]


@pytest.fixture(scope="session")
def http_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`backend-skill serve --transport http` on a free loopback port, until the session ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("http-server") / "server.log").open("w")
    entry = Path(sys.executable).parent / "backend-skill"
    process = subprocess.Popen(
        [str(entry), "serve", "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pytest.fail(f"the HTTP server did not come up: {Path(log.name).read_text()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/mcp"
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


@pytest.fixture(params=["stdio", "http"])
def target(request: pytest.FixtureRequest) -> list[str]:
    if request.param == "stdio":
        return STDIO_SERVER
    url: str = request.getfixturevalue("http_url")
    return [url, "--transport", "http"]


def test_lists_our_tools_with_schemas_and_annotations(inspector: Any, target: list[str]) -> None:
    tools = {
        tool["name"]: tool for tool in _ask(inspector, target, "--method", "tools/list")["tools"]
    }
    assert set(tools) >= OUR_READ_ONLY_TOOLS
    for name in OUR_READ_ONLY_TOOLS:
        assert tools[name]["annotations"]["readOnlyHint"] is True
        assert tools[name]["outputSchema"]["type"] == "object"
    assert tools["get_pattern"]["inputSchema"]["required"] == ["topic"]


def test_calls_every_read_only_tool(inspector: Any, target: list[str]) -> None:
    tools = _ask(inspector, target, "--method", "tools/list")["tools"]
    read_only = [t for t in tools if (t.get("annotations") or {}).get("readOnlyHint")]
    assert {t["name"] for t in read_only} >= OUR_READ_ONLY_TOOLS

    def call(tool: dict[str, Any]) -> tuple[str, Any]:
        arguments = KNOWN_ARGUMENTS.get(tool["name"])
        if arguments is None:
            required = tool["inputSchema"].get("required", [])
            arguments = [f"{name}=example" for name in required]
        extra = ["--tool-arg", *arguments] if arguments else []
        command, env = inspector
        argv = [*command, *target, "--method", "tools/call", "--tool-name", tool["name"], *extra]
        code, out, err = _run(argv, env)
        answer = json.loads(out) if out.strip() else {}
        assert "result" in answer, f"{tool['name']}: exit {code}: {err[-2000:]}"
        return tool["name"], answer["result"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(call, read_only))
    for name, result in results.items():
        assert result["content"], f"{name} answered without content"
        if name in KNOWN_ARGUMENTS:
            assert not result.get("isError"), f"{name}: {result['content']}"
            assert isinstance(result["structuredContent"], dict)
    documents = results["list_patterns"]["structuredContent"]["documents"]
    assert "SKILL" in [document["id"] for document in documents]
    assert "## Resilience" in results["get_pattern"]["structuredContent"]["content"]
    hits = results["search_patterns"]["structuredContent"]["hits"]
    assert 1 <= len(hits) <= 2


def test_a_bad_argument_comes_back_as_a_tool_error(inspector: Any) -> None:
    command, env = inspector
    argv = [*command, *STDIO_SERVER, "--method", "tools/call", "--tool-name", "get_pattern"]
    code, out, _ = _run([*argv, "--tool-arg", "topic=no-such-practice-zzz"], env)
    result = json.loads(out)["result"]
    assert result["isError"] is True
    assert "list_patterns" in result["content"][0]["text"]
    assert code != 0


def test_reads_resources(inspector: Any, target: list[str]) -> None:
    listed = _ask(inspector, target, "--method", "resources/list")["resources"]
    assert "pattern://SKILL" in [resource["uri"] for resource in listed]
    skill = _ask(inspector, target, "--method", "resources/read", "--uri", "pattern://SKILL")
    text = skill["contents"][0]["text"]
    assert text.startswith("---\nname: developing-backend-services\n")
    section = _ask(
        inspector, target, "--method", "resources/read", "--uri", "pattern://SKILL/resilience"
    )
    assert section["contents"][0]["text"].lstrip().startswith("## Resilience")


def test_gets_prompts(inspector: Any, target: list[str]) -> None:
    names = [p["name"] for p in _ask(inspector, target, "--method", "prompts/list")["prompts"]]
    assert {"review_backend_code", "new_service_checklist"} <= set(names)
    prompt = _ask(
        inspector,
        target,
        "--method",
        "prompts/get",
        "--prompt-name",
        "review_backend_code",
        "--prompt-args",
        "target=src/orders/api.py",
    )
    message = prompt["messages"][0]
    assert message["role"] == "user"
    assert "src/orders/api.py" in message["content"]["text"]


@pytest.mark.parametrize(
    ("client", "config_path", "fixture"),
    [
        ("cursor", ".cursor/mcp.json", "cursor-mcp.json"),
        ("claude-code", ".claude.json", "claude.json"),
    ],
)
def test_the_inspector_starts_the_server_from_the_config_install_wrote(
    inspector: Any, tmp_path: Path, client: str, config_path: str, fixture: str
) -> None:
    """A client we did not write reads the config install merged and starts the server from it."""
    command, env = inspector
    home = tmp_path / "home"
    config = home / config_path
    config.parent.mkdir(parents=True)
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "clients"
    config.write_bytes((fixtures / fixture).read_bytes())
    install_env = {**env, "HOME": str(home)}
    install_env.pop("CLAUDE_PROJECT_DIR", None)
    entry = Path(sys.executable).parent / "backend-skill"
    code, out, err = _run(
        [str(entry), "install", "--client", client, "--project-dir", str(tmp_path)], install_env
    )
    assert code == 0, err
    argv = [*command, "--config", str(config), "--server", "backend-skill"]
    code, out, err = _run([*argv, "--method", "tools/list"], env)
    assert code == 0, err[-3000:]
    names = {tool["name"] for tool in json.loads(out)["result"]["tools"]}
    assert names >= OUR_READ_ONLY_TOOLS
