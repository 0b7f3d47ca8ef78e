"""The loop on real Python projects, with their own tools from a real virtualenv."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend_skill.errors import UsageError
from backend_skill.validate import (
    ProgressEvent,
    StepStatus,
    ValidationResult,
    Verdict,
    run_validation_loop,
)

pytestmark = pytest.mark.usefixtures("clean_env")


def run(project: Path, **options: object) -> ValidationResult:
    return asyncio.run(run_validation_loop(project, **options))  # type: ignore[arg-type]


def by_name(result: ValidationResult) -> dict[str, object]:
    return {step.name: step for step in result.steps}


def test_passing_service_passes_every_step(make_project, tools_venv) -> None:
    project = make_project("passing", venv=tools_venv)
    events: list[ProgressEvent] = []

    async def record(event: ProgressEvent) -> None:
        events.append(event)

    result = asyncio.run(run_validation_loop(project, on_event=record))

    steps = {step.name: step for step in result.steps}
    assert result.verdict is Verdict.PASSED, [s.summary.text for s in result.steps]
    assert result.ecosystems == ["python"]
    assert (result.test_dirs, result.specs) == (["tests"], ["openapi.yaml"])
    for name in ("ruff", "mypy", "pytest", "coverage", "bandit", "openapi"):
        assert steps[name].status is StepStatus.PASSED, (name, steps[name].output_tail)
        assert steps[name].command, name
        assert steps[name].required
    # The project's own tools run, from its own virtualenv.
    assert steps["ruff"].command[0] == str(project / ".venv" / "bin" / "ruff")
    assert steps["pytest"].command[0] == str(project / ".venv" / "bin" / "python")
    assert steps["pytest"].summary.tests_passed == 4
    assert steps["pytest"].summary.tests_failed == 0
    # The threshold comes from the project's [tool.coverage.report] fail_under.
    assert result.coverage_threshold == 90
    assert steps["coverage"].summary.coverage_threshold == 90
    assert steps["coverage"].summary.coverage_percent == 100
    assert result.first_to_fix is None
    assert result.totals.passed >= 6 and result.totals.required_blocking == 0
    # Our own check: passes once `backend-skill check` exists, skipped with a reason until then.
    check = steps["check"]
    assert check.status in (StepStatus.PASSED, StepStatus.SKIPPED)
    if check.status is StepStatus.SKIPPED:
        assert "check" in (check.skip_reason or "")
    # Every step starts and ends, in that order, and progress counts up to the total.
    for step in result.steps:
        kinds = [event.kind for event in events if event.step == step.name]
        assert kinds == ["started", "finished"], step.name
    finished = [event for event in events if event.kind == "finished"]
    assert [event.done for event in finished] == list(range(1, len(result.steps) + 1))
    assert all(event.total == len(result.steps) for event in events)
    # Nothing the loop writes lands in the project: coverage data goes to a temp dir.
    assert not (project / ".coverage").exists()


def test_failing_service_reports_each_failure_against_its_step(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    result = run(project)
    steps = {step.name: step for step in result.steps}

    assert result.verdict is Verdict.FAILED
    ruff = steps["ruff"]
    assert ruff.status is StepStatus.FAILED
    assert ruff.summary.findings_count == 1
    assert [(i.path, i.line, i.code) for i in ruff.summary.top_findings] == [
        ("src/shop/orders.py", 4, "F401")
    ]

    tests = steps["pytest"]
    assert tests.status is StepStatus.FAILED
    assert (tests.summary.tests_passed, tests.summary.tests_failed) == (2, 1)
    assert tests.summary.top_findings[0].code == (
        "tests/test_orders.py::test_order_total_counts_quantity"
    )

    coverage = steps["coverage"]
    assert coverage.status is StepStatus.FAILED
    assert coverage.summary.coverage_percent is not None
    assert coverage.summary.coverage_percent < 90 == coverage.summary.coverage_threshold

    spec = steps["openapi"]
    assert spec.status is StepStatus.FAILED
    located = {(e.file, e.json_path) for e in spec.summary.spec_errors}
    assert ("openapi.yaml", "$.info") in located
    assert ("openapi.yaml", "$.paths['/orders/{order_id}'].get.responses['200']") in located

    bandit = steps["bandit"]
    assert bandit.status is StepStatus.FAILED
    assert bandit.summary.top_findings[0].code == "B608"
    assert bandit.summary.top_findings[0].path == "src/shop/orders.py"

    # Type checking has nothing to complain about: failures stay with their own steps.
    assert steps["mypy"].status is StepStatus.PASSED

    check = steps["check"]
    if check.status is StepStatus.SKIPPED:
        assert "check" in (check.skip_reason or "")
    else:
        assert check.status is StepStatus.FAILED
        assert check.summary.findings_count and check.summary.findings_count >= 1
        assert any(i.path == "src/shop/orders.py" for i in check.summary.top_findings)
        sql = next(i for i in check.summary.top_findings if i.path == "src/shop/orders.py")
        assert sql.line == 9 and sql.pattern == "database-patterns#parameterized-queries"

    # The first thing to fix is the earliest blocking step: the lint finding.
    assert result.first_to_fix is not None
    assert result.first_to_fix.step == "ruff"
    assert "src/shop/orders.py:4" in result.first_to_fix.message
    assert result.totals.required_blocking >= 5


def test_fail_under_overrides_the_project_threshold(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    result = run(project, steps=["coverage"], fail_under=20)

    # Asking for coverage brings the test run it needs, and nothing else.
    assert [step.name for step in result.steps] == ["pytest", "coverage"]
    coverage = result.steps[1]
    assert coverage.status is StepStatus.PASSED
    assert coverage.summary.coverage_threshold == 20
    assert result.coverage_threshold == 20


def test_selecting_a_kind_runs_its_steps(make_project, tools_venv) -> None:
    project = make_project("failing", venv=tools_venv)
    result = run(project, steps=["spec"])
    assert [step.name for step in result.steps] == ["openapi"]
    assert result.first_to_fix is not None
    assert result.first_to_fix.step == "openapi"
    assert "$.info" in result.first_to_fix.message


def test_unknown_step_is_a_usage_error_with_suggestions(make_project) -> None:
    project = make_project("passing")
    with pytest.raises(UsageError) as raised:
        run(project, steps=["pytst"])
    assert "pytest" in str(raised.value)
    assert raised.value.suggestions[0] == "pytest"


def test_missing_tools_are_skipped_with_install_hints(make_project, monkeypatch, tmp_path) -> None:
    project = make_project("missing-tools")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run(project)
    steps = {step.name: step for step in result.steps}

    assert result.ecosystems == ["python", "go"]
    expected = {
        "ruff": "pip install ruff",
        "pytest": "pip install pytest pytest-cov",
        "bandit": "pip install bandit",
        "go-vet": "golang-go",
        "go-test": "golang-go",
    }
    for name, hint in expected.items():
        assert steps[name].status is StepStatus.SKIPPED, name
        assert "not installed" in (steps[name].skip_reason or ""), name
        assert hint in (steps[name].install_hint or ""), name
    assert steps["coverage"].status is StepStatus.SKIPPED
    # Skipped steps never fail the loop.
    assert result.verdict is Verdict.PASSED
    assert result.totals.required_blocking == 0


def test_custom_steps_from_pyproject_run_with_their_timeout(make_project, tools_venv) -> None:
    project = make_project("passing", venv=tools_venv)
    with (project / "pyproject.toml").open("a") as handle:
        handle.write(
            "\n[tool.backend-skill.validate]\n"
            'skip = ["bandit"]\n'
            "[[tool.backend-skill.validate.steps]]\n"
            'name = "migrations"\n'
            'argv = ["python", "-c", "import sys; print(\'3 migrations ok\'); sys.exit(0)"]\n'
            "[[tool.backend-skill.validate.steps]]\n"
            'name = "slow-smoke"\n'
            'argv = ["python", "-c", "import time; time.sleep(30)"]\n'
            "timeout = 1\n"
            "required = false\n"
        )
    result = run(project, steps=["migrations", "slow-smoke", "bandit"])
    steps = {step.name: step for step in result.steps}

    migrations = steps["migrations"]
    assert migrations.status is StepStatus.PASSED
    # `python` resolves to the project's own interpreter.
    assert migrations.command[0] == str(project / ".venv" / "bin" / "python")
    assert "3 migrations ok" in migrations.output_tail
    slow = steps["slow-smoke"]
    assert slow.status is StepStatus.TIMED_OUT
    assert slow.duration_seconds < 10
    assert steps["bandit"].status is StepStatus.SKIPPED
    assert "skip" in (steps["bandit"].skip_reason or "")
    # A timed-out step that is not required does not fail the loop.
    assert result.verdict is Verdict.PASSED


def test_invalid_custom_step_config_is_a_usage_error(make_project) -> None:
    project = make_project("passing")
    with (project / "pyproject.toml").open("a") as handle:
        handle.write('\n[[tool.backend-skill.validate.steps]]\nname = "x"\nargv = "make test"\n')
    with pytest.raises(UsageError, match="argv"):
        run(project)


# A tiny app: serves until stopped, writing its pid and process group where the test can see.
SERVE = """
import http.server, json, os, sys
json.dump({"pid": os.getpid(), "pgid": os.getpgid(0)}, open("server.json", "w"))
handler = http.server.SimpleHTTPRequestHandler
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), handler)
server.serve_forever()
"""
PROBE = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).status)"


def test_load_step_runs_against_the_served_app_then_stops_it(make_project, tools_venv) -> None:
    import json
    import socket

    from tests.validate.support import alive, group_members

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    project = make_project("passing", venv=tools_venv)
    (project / "serve.py").write_text(SERVE)
    (project / "probe.py").write_text(PROBE)
    with (project / "pyproject.toml").open("a") as handle:
        handle.write(
            "\n[tool.backend-skill.validate]\n"
            f'serve = ["python", "serve.py", "{port}"]\n'
            f'base-url = "http://127.0.0.1:{port}"\n'
            f'load = ["python", "probe.py", "http://127.0.0.1:{port}/openapi.yaml"]\n'
        )
    [load] = run(project, steps=["load"]).steps

    assert load.status is StepStatus.PASSED, load.output_tail
    assert load.output_tail.strip() == "200"
    server = json.loads((project / "server.json").read_text())
    assert not alive(server["pid"])
    assert group_members(server["pgid"]) == []


def test_custom_step_cannot_work_outside_the_project(make_project) -> None:
    project = make_project("passing")
    with (project / "pyproject.toml").open("a") as handle:
        handle.write(
            '\n[[tool.backend-skill.validate.steps]]\nname = "escape"\n'
            'argv = ["python", "-c", "pass"]\ncwd = ".."\n'
        )
    with pytest.raises(UsageError, match="outside the project root"):
        run(project)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_contract_step_serves_the_app_and_tests_it_against_the_spec(
    make_project, contract_venv
) -> None:
    import socket

    port = _free_port()
    project = make_project("contract", venv=contract_venv)
    pyproject = project / "pyproject.toml"
    base = pyproject.read_text()

    def configure(*serve: str) -> None:
        argv = ", ".join(f'"{part}"' for part in ["python", "app.py", str(port), *serve])
        pyproject.write_text(
            base + "\n[tool.backend-skill.validate]\n"
            f"serve = [{argv}]\n"
            f'base-url = "http://127.0.0.1:{port}"\n'
        )

    configure()
    [good] = run(project, steps=["contract"]).steps
    assert good.status is StepStatus.PASSED, good.output_tail
    assert good.command[0] == str(project / ".venv" / "bin" / "schemathesis")
    assert good.command[1:] == ["run", "openapi.yaml", f"--url=http://127.0.0.1:{port}"]
    assert "no contract violations" in good.summary.text

    configure("--broken")  # answers {"status": "up"} where the spec says "ok"
    [broken] = run(project, steps=["contract"]).steps
    assert broken.status is StepStatus.FAILED
    codes = {issue.code for issue in broken.summary.top_findings}
    assert "ST108" in codes  # response violates schema
    # The app was stopped with the step: nothing listens on its port any more.
    with socket.socket() as client, pytest.raises(ConnectionRefusedError):
        client.connect(("127.0.0.1", port))


def test_contract_step_without_a_reachable_app_is_skipped(make_project, contract_venv) -> None:
    project = make_project("contract", venv=contract_venv)
    [step] = run(project, steps=["contract"]).steps
    assert step.status is StepStatus.SKIPPED
    assert "no way to reach the app" in (step.skip_reason or "")
    assert "base-url" in (step.install_hint or "")


def test_a_project_without_tests_fails_the_test_step_and_skips_coverage(
    make_project, tools_venv
) -> None:
    import shutil

    project = make_project("passing", venv=tools_venv)
    shutil.rmtree(project / "tests")
    result = run(project, steps=["coverage"])
    tests, coverage = result.steps
    assert tests.status is StepStatus.FAILED
    assert tests.summary.text == "no tests were collected"
    assert coverage.status is StepStatus.SKIPPED
    assert coverage.skip_reason == "no coverage data: no tests ran"
