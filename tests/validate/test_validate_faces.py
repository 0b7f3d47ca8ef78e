"""The two faces over the loop: the CLI (exit codes, formats, progress) and the MCP tool over a
real stdio connection (structured result, progress notifications, cancellation)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from backend_skill.validate import ValidationResult
from tests.validate.support import alive, group_members, requires_node

pytestmark = pytest.mark.usefixtures("clean_env")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_PROJECT_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "backend_skill", "validate", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=180,
        env=env,
        cwd=cwd,
    )


def test_cli_passing_project_exits_0_with_the_tool_model_as_json(make_project, tools_venv) -> None:
    project = make_project("passing", venv=tools_venv)
    done = cli(str(project), "--step", "lint", "--step", "coverage", "--format", "json")

    assert done.returncode == 0, done.stderr
    result = ValidationResult.model_validate_json(done.stdout)
    assert [step.name for step in result.steps] == ["ruff", "pytest", "coverage"]
    assert result.verdict == "passed"
    # Piped, progress comes as plain lines on stderr, one as each step starts and ends.
    lines = done.stderr.splitlines()
    assert any(line.endswith("ruff: started") for line in lines)
    assert any("coverage: passed" in line for line in lines)
    assert len([line for line in lines if line.startswith("[")]) == 6


def test_cli_failing_project_exits_1_and_says_what_to_fix(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    done = cli("--step", "ruff", "--step", "openapi", cwd=project)

    assert done.returncode == 1
    assert "verdict: FAILED" in done.stdout
    assert "fix first: [ruff]" in done.stdout
    assert "src/shop/orders.py:4 F401" in done.stdout
    assert "$.info" in done.stdout


def test_cli_markdown_report(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    done = cli(str(project), "--step", "spec", "--format", "markdown")
    assert done.returncode == 1
    assert done.stdout.startswith("# Validation loop: failed")
    assert "| openapi | failed | yes |" in done.stdout
    assert "**Fix first** (openapi)" in done.stdout


def test_cli_usage_errors_exit_2(make_project, tmp_path) -> None:
    project = make_project("passing")
    unknown = cli(str(project), "--step", "pytst")
    assert unknown.returncode == 2
    assert "No step 'pytst'" in unknown.stderr and "pytest" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing = cli(str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "not a directory" in missing.stderr
    bad = cli(str(project), "--fail-under", "150")
    assert bad.returncode == 2


def server_params(root: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "backend_skill", "serve"],
        env={"PATH": os.environ["PATH"], "CLAUDE_PROJECT_DIR": str(root)},
        cwd=str(root),
    )


def test_mcp_tool_returns_the_model_and_reports_progress(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async def scenario() -> tuple[object, object]:
        async with Client(server_params(project.parent)) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            called = await client.call_tool(
                "run_validation_loop",
                {"project_dir": project.name, "steps": ["ruff", "openapi"]},
                progress_callback=on_progress,
            )
            outside = await client.call_tool("run_validation_loop", {"project_dir": "/"})
            return tools["run_validation_loop"], (called, outside)

    tool, (called, outside) = asyncio.run(scenario())
    assert tool.annotations.read_only_hint is False  # type: ignore[attr-defined]
    assert tool.annotations.destructive_hint is False  # type: ignore[attr-defined]
    assert not called.is_error  # type: ignore[attr-defined]
    result = ValidationResult.model_validate(called.structured_content)  # type: ignore[attr-defined]
    assert result.verdict == "failed"
    assert result.first_to_fix is not None and result.first_to_fix.step == "ruff"
    # Two notifications per step (started, finished), counting up to 2 x steps.
    assert [progress for progress, _, _ in updates] == [1, 2, 3, 4]
    assert {total for _, total, _ in updates} == {4}
    messages = [message or "" for _, _, message in updates]
    assert sum("started" in m for m in messages) == 2
    assert any(m.startswith("ruff failed") for m in messages)
    # Paths outside the server's project root are refused, as a tool error.
    assert outside.is_error  # type: ignore[attr-defined]
    assert "outside the project root" in str(outside.content)  # type: ignore[attr-defined]


@requires_node
def test_mcp_cancellation_kills_the_running_steps(make_project) -> None:
    project = make_project("hanging")
    pids = project / "pids.json"

    async def scenario() -> None:
        async with Client(server_params(project)) as client:
            call = asyncio.create_task(
                client.call_tool("run_validation_loop", {"project_dir": ".", "steps": ["tests"]})
            )
            for _ in range(200):
                if pids.is_file() and pids.read_text():
                    break
                await asyncio.sleep(0.05)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            # The server is still up and stops the step's group after the cancel notification.
            record = json.loads(pids.read_text())
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and group_members(record["pgid"]):
                await asyncio.sleep(0.1)
            assert not alive(record["pid"]) and not alive(record["child"])
            assert group_members(record["pgid"]) == []

    asyncio.run(scenario())


def test_cli_in_a_terminal_shows_a_live_table(make_project, tools_venv) -> None:
    import pty

    project = make_project("passing", venv=tools_venv)
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_PROJECT_DIR"}
    env.update(TERM="xterm-256color", COLUMNS="120")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend_skill", "validate", str(project), "--step", "lint"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=env,
        text=True,
    )
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(controller)

    assert process.returncode == 0
    drawn = screen.decode(errors="replace")
    # Drawn in place (cursor movement), as a table with the step and its status.
    assert "\x1b[" in drawn
    assert "validation loop" in drawn and "ruff" in drawn and "passed" in drawn
    assert "[1/1]" not in drawn  # not the plain lines of a pipe
    assert "verdict: PASSED" in stdout


@requires_node
def test_ctrl_c_stops_the_steps_and_exits_130(make_project) -> None:
    import signal

    project = make_project("hanging")
    pids = project / "pids.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "backend_skill", "validate", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Like a terminal's Ctrl-C: SIGINT is delivered, not ignored as for background jobs.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    deadline = time.monotonic() + 30
    while not (pids.is_file() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 130
    assert "interrupted: every running step was stopped" in stderr
    record = json.loads(pids.read_text())
    assert not alive(record["pid"]) and not alive(record["child"])
    assert group_members(record["pgid"]) == []
