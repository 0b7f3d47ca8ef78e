"""The built-in steps per ecosystem, planned from what the project has and which tools exist.

Order matters only for the report and for "first thing to fix": lint, types, tests, coverage,
security, spec, our checks, contract, load, custom. The runner starts independent steps at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from backend_skill.roots import confine
from backend_skill.validate import parsers
from backend_skill.validate.config import CustomStep, has_tool_table, tool_table
from backend_skill.validate.detect import Project, python_packages
from backend_skill.validate.models import StepKind, StepResult, StepStatus
from backend_skill.validate.steps import PATTERNS, Parser, Preflight, Serve, Step

NPM_HINT = "install Node.js and npm (apt-get install nodejs npm, or https://nodejs.org)"
GO_HINT = "install Go (apt-get install golang-go, or https://go.dev/dl/)"
EXCLUDED = ("./.venv", "./venv", "./node_modules", "./tests", "./test")


def plan(project: Project, work_dir: Path, threshold: float) -> list[Step]:
    steps: list[Step] = []
    if project.python:
        steps += python_steps(project, work_dir, threshold)
    if project.node:
        steps += node_steps(project)
    if project.go:
        steps += go_steps(project)
    steps += common_steps(project)
    skipped = set(project.config.skip)
    return [
        replace(step, skip_reason="skipped by `skip` in [tool.backend-skill.validate]")
        if step.name in skipped and not step.skip_reason
        else step
        for step in steps
    ]


def _step(  # noqa: PLR0917 - the six facts every step has, in one readable call
    project: Project,
    name: str,
    kind: StepKind,
    description: str,
    parser: Parser,
    argv: list[str] | None = None,
    **options: object,
) -> Step:
    return Step(
        name=name,
        kind=kind,
        description=description,
        pattern=PATTERNS[kind],
        cwd=project.root,
        parser=parser,
        argv=argv or [],
        **options,  # type: ignore[arg-type]
    )


def _missing(
    project: Project, name: str, kind: StepKind, description: str, *, tool: str, hint: str
) -> Step:
    return _step(
        project,
        name,
        kind,
        description,
        parsers.generic,
        skip_reason=f"{tool} is not installed in the project's virtualenv, node_modules/.bin "
        "or on PATH",
        install_hint=hint,
    )


# --- Python -------------------------------------------------------------------------------


def python_steps(project: Project, work_dir: Path, threshold: float) -> list[Step]:
    return [
        _python_lint(project),
        _python_types(project),
        *_python_tests(project, work_dir, threshold),
        _python_security(project),
        _pip_audit(project),
    ]


def _has_section(root: Path, files: tuple[str, ...], marker: str) -> bool:
    for name in files:
        path = root / name
        if path.is_file():
            try:
                if marker in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False


def _python_lint(project: Project) -> Step:
    ruff = project.find_tool("ruff")
    flake8 = project.find_tool("flake8")
    flake8_configured = (project.root / ".flake8").is_file() or _has_section(
        project.root, ("setup.cfg", "tox.ini"), "[flake8]"
    )
    ruff_configured = has_tool_table(project.pyproject, "ruff") or any(
        (project.root / name).is_file() for name in ("ruff.toml", ".ruff.toml")
    )
    description = "Lint with the project's own linter configuration."
    if flake8 and ((flake8_configured and not ruff_configured) or not ruff):
        argv = [str(flake8), "--extend-exclude=.venv,venv,node_modules", "."]
        return _step(project, "flake8", StepKind.LINT, description, parsers.lint, argv)
    if ruff:
        argv = [str(ruff), "check", "--output-format=concise", "--no-fix", "."]
        return _step(project, "ruff", StepKind.LINT, description, parsers.lint, argv)
    return _missing(
        project, "ruff", StepKind.LINT, description, tool="ruff", hint="pip install ruff"
    )


def _python_types(project: Project) -> Step:
    description = "Type-check with the project's configured checker (mypy or pyright)."
    mypy_configured = (
        has_tool_table(project.pyproject, "mypy")
        or any((project.root / name).is_file() for name in ("mypy.ini", ".mypy.ini"))
        or _has_section(project.root, ("setup.cfg",), "[mypy")
    )
    pyright_configured = (
        has_tool_table(project.pyproject, "pyright")
        or (project.root / "pyrightconfig.json").is_file()
    )
    if pyright_configured and not mypy_configured:
        pyright = project.find_tool("pyright")
        if not pyright:
            return _missing(
                project,
                "pyright",
                StepKind.TYPES,
                description,
                tool="pyright",
                hint="pip install pyright",
            )
        return _step(project, "pyright", StepKind.TYPES, description, parsers.types, [str(pyright)])
    if not mypy_configured:
        return _step(
            project,
            "mypy",
            StepKind.TYPES,
            description,
            parsers.types,
            skip_reason="no type checker is configured ([tool.mypy] or [tool.pyright] in "
            "pyproject.toml, mypy.ini, pyrightconfig.json)",
            install_hint="pip install mypy, then add [tool.mypy] to pyproject.toml",
        )
    mypy = project.find_tool("mypy")
    if not mypy:
        return _missing(
            project, "mypy", StepKind.TYPES, description, tool="mypy", hint="pip install mypy"
        )
    configured_files = tool_table(project.pyproject, "mypy").get("files")
    targets = [] if configured_files else python_packages(project) or ["."]
    return _step(project, "mypy", StepKind.TYPES, description, parsers.types, [str(mypy), *targets])


def _python_tests(project: Project, work_dir: Path, threshold: float) -> list[Step]:
    tests_description = "Run the project's tests with its own interpreter, measuring coverage."
    coverage_description = f"Compare test coverage with the threshold ({threshold:g}%)."
    # With a virtualenv the tests must run in it (its packages, its Python): a pytest found
    # elsewhere on PATH would import other packages, so it does not count.
    venv = project.venv_bin()
    if venv is not None:
        pytest_tool = venv / "pytest" if (venv / "pytest").is_file() else None
    else:
        pytest_tool = project.find_tool("pytest")
    if not pytest_tool:
        hint = "pip install pytest pytest-cov"
        if venv is not None:
            hint = f"{venv / 'python'} -m pip install pytest pytest-cov"
        return [
            _missing(
                project, "pytest", StepKind.TESTS, tests_description, tool="pytest", hint=hint
            ),
            _step(
                project,
                "coverage",
                StepKind.COVERAGE,
                coverage_description,
                parsers.generic,
                skip_reason="coverage comes from the test run, and pytest is not installed",
                install_hint=hint,
            ),
        ]
    python = project.python_for(pytest_tool)
    data_file = work_dir / ".coverage"
    pytest_args = ["-m", "pytest", "-p", "no:cacheprovider", "-rfE"]
    has_coverage = python is not None and project.has_python_module(python, "coverage")
    if python and has_coverage:
        source: list[str] = []
        if not tool_table(project.pyproject, "coverage", "run").get("source"):
            source = [f"--source={','.join(python_packages(project) or ['.'])}"]
        argv = [str(python), "-m", "coverage", "run", f"--data-file={data_file}", *source]
        argv += pytest_args
    elif python:
        argv = [str(python), *pytest_args]
    else:
        argv = [str(pytest_tool), *pytest_args[2:]]
    tests = _step(project, "pytest", StepKind.TESTS, tests_description, parsers.pytest, argv)
    if not (python and has_coverage):
        coverage = _step(
            project,
            "coverage",
            StepKind.COVERAGE,
            coverage_description,
            parsers.generic,
            skip_reason="coverage.py is not installed next to pytest, so coverage was not measured",
            install_hint="pip install pytest-cov",
        )
        return [tests, coverage]
    coverage = _step(
        project,
        "coverage",
        StepKind.COVERAGE,
        coverage_description,
        parsers.coverage_parser(threshold),
        [
            str(python),
            "-m",
            "coverage",
            "report",
            f"--data-file={data_file}",
            f"--fail-under={threshold:g}",
        ],
        needs=("pytest",),
        gate=_needs_test_run,
    )
    return [tests, coverage]


def _needs_test_run(results: Mapping[str, StepResult]) -> str | None:
    tests = results.get("pytest")
    if tests is not None and tests.exit_code == 5:  # pytest: no tests were collected
        return "no coverage data: no tests ran"
    if tests is None or tests.status in (StepStatus.PASSED, StepStatus.FAILED):
        return None
    return f"no coverage data: the pytest step ended {tests.status.value}"


def _python_security(project: Project) -> Step:
    description = "Scan the code for security issues of medium severity or above (bandit)."
    bandit = project.find_tool("bandit")
    if not bandit:
        return _missing(
            project,
            "bandit",
            StepKind.SECURITY,
            description,
            tool="bandit",
            hint="pip install bandit",
        )
    argv = [str(bandit)]
    if has_tool_table(project.pyproject, "bandit"):
        argv += ["-c", "pyproject.toml"]
    argv += ["-r", *(python_packages(project) or ["."]), "-x", ",".join(EXCLUDED)]
    argv += ["--severity-level", "medium", "-q", "-f", "custom"]
    argv += ["--msg-template", "{relpath}:{line}: {test_id}[{severity}] {msg}"]
    return _step(project, "bandit", StepKind.SECURITY, description, parsers.bandit, argv)


def _pip_audit(project: Project) -> Step:
    description = "Audit the installed dependencies for known vulnerabilities (advisory)."
    tool = project.find_tool("pip-audit")
    if not tool:
        step = _missing(
            project,
            "pip-audit",
            StepKind.AUDIT,
            description,
            tool="pip-audit",
            hint="pip install pip-audit",
        )
        return replace(step, required=False)
    return _step(
        project,
        "pip-audit",
        StepKind.AUDIT,
        description,
        parsers.generic,
        [str(tool), "--progress-spinner", "off"],
        required=False,
        preflight=network_preflight("https://pypi.org/", "pip-audit"),
    )


# --- Node ---------------------------------------------------------------------------------

# npm init writes this placeholder; it is not a test suite.
NPM_PLACEHOLDER = 'echo "Error: no test specified" && exit 1'


def node_steps(project: Project) -> list[Step]:
    npm = project.find_tool("npm")
    scripts = project.package_json.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    steps = []
    for script, name, kind, parser in (
        ("lint", "npm-lint", StepKind.LINT, parsers.generic),
        ("test", "npm-test", StepKind.TESTS, parsers.node_tests),
    ):
        description = f"Run the `{script}` script of package.json."
        if not npm:
            steps.append(_missing(project, name, kind, description, tool="npm", hint=NPM_HINT))
        elif script not in scripts or scripts[script] == NPM_PLACEHOLDER:
            steps.append(
                _step(
                    project,
                    name,
                    kind,
                    description,
                    parser,
                    skip_reason=f"package.json has no `{script}` script",
                    install_hint=f'add a "{script}" script to package.json',
                )
            )
        else:
            argv = [str(npm), "run", script] if script == "lint" else [str(npm), "test"]
            steps.append(_step(project, name, kind, description, parser, argv))
    if (project.root / "tsconfig.json").is_file():
        description = "Type-check the TypeScript sources (tsc --noEmit)."
        tsc = project.find_tool("tsc")
        if tsc:
            steps.append(
                _step(
                    project, "tsc", StepKind.TYPES, description, parsers.tsc, [str(tsc), "--noEmit"]
                )
            )
        else:
            steps.append(
                _missing(
                    project,
                    "tsc",
                    StepKind.TYPES,
                    description,
                    tool="tsc",
                    hint="npm install --save-dev typescript",
                )
            )
    steps.append(_npm_audit(project, npm))
    return steps


def _npm_audit(project: Project, npm: Path | None) -> Step:
    description = "Audit the dependencies for high-severity advisories (npm audit, advisory)."
    if not npm:
        return replace(
            _missing(project, "npm-audit", StepKind.AUDIT, description, tool="npm", hint=NPM_HINT),
            required=False,
        )
    lockfiles = ("package-lock.json", "npm-shrinkwrap.json")
    if not any((project.root / name).is_file() for name in lockfiles):
        return _step(
            project,
            "npm-audit",
            StepKind.AUDIT,
            description,
            parsers.npm_audit,
            required=False,
            skip_reason="npm audit needs a package-lock.json",
            install_hint="npm install --package-lock-only",
        )
    registry = (
        os.environ.get("npm_config_registry")  # noqa: SIM112 - npm reads the lowercase name
        or os.environ.get("NPM_CONFIG_REGISTRY")
        or "https://registry.npmjs.org/"
    )
    return _step(
        project,
        "npm-audit",
        StepKind.AUDIT,
        description,
        parsers.npm_audit,
        [str(npm), "audit", "--audit-level=high"],
        required=False,
        preflight=network_preflight(registry, "npm audit"),
    )


# --- Go -----------------------------------------------------------------------------------


def go_steps(project: Project) -> list[Step]:
    go = project.find_tool("go")
    vet = "Report suspicious constructs (go vet)."
    test = "Run the Go tests with coverage (go test -cover)."
    if not go:
        return [
            _missing(project, "go-vet", StepKind.LINT, vet, tool="go", hint=GO_HINT),
            _missing(project, "go-test", StepKind.TESTS, test, tool="go", hint=GO_HINT),
        ]
    return [
        _step(project, "go-vet", StepKind.LINT, vet, parsers.generic, [str(go), "vet", "./..."]),
        _step(
            project,
            "go-test",
            StepKind.TESTS,
            test,
            parsers.go_test,
            [str(go), "test", "-cover", "./..."],
        ),
    ]


# --- Every ecosystem ----------------------------------------------------------------------


def common_steps(project: Project) -> list[Step]:
    return [
        _openapi(project),
        _check(project),
        _contract(project),
        _load(project),
        *_custom(project),
    ]


def _openapi(project: Project) -> Step:
    description = "Validate the OpenAPI documents (openapi-spec-validator)."
    if not project.specs:
        return _step(
            project,
            "openapi",
            StepKind.SPEC,
            description,
            parsers.openapi,
            skip_reason="no OpenAPI document found (openapi.yaml, openapi*.json, "
            "swagger*.yaml, api.yaml)",
            install_hint="describe the API in openapi.yaml",
        )
    argv = [sys.executable, "-m", "backend_skill.validate.openapi_check"]
    argv += [project.relative(spec) for spec in project.specs]
    return _step(project, "openapi", StepKind.SPEC, description, parsers.openapi, argv)


def _check(project: Project) -> Step:
    # Run from the project's folder on ".", so check's own root (the cwd) is the project.
    argv = [sys.executable, "-m", "backend_skill", "check", "--format", "json", "."]
    return _step(
        project,
        "check",
        StepKind.CHECK,
        "Check the code against the backend practices (backend-skill check).",
        parsers.check,
        argv,
        env={"CLAUDE_PROJECT_DIR": str(project.root)},
    )


def _contract(project: Project) -> Step:
    description = "Contract-test the running app against its OpenAPI document (schemathesis)."
    config = project.config
    how = 'set base-url (and serve = ["argv", ...]) in [tool.backend-skill.validate]'
    if not project.specs:
        return _step(
            project,
            "contract",
            StepKind.CONTRACT,
            description,
            parsers.generic,
            skip_reason="no OpenAPI document to test against",
        )
    if not config.base_url:
        return _step(
            project,
            "contract",
            StepKind.CONTRACT,
            description,
            parsers.generic,
            skip_reason="no way to reach the app is configured",
            install_hint=how,
        )
    schemathesis = project.find_tool("schemathesis") or project.find_tool("st")
    if not schemathesis:
        return _missing(
            project,
            "contract",
            StepKind.CONTRACT,
            description,
            tool="schemathesis",
            hint="pip install schemathesis",
        )
    url_flag = "--url" if _major_version(schemathesis, "schemathesis") >= 4 else "--base-url"
    argv = [str(schemathesis), "run", project.relative(project.specs[0])]
    argv += [f"{url_flag}={config.base_url}"]
    serve = _serve(project)
    return _step(
        project, "contract", StepKind.CONTRACT, description, parsers.schemathesis, argv, serve=serve
    )


def _major_version(tool: Path, distribution: str) -> int:
    for info in tool.parent.parent.glob(f"lib/python3*/site-packages/{distribution}-*.dist-info"):
        version = info.name.removeprefix(f"{distribution}-").split(".")[0]
        if version.isdigit():
            return int(version)
    return 0


LOAD_SCRIPTS = ("locustfile.py", "load.js", "k6.js", "load/script.js", "k6/script.js")


def _load(project: Project) -> Step:
    description = "Run the configured load test."
    config = project.config
    if not config.load:
        present = [name for name in LOAD_SCRIPTS if (project.root / name).is_file()]
        reason = "no load test is configured"
        if present:
            reason = f"a load test script exists ({present[0]}) but is not configured"
        return _step(
            project,
            "load",
            StepKind.LOAD,
            description,
            parsers.generic,
            skip_reason=reason,
            install_hint='set load = ["k6", "run", "load.js"] in [tool.backend-skill.validate]',
        )
    step = _custom_argv(
        project, CustomStep(name="load", argv=config.load), StepKind.LOAD, description
    )
    if not step.skip_reason:
        step = replace(step, serve=_serve(project))
    return step


def _serve(project: Project) -> Serve | None:
    """The configured way to start the app, its program resolved like any step's."""
    config = project.config
    if not (config.serve and config.base_url):
        return None
    program = config.serve[0]
    resolved = confine(program, project.root) if "/" in program else project.find_tool(program)
    argv = [str(resolved) if resolved else program, *config.serve[1:]]
    return Serve(argv, config.base_url)


