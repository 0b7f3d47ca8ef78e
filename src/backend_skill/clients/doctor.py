"""doctor: is the skill valid, does every client's entry start a server that answers, are the
installed documents the package's? Each check says what to fix when it fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import anyio

from backend_skill import __version__
from backend_skill.clients import jsonconfig, skillcheck, skillfiles
from backend_skill.clients.models import Check, CheckStatus, Client, DoctorReport, Scope
from backend_skill.clients.targets import SERVER_NAME, SKILL_NAME, Target, every_target
from backend_skill.clients.targets import target as client_target
from backend_skill.errors import UsageError

REINSTALL = "run backend-skill install again"
_Key = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]


def doctor(project_dir: Path, *, timeout: float = 30.0) -> DoctorReport:
    documents = skillfiles.package_documents()
    checks = [_package_skill(documents)]
    started: dict[_Key, Check] = {}
    installed = False
    for target in every_target(project_dir):
        label = f"{target.client.value} ({target.scope.value})"
        manifest = skillfiles.read_manifest(target.skill_dir)
        installed = installed or manifest is not None
        try:
            config = jsonconfig.read_config(target.mcp_config)
        except UsageError as error:
            checks.append(
                Check(
                    name=f"{label} MCP config",
                    status=CheckStatus.fail,
                    message=str(error),
                    fix=f"fix {target.mcp_config}: the client cannot read it either",
                )
            )
            continue
        entry = config.servers().get(SERVER_NAME)
        if entry is not None:
            installed = True
            checks.append(_server(label, target, entry, timeout, started))
        elif manifest is not None:
            checks.append(
                Check(
                    name=f"{label} MCP config",
                    status=CheckStatus.fail,
                    message=f"the skill is installed but {target.mcp_config} does not register "
                    "the backend-skill server",
                    fix=REINSTALL,
                )
            )
        if manifest is not None:
            checks.append(_installed_documents(label, target, manifest, documents))
    local = _claude_local_entry(project_dir)
    if local is not None:
        installed = True
        label = f"claude-code (local, {project_dir})"
        home_config = client_target(Client.claude_code, Scope.user, project_dir)
        checks.append(_server(label, home_config, local, timeout, started))
    if not installed:
        checks.append(
            Check(
                name="installed",
                status=CheckStatus.fail,
                message="backend-skill is in neither Claude Code nor Cursor (user scope, or the "
                f"project {project_dir})",
                fix="backend-skill install --client all",
            )
        )
    healthy = all(check.status is not CheckStatus.fail for check in checks)
    return DoctorReport(healthy=healthy, version=__version__, checks=checks)


def _claude_local_entry(project_dir: Path) -> Any:
    """Claude Code's `--scope local` entry: ~/.claude.json, projects[<project>].mcpServers."""
    try:
        config = jsonconfig.read_config(Path.home() / ".claude.json")
    except UsageError:
        return None  # reported with the user-scope check
    projects = config.data.get("projects")
    project = projects.get(str(project_dir)) if isinstance(projects, dict) else None
    servers = project.get("mcpServers") if isinstance(project, dict) else None
    return servers.get(SERVER_NAME) if isinstance(servers, dict) else None


def _package_skill(documents: dict[str, bytes]) -> Check:
    found = skillcheck.problems(documents["SKILL.md"].decode("utf-8"), SKILL_NAME)
    if found:
        return Check(
            name="package SKILL.md",
            status=CheckStatus.fail,
            message="; ".join(found),
            fix="fix SKILL.md's frontmatter (this is a packaging bug: report it)",
        )
    return Check(
        name="package SKILL.md",
        status=CheckStatus.ok,
        message="frontmatter and length pass the skill validator's rules",
    )


def _server(
    label: str, target: Target, entry: Any, timeout: float, cache: dict[_Key, Check]
) -> Check:
    name = f"{label} server in {target.mcp_config}"
    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
        if isinstance(entry, dict) and "url" in entry:
            return Check(
                name=name, status=CheckStatus.skip, message=f"a remote server at {entry['url']}"
            )
        return Check(
            name=name, status=CheckStatus.fail, message="the entry has no command", fix=REINSTALL
        )
    command: str = entry["command"]
    args = [str(arg) for arg in entry.get("args", [])]
    env = {str(k): str(v) for k, v in (entry.get("env") or {}).items()}
    shown = " ".join([command, *args])
    executable = _executable(command)
    if executable is None:
        return Check(
            name=name,
            status=CheckStatus.fail,
            message=f"`{shown}`: {command} does not exist or is not executable",
            fix=REINSTALL + " (from the Python environment that has backend-skill)",
        )
    key = (executable, tuple(args), tuple(sorted(env.items())))
    if key not in cache:
        cache[key] = _start(name, shown, [executable, *args], env, timeout)
    return cache[key].model_copy(update={"name": name})


def _start(name: str, shown: str, argv: list[str], env: dict[str, str], timeout: float) -> Check:
    try:
        tools = anyio.run(_list_tools, argv, env, timeout)
    except Exception as error:  # any failure to start or answer is the finding itself
        reason = str(error) or type(error).__name__
        return Check(
            name=name,
            status=CheckStatus.fail,
            message=f"`{shown}` did not answer tools/list within {timeout:g} s: {reason}",
            fix=f"run `{shown}` in a terminal to see why; then {REINSTALL}",
        )
    return Check(
        name=name,
        status=CheckStatus.ok,
        message=f"`{shown}` starts and lists {len(tools)} tools ({', '.join(tools)})",
    )


async def _list_tools(argv: list[str], env: dict[str, str], timeout: float) -> list[str]:
    from mcp import Client, StdioServerParameters

    parameters = StdioServerParameters(command=argv[0], args=argv[1:], env=env or None)
    with anyio.fail_after(timeout):
        async with Client(parameters) as client:
            result = await client.list_tools()
    return [tool.name for tool in result.tools]


def _executable(command: str) -> str | None:
    path = Path(command)
    if path.is_absolute():
        return command if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which(command)


def _installed_documents(
    label: str, target: Target, manifest: skillfiles.Manifest, documents: dict[str, bytes]
) -> Check:
    name = f"{label} documents in {target.skill_dir}"
    stale: list[str] = []
    edited: list[str] = []
    missing: list[str] = []
    for relative, content in documents.items():
        path = target.skill_dir / relative
        if not path.is_file():
            missing.append(relative)
            continue
        current = skillfiles.sha256(path.read_bytes())
        if current == skillfiles.sha256(content):
            continue
        (stale if manifest.files.get(relative) == current else edited).append(relative)
    problems = []
    if manifest.version != __version__:
        problems.append(
            f"installed from backend-skill {manifest.version}, package is {__version__}"
        )
    if stale:
        problems.append("stale copies: " + ", ".join(stale))
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if edited:
        problems.append("edited since install: " + ", ".join(edited))
    skill = target.skill_dir / "SKILL.md"
    if skill.is_file() and skill.name not in edited:
        problems += skillcheck.problems(skill.read_text(encoding="utf-8"), target.skill_dir.name)
    if problems:
        fix = REINSTALL
        if edited:
            fix += "; edited files are kept: delete them first to get the package's version"
        return Check(name=name, status=CheckStatus.fail, message="; ".join(problems), fix=fix)
    return Check(
        name=name,
        status=CheckStatus.ok,
        message=f"{len(documents)} documents match backend-skill {__version__}",
    )
