"""Detection, configuration and the step catalog, on small projects written in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_skill import knowledge
from backend_skill.errors import UsageError
from backend_skill.validate import catalog, parsers
from backend_skill.validate.config import coverage_threshold, load_config, read_pyproject
from backend_skill.validate.detect import detect, find_specs
from backend_skill.validate.loop import select
from backend_skill.validate.models import StepKind, StepStatus
from backend_skill.validate.steps import PATTERNS, Output

pytestmark = pytest.mark.usefixtures("clean_env")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_ecosystems_come_from_the_project_files(tmp_path: Path) -> None:
    assert detect(write(tmp_path / "py", {"requirements.txt": "flask\n"})).ecosystems == ["python"]
    assert detect(write(tmp_path / "js", {"package.json": "{}"})).ecosystems == ["node"]
    assert detect(write(tmp_path / "go", {"go.mod": "module x\n"})).ecosystems == ["go"]
    both = write(tmp_path / "both", {"pyproject.toml": "", "package.json": "{}"})
    assert detect(both).ecosystems == ["python", "node"]


def test_specs_are_found_where_projects_keep_them_and_not_in_dependencies(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": "openapi: 3.0.3\n",
            "docs/api.yaml": "openapi: 3.1.0\n",
            "docs/other.yaml": "openapi: 3.1.0\n",
            "services/billing/openapi-v2.yml": "openapi: 3.0.0\n",
            "api.json": '{"not": "a spec"}',
            "node_modules/pkg/openapi.yaml": "openapi: 3.0.0\n",
            ".venv/lib/openapi.json": "{}",
        },
    )
    found = [path.relative_to(root).as_posix() for path in find_specs(root)]
    assert found == ["openapi.yaml", "docs/api.yaml", "services/billing/openapi-v2.yml"]


def test_coverage_threshold_read_from_each_config_file(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "a", {"pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n"}
    )
    assert coverage_threshold(pyproject, read_pyproject(pyproject)) == 85
    setup = write(tmp_path / "b", {"setup.cfg": "[coverage:report]\nfail_under = 72.5\n"})
    assert coverage_threshold(setup, {}) == 72.5
    rc = write(tmp_path / "c", {".coveragerc": "[report]\nfail_under = 60\n"})
    assert coverage_threshold(rc, {}) == 60
    assert coverage_threshold(write(tmp_path / "d", {"x.py": ""}), {}) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('serve = "uvicorn app:app"', "serve must be a non-empty list"),
        ("timeout = -1", "timeout must be a positive"),
        ('[[tool.backend-skill.validate.steps]]\nname = "a"\nargv = ["x"]\nshell = true', "shell"),
        (
            '[[tool.backend-skill.validate.steps]]\nname = "a"\nargv = ["x"]\n'
            '[[tool.backend-skill.validate.steps]]\nname = "a"\nargv = ["y"]',
            "unique",
        ),
    ],
)
def test_bad_configuration_is_a_usage_error(table: str, message: str) -> None:
    import tomllib

    document = tomllib.loads("[tool.backend-skill.validate]\n" + table)
    with pytest.raises(UsageError, match=message):
        load_config(document)


def test_tools_are_looked_up_in_the_venv_then_node_modules_then_path(
    tmp_path: Path, monkeypatch
) -> None:
    root = write(tmp_path / "proj", {"pyproject.toml": ""})
    path_dir = tmp_path / "path-bin"
    for directory in (root / ".venv" / "bin", root / "node_modules" / ".bin", path_dir):
        directory.mkdir(parents=True)
    monkeypatch.setenv("PATH", str(path_dir))

    def tool(directory: Path, name: str) -> Path:
        path = directory / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return path

    on_path = tool(path_dir, "ruff")
    assert detect(root).find_tool("ruff") == on_path
    in_modules = tool(root / "node_modules" / ".bin", "ruff")
    assert detect(root).find_tool("ruff") == in_modules
    in_venv = tool(root / ".venv" / "bin", "ruff")
    assert detect(root).find_tool("ruff") == in_venv
    # Not executable means not a tool.
    (root / ".venv" / "bin" / "mypy").write_text("")
    assert detect(root).find_tool("mypy") is None


def test_catalog_for_a_configured_python_project(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    root = write(
        tmp_path / "proj",
        {
            "pyproject.toml": "[tool.pyright]\n[tool.backend-skill.validate]\n"
            'base-url = "http://127.0.0.1:8000"\nserve = ["python", "-m", "app"]\n'
            'load = ["k6", "run", "load.js"]\n',
            "openapi.yaml": "openapi: 3.0.3\n",
        },
    )
    steps = {step.name: step for step in catalog.plan(detect(root), tmp_path, 80)}
    assert list(steps) == [
        "ruff", "pyright", "pytest", "coverage", "bandit", "pip-audit",
        "openapi", "check", "contract", "load",
    ]  # fmt: skip
    assert steps["pyright"].install_hint == "pip install pyright"
    assert steps["contract"].install_hint == "pip install schemathesis"
    assert "k6" in (steps["load"].install_hint or "")
    assert steps["openapi"].argv[1:] == [
        "-m",
        "backend_skill.validate.openapi_check",
        "openapi.yaml",
    ]
    assert steps["check"].argv[1:5] == ["-m", "backend_skill", "check", "--format"]
    assert not steps["pip-audit"].required


def test_select_brings_needed_steps_and_rejects_unknown_ones(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    root = write(tmp_path / "proj", {"pyproject.toml": ""})
    # A venv with pytest and coverage.py installed: coverage then needs the test run.
    for name in ("python", "pytest"):
        script = write(root, {f".venv/bin/{name}": "#!/bin/sh\n"}) / ".venv" / "bin" / name
        script.chmod(0o755)
    (root / ".venv" / "lib" / "python3.11" / "site-packages" / "coverage").mkdir(parents=True)
    planned = catalog.plan(detect(root), tmp_path, 80)
    assert [step.name for step in select(planned, ["coverage"])] == ["pytest", "coverage"]
    assert [step.name for step in select(planned, ["spec", "check"])] == ["openapi", "check"]
    assert [step.name for step in select(planned, ["lint", "pytest"])] == ["ruff", "pytest"]
    with pytest.raises(UsageError) as raised:
        select(planned, ["bandt"])
    assert raised.value.suggestions[0] == "bandit"


def test_every_step_links_to_a_section_of_the_documents() -> None:
    refs = set(knowledge.all_refs())
    available = {ref.split("#")[0] for ref in refs}
    for kind, pattern in PATTERNS.items():
        document = pattern.split("#")[0]
        if document not in available:
            pytest.skip(f"{document} is not written yet in this checkout")
        assert pattern in refs, (kind, pattern)


def test_check_step_is_skipped_when_the_command_does_not_exist() -> None:
    missing = Output(
        2, "", "Usage: backend-skill [OPTIONS] COMMAND\nError: No such command 'check'."
    )
    outcome = parsers.check(missing)
    assert outcome.status is StepStatus.SKIPPED
    assert outcome.skip_reason and "check" in outcome.skip_reason
    report = '{"findings": [{"rule_id": "BS101", "message": "use a parameterized query", '
    report += '"pattern": "database-patterns#parameterized-queries", '
    report += '"location": {"path": "app.py", "line": 3}}]}'
    found = parsers.check(Output(1, report, ""))
    assert found.status is StepStatus.FAILED
    assert found.summary.findings_count == 1
    first = found.summary.top_findings[0]
    assert (first.code, first.line) == ("BS101", 3)
    assert first.pattern == "database-patterns#parameterized-queries"
    assert parsers.check(Output(0, '{"findings": []}', "")).status is StepStatus.PASSED


def test_step_kinds_cover_every_pattern() -> None:
    assert set(PATTERNS) == set(StepKind)


def test_tests_run_in_the_projects_venv_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    # A pytest on PATH, and a project venv without pytest: the PATH one must not be used.
    path_dir = tmp_path / "path-bin"
    path_dir.mkdir()
    for name in ("pytest", "python"):
        (path_dir / name).write_text("#!/bin/sh\n")
        (path_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(path_dir))
    root = write(tmp_path / "proj", {"pyproject.toml": "", ".venv/bin/python": "#!/bin/sh\n"})
    (root / ".venv" / "bin" / "python").chmod(0o755)
    steps = {step.name: step for step in catalog.plan(detect(root), tmp_path, 80)}
    assert steps["pytest"].skip_reason
    assert steps["pytest"].install_hint == (
        f"{root / '.venv' / 'bin' / 'python'} -m pip install pytest pytest-cov"
    )
    # Without a venv, the pytest on PATH runs, with the interpreter beside it.
    (root / ".venv" / "bin" / "python").unlink()
    steps = {step.name: step for step in catalog.plan(detect(root), tmp_path, 80)}
    assert steps["pytest"].argv[:3] == [str(path_dir / "python"), "-m", "pytest"]


def test_node_catalog_typescript_and_placeholder_scripts(tmp_path: Path, monkeypatch) -> None:
    npm = write(tmp_path, {"bin/npm": "#!/bin/sh\n"}) / "bin" / "npm"
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", str(npm.parent))
    scripts = '{"scripts": {"test": "echo \\"Error: no test specified\\" && exit 1"}}'
    root = write(tmp_path / "proj", {"package.json": scripts, "tsconfig.json": "{}"})
    steps = {step.name: step for step in catalog.plan(detect(root), tmp_path, 80)}
    # npm init's placeholder is not a test suite; no lint script; tsc not installed; no lockfile.
    assert steps["npm-test"].skip_reason == "package.json has no `test` script"
    assert steps["npm-lint"].install_hint == 'add a "lint" script to package.json'
    assert steps["tsc"].install_hint == "npm install --save-dev typescript"
    assert steps["npm-audit"].install_hint == "npm install --package-lock-only"
    # A tsc in node_modules/.bin is the project's own and is used.
    tsc = write(root, {"node_modules/.bin/tsc": "#!/bin/sh\n"}) / "node_modules" / ".bin" / "tsc"
    tsc.chmod(0o755)
    steps = {step.name: step for step in catalog.plan(detect(root), tmp_path, 80)}
    assert steps["tsc"].argv == [str(tsc), "--noEmit"]
