"""The CLI and MCP faces of generate: same model, exit codes, writes that never lose files."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from mcp import Client

from backend_skill.generate import generate_middleware, list_middleware
from backend_skill.server import build_server


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "backend_skill", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_cli_generate_json_is_the_core_model():
    run = _cli(
        "generate", "request-id", "--framework", "fastapi", "--set", "max_length=64", "-f", "json"
    )
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    expected = generate_middleware("request-id", "fastapi", {"max_length": 64})
    assert payload["generated"] == json.loads(expected.model_dump_json())
    assert payload["written"] is None


def test_cli_writes_refuses_then_forces_with_backup(tmp_path):
    args = ["generate", "request-id", "--framework", "fastapi", "--out", str(tmp_path)]
    first = _cli(*args)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout and "fastapi>=0.115,<1" in first.stdout
    target = tmp_path / "request_id.py"
    target.write_text("# edited by me\n")
    second = _cli(*args)
    assert second.returncode == 2
    assert "--force" in second.stderr and "Traceback" not in second.stderr
    assert target.read_text() == "# edited by me\n"
    third = _cli(*args, "--force")
    assert third.returncode == 0, third.stderr
    assert (tmp_path / "request_id.py.bak").read_text() == "# edited by me\n"
    assert target.read_text().startswith("# Request id")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["generate", "request-id", "--framework", "fastapi", "--set", 'header_name=a"b'],
            "header",
        ),
        (["generate", "nope", "--framework", "fastapi"], "Unknown middleware"),
        (["generate", "request-id", "--framework", "rails"], "Unknown framework"),
        (["generate", "request-id", "--framework", "fastapi", "--set", "x"], "key=value"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(args, message):
    run = _cli(*args)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr


def test_cli_middleware_lists_the_catalog():
    text = _cli("middleware")
    assert text.returncode == 0
    assert "idempotency-key" in text.stdout
    as_json = _cli("middleware", "-f", "json")
    assert json.loads(as_json.stdout) == json.loads(list_middleware().model_dump_json())


def _mcp(scenario):
    async def main():
        async with Client(build_server()) as client:
            await scenario(client)

    asyncio.run(main())


def test_mcp_tools_list_and_generate(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(tmp_path))

    async def scenario(client):
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert {"list_middleware", "generate_middleware"} <= set(tools)
        assert tools["list_middleware"].annotations.read_only_hint is True
        assert tools["generate_middleware"].output_schema is not None

        listing = await client.call_tool("list_middleware", {})
        assert listing.structured_content == json.loads(list_middleware().model_dump_json())

        result = await client.call_tool(
            "generate_middleware",
            {
                "middleware": "request-id",
                "framework": "fastapi",
                "options": {"header_name": "X-Trace-Ref"},
                "write_to": "app",
            },
        )
        assert not result.is_error
        generated = result.structured_content["generated"]
        assert "X-Trace-Ref" in generated["files"][0]["content"]
        assert (tmp_path / "app" / "request_id.py").is_file()

        again = await client.call_tool(
            "generate_middleware",
            {"middleware": "request-id", "framework": "fastapi", "write_to": "app"},
        )
        assert again.is_error and "force" in again.content[0].text

        outside = await client.call_tool(
            "generate_middleware",
            {"middleware": "request-id", "framework": "fastapi", "write_to": "../elsewhere"},
        )
        assert outside.is_error and "outside the project root" in outside.content[0].text

        bad = await client.call_tool(
            "generate_middleware",
            {
                "middleware": "cors",
                "framework": "fastapi",
                "options": {"allow_origins": ["*"], "allow_credentials": True},
            },
        )
        assert bad.is_error

    _mcp(scenario)