def _custom(project: Project) -> list[Step]:
    return [
        _custom_argv(
            project, custom, StepKind.CUSTOM, "Custom step from [tool.backend-skill.validate]."
        )
        for custom in project.config.custom
    ]


def _custom_argv(project: Project, custom: CustomStep, kind: StepKind, description: str) -> Step:
    name, argv, required = custom.name, custom.argv, custom.required
    cwd = confine(custom.cwd, project.root)  # refused before anything else if it leaves
    program = argv[0]
    if "/" in program:
        resolved: Path | None = confine(program, project.root)
        if not (resolved and resolved.is_file()):
            resolved = None
    else:
        resolved = project.find_tool(program)
    hint = {
        "locust": "pip install locust",
        "k6": "see https://grafana.com/docs/k6/latest/set-up/install-k6/",
    }
    if resolved is None:
        return replace(
            _missing(
                project,
                name,
                kind,
                description,
                tool=program,
                hint=hint.get(program, f"install {program}"),
            ),
            required=required,
        )
    return Step(
        name=name,
        kind=kind,
        description=description,
        pattern=PATTERNS[kind],
        cwd=cwd,
        parser=parsers.generic,
        argv=[str(resolved), *argv[1:]],
        required=required,
        timeout=custom.timeout,
    )


def network_preflight(url: str, what: str, timeout: float = 3.0) -> Preflight:
    """Skip a step that needs `url`'s host when a TCP connection cannot be opened quickly."""

    async def probe() -> tuple[str, str | None] | None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except (OSError, TimeoutError):
            return (f"{what} needs the network and {host}:{port} cannot be reached", None)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return None

    return probe
