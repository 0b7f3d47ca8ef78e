"""The loop on real Node projects: package.json scripts through npm, npm audit, a hanging test."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from backend_skill.validate import StepStatus, ValidationResult, Verdict, run_validation_loop
from tests.validate.support import alive, group_members, requires_node

pytestmark = [requires_node, pytest.mark.usefixtures("clean_env")]


def run(project: Path, **options: object) -> ValidationResult:
    return asyncio.run(run_validation_loop(project, **options))  # type: ignore[arg-type]


class _Registry(BaseHTTPRequestHandler):
    """npm's advisory endpoint, as a stand-in: this machine's registry mirror answers it 405."""

    status = 200

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"{}" if self.status == 200 else b'{"error": "Method Not Allowed"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


def _serve(status: int) -> Iterator[str]:
    handler = type("Handler", (_Registry,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def registry() -> Iterator[str]:
    yield from _serve(200)


@pytest.fixture
def broken_registry() -> Iterator[str]:
    yield from _serve(405)


def test_node_project_runs_its_scripts_and_audit(make_project, monkeypatch, registry) -> None:
    monkeypatch.setenv("npm_config_registry", registry)
    project = make_project("node")
    result = run(project)
    steps = {step.name: step for step in result.steps}

    assert result.ecosystems == ["node"]
    assert (result.test_dirs, result.specs) == (["test"], [])
    assert result.verdict is Verdict.PASSED, [s.summary.text for s in result.steps]
    assert steps["npm-lint"].status is StepStatus.PASSED
    assert steps["npm-lint"].command[1:] == ["run", "lint"]
    tests = steps["npm-test"]
    assert tests.status is StepStatus.PASSED
    assert (tests.summary.tests_passed, tests.summary.tests_failed) == (2, 0)
    audit = steps["npm-audit"]
    assert audit.status is StepStatus.PASSED, audit.output_tail
    assert audit.command[1:] == ["audit", "--audit-level=high"]
    assert audit.summary.findings_count == 0
    assert not audit.required
    # No tsconfig.json, so no TypeScript step; no Python steps in a Node project.
    assert "tsc" not in steps and "pytest" not in steps


def test_node_failures_land_on_lint_and_test_steps(make_project, monkeypatch, registry) -> None:
    monkeypatch.setenv("npm_config_registry", registry)
    project = make_project("node")
    source = project / "src" / "stock.js"
    source.write_text(
        source.read_text().replace(
            "return level - quantity;", "var left = level - quantity;  \n  return left + 1;"
        )
    )
    result = run(project, steps=["lint", "tests"])
    steps = {step.name: step for step in result.steps}
    assert steps["npm-lint"].status is StepStatus.FAILED
    assert "2 problems" in steps["npm-lint"].summary.text
    assert steps["npm-test"].status is StepStatus.FAILED
    assert steps["npm-test"].summary.tests_failed == 1
    assert result.first_to_fix is not None and result.first_to_fix.step == "npm-lint"


def test_npm_audit_without_network_is_skipped(make_project, monkeypatch) -> None:
    # Nothing listens on port 9 of loopback: the probe fails fast instead of npm retrying.
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    project = make_project("node")
    started = time.monotonic()
    result = run(project, steps=["audit"])
    [audit] = result.steps
    assert audit.status is StepStatus.SKIPPED
    assert "needs the network" in (audit.skip_reason or "")
    assert time.monotonic() - started < 10
    assert result.verdict is Verdict.PASSED


def test_npm_audit_with_a_failing_advisory_service_is_skipped(
    make_project, monkeypatch, broken_registry
) -> None:
    monkeypatch.setenv("npm_config_registry", broken_registry)
    project = make_project("node")
    [audit] = run(project, steps=["npm-audit"]).steps
    assert audit.status is StepStatus.SKIPPED
    assert "audit service could not be used" in (audit.skip_reason or "")


def test_hanging_test_step_times_out_and_leaves_nothing_running(make_project) -> None:
    project = make_project("hanging")
    started = time.monotonic()
    result = run(project, steps=["tests"], step_timeout=3, grace=1)
    elapsed = time.monotonic() - started

    [tests] = result.steps
    assert tests.status is StepStatus.TIMED_OUT
    assert result.verdict is Verdict.FAILED
    assert result.first_to_fix is not None and result.first_to_fix.step == "npm-test"
    assert elapsed < 3 + 1 + 5
    record = json.loads((project / "pids.json").read_text())
    # npm -> sh -> node hang.js -> node child: all in the step's group, all gone.
    assert not alive(record["pid"])
    assert not alive(record["child"])
    assert group_members(record["pgid"]) == []
