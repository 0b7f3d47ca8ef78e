"""The MCP server, started as a real subprocess and driven by the SDK's client over stdio and
over streamable HTTP on loopback, in both protocol eras."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import ResourceTemplateReference

from backend_skill import __version__
from backend_skill.knowledge.library import load_documents

MODES = ["legacy", "auto"]
KNOWLEDGE_TOOLS = {"list_patterns", "get_pattern", "search_patterns"}


def _stdio() -> StdioServerParameters:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return StdioServerParameters(
        command=sys.executable, args=["-m", "backend_skill", "serve"], env=env
    )


def _run(target: Any, mode: str, scenario: Callable[[Client], Awaitable[None]]) -> None:
    async def main() -> None:
        async with Client(target, mode=mode, read_timeout_seconds=30) as client:
            await scenario(client)

    try:
        asyncio.run(main())
    except BaseExceptionGroup as group:
        # The SDK's task groups wrap the real failure; show the assertion itself.
        leaf: BaseException = group
        while isinstance(leaf, BaseExceptionGroup):
            leaf = leaf.exceptions[0]
        raise leaf from None


async def _exercise_everything(client: Client) -> None:
    """List and call every tool, read every resource, get every prompt."""
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) >= KNOWLEDGE_TOOLS
    for name in KNOWLEDGE_TOOLS:
        tool = tools[name]
        assert tool.title and tool.description
        assert tool.annotations and tool.annotations.read_only_hint is True
        assert tool.output_schema is not None, f"{name} has no structured output schema"

    listing = await client.call_tool("list_patterns", {})
    assert not listing.is_error
    documents = listing.structured_content["documents"]
    assert {d["id"] for d in documents} == {d.id for d in load_documents()}

    section = await client.call_tool("get_pattern", {"topic": "api-design-patterns#error-envelope"})
    assert section.structured_content["ref"] == "api-design-patterns#error-envelope"
    assert section.structured_content["content"].startswith("## Error envelope")

    search = await client.call_tool("search_patterns", {"query": "idempotency key", "limit": 3})
    hits = search.structured_content["hits"]
    assert 1 <= len(hits) <= 3 and all(h["uri"].startswith("pattern://") for h in hits)

    resources = (await client.list_resources()).resources
    assert {str(r.uri) for r in resources} == {f"pattern://{d.id}" for d in load_documents()}
    for resource in resources:
        read = await client.read_resource(str(resource.uri))
        assert read.contents[0].text.strip(), resource.uri
        assert read.contents[0].mime_type == "text/markdown"

    templates = {
        t.uri_template for t in (await client.list_resource_templates()).resource_templates
    }
    assert templates == {"pattern://{name}", "pattern://{document}/{section}"}
    loose = await client.read_resource("pattern://idempotency")
    assert loose.contents[0].text.startswith("## Idempotency keys")
    exact = await client.read_resource("pattern://database-patterns/migrations")
    assert exact.contents[0].text.startswith("## Migrations")

    completion = await client.complete(
        ResourceTemplateReference(type="ref/resource", uri="pattern://{name}"),
        {"name": "name", "value": "secu"},
    )
    assert "security-patterns" in completion.completion.values

    prompts = {p.name for p in (await client.list_prompts()).prompts}
    assert prompts == {"review_backend_code", "new_service_checklist"}
    review = await client.get_prompt("review_backend_code", {"target": "src/app.py"})
    assert "src/app.py" in review.messages[0].content.text
    checklist = await client.get_prompt("new_service_checklist", {"service": "orders"})
    assert "/health/ready" in checklist.messages[0].content.text


async def _errors_tell_what_to_send(client: Client) -> None:
    result = await client.call_tool("get_pattern", {"topic": "database-patterns#migration"})
    assert result.is_error
    text = result.content[0].text
    assert "database-patterns#migrations" in text and "Traceback" not in text
    bad_limit = await client.call_tool("search_patterns", {"query": "retry", "limit": 500})
    assert bad_limit.is_error
    # The server is still answering after errors.
    assert not (await client.call_tool("list_patterns", {})).is_error


@pytest.mark.parametrize("mode", MODES)
def test_stdio_lists_and_calls_everything(mode):
    _run(_stdio(), mode, _exercise_everything)


@pytest.mark.parametrize("mode", MODES)
def test_stdio_errors_are_tool_errors_not_crashes(mode):
    _run(_stdio(), mode, _errors_tell_what_to_send)


@pytest.mark.parametrize("mode", MODES)
def test_server_announces_instructions_and_version(mode):
    async def scenario(client: Client) -> None:
        assert client.session.instructions is not None
        for tool in KNOWLEDGE_TOOLS:
            assert tool in client.session.instructions
        if mode == "legacy":  # the handshake era always carries serverInfo
            assert client.session.server_info is not None
            assert client.session.server_info.name == "backend-skill"
            assert client.session.server_info.version == __version__

    _run(_stdio(), mode, scenario)


def test_stdout_carries_only_protocol_messages_and_logs_go_to_stderr():
    """A stray print on stdout would corrupt the stdio transport; check the raw stream."""
    request = (
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
        '"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n'
        '{"jsonrpc":"2.0","method":"notifications/initialized"}\n'
        '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_pattern",'
        '"arguments":{"topic":"no-such-topic-at-all"}}}\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "backend_skill", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin and process.stdout
    process.stdin.write(request)
    process.stdin.flush()
    # Read until both answers arrived, then close stdin so the server exits on its own.
    answers = [process.stdout.readline(), process.stdout.readline()]
    process.stdin.close()
    rest = process.stdout.read()
    process.wait(timeout=30)
    result = subprocess.CompletedProcess(process.args, process.returncode, "".join(answers) + rest)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    for line in lines:
        assert json.loads(line)["jsonrpc"] == "2.0"
    assert json.loads(lines[1])["result"]["isError"] is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def http_server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend_skill",
            "serve",
            "--transport",
            "http",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        process.stderr.read().decode() if process.stderr else ""
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("mode", MODES)
def test_streamable_http_lists_and_calls_everything(http_server, mode):
    _run(http_server, mode, _exercise_everything)


def test_http_binds_loopback_by_default(http_server):
    """The listening socket's own address is 127.0.0.1, read from the kernel's table."""
    port = int(http_server.rsplit(":", 1)[1].split("/")[0])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                listening.append(address)
    if not listening:
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    # 0100007F is 127.0.0.1 in the kernel's little-endian hex; a wildcard bind would be 00000000.
    assert listening == ["0100007F"], listening
