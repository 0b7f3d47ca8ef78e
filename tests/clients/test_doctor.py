"""doctor: real servers are spawned and asked for tools/list; broken installs say what to fix."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from backend_skill.cli import app
from backend_skill.clients import Client, Scope, doctor, install
from backend_skill.clients.models import CheckStatus, DoctorReport
from backend_skill.clients.skillfiles import MANIFEST_NAME
from backend_skill.clients.targets import SKILL_NAME


def _by_status(report: DoctorReport, status: CheckStatus) -> list[str]:
    return [f"{c.name}: {c.message}" for c in report.checks if c.status is status]


def test_healthy_install_starts_the_server_once_per_command(home: Path, project: Path) -> None:
    install([Client.claude_code, Client.cursor], Scope.user, project)
    report = doctor(project)
    assert report.healthy, _by_status(report, CheckStatus.fail)
    servers = [c for c in report.checks if " server in " in c.name]
    assert len(servers) == 2
    for check in servers:
        assert check.status is CheckStatus.ok
        assert "list_patterns" in check.message and "search_patterns" in check.message


def test_nothing_installed_is_unhealthy_and_says_how_to_install(home: Path, project: Path) -> None:
    report = doctor(project)
    assert not report.healthy
    failed = [c for c in report.checks if c.status is CheckStatus.fail]
    assert [c.name for c in failed] == ["installed"]
    assert failed[0].fix == "backend-skill install --client all"


def test_a_command_that_is_gone_or_does_not_speak_mcp(home: Path, project: Path) -> None:
    install([Client.cursor], Scope.project, project)
    config = project / ".cursor" / "mcp.json"
    data = json.loads(config.read_text())
    data["mcpServers"]["backend-skill"]["command"] = str(project / "missing" / "backend-skill")
    config.write_text(json.dumps(data))
    report = doctor(project, timeout=10)
    failed = _by_status(report, CheckStatus.fail)
    assert any("does not exist or is not executable" in f for f in failed), failed

    data["mcpServers"]["backend-skill"] = {"command": "/bin/true", "args": []}
    config.write_text(json.dumps(data))
    report = doctor(project, timeout=10)
    failed = [c for c in report.checks if c.status is CheckStatus.fail]
    assert any("did not answer tools/list" in c.message for c in failed), failed
    assert not report.healthy


def test_stale_and_edited_documents_are_told_apart(home: Path, project: Path) -> None:
    install([Client.claude_code], Scope.user, project)
    skill = home / ".claude" / "skills" / SKILL_NAME
    manifest_path = skill / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["version"] = "0.0.1"
    old = b"---\nname: developing-backend-services\ndescription: old text\n---\nold\n"
    (skill / "SKILL.md").write_bytes(old)
    import hashlib

    manifest["files"]["SKILL.md"] = hashlib.sha256(old).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    report = doctor(project)
    docs = next(c for c in report.checks if " documents in " in c.name)
    assert docs.status is CheckStatus.fail
    assert "installed from backend-skill 0.0.1" in docs.message
    assert "stale copies: SKILL.md" in docs.message
    assert docs.fix.startswith("run backend-skill install again")

    install([Client.claude_code], Scope.user, project)
    (skill / "SKILL.md").write_text("---\nname: mine\ndescription: mine\n---\n")
    docs = next(c for c in doctor(project).checks if " documents in " in c.name)
    assert "edited since install: SKILL.md" in docs.message
    assert "delete them first" in docs.fix


def test_invalid_config_and_missing_registration(home: Path, project: Path) -> None:
    install([Client.claude_code], Scope.user, project)
    (home / ".claude.json").write_text('{"mcpServers": {},}')
    report = doctor(project)
    failed = [c for c in report.checks if c.status is CheckStatus.fail]
    assert any(":1:19: not valid JSON" in c.message for c in failed), failed
    (home / ".claude.json").write_text('{"mcpServers": {}}')
    failed = [c for c in doctor(project).checks if c.status is CheckStatus.fail]
    assert any("does not register the backend-skill server" in c.message for c in failed)


def test_cli_exit_codes_and_json(home: Path, project: Path) -> None:
    runner = CliRunner()
    sick = runner.invoke(app, ["doctor", "--project-dir", str(project)])
    assert sick.exit_code == 1
    assert "fix: backend-skill install --client all" in sick.output
    install([Client.cursor], Scope.user, project)
    well = runner.invoke(app, ["doctor", "--project-dir", str(project), "--format", "json"])
    assert well.exit_code == 0, well.output
    data = json.loads(well.output)
    assert data["healthy"] is True
    assert {c["status"] for c in data["checks"]} == {"ok"}


def test_a_project_that_is_home_is_checked_once(home: Path) -> None:
    install([Client.claude_code, Client.cursor], Scope.user, home)
    report = doctor(home)
    assert report.healthy, [c for c in report.checks if c.status is CheckStatus.fail]
    assert all("(project)" not in c.name for c in report.checks)


def test_claude_code_local_scope_entries_are_started_too(home: Path, project: Path) -> None:
    entry = {"type": "stdio", "command": str(project / "gone"), "args": ["serve"], "env": {}}
    (home / ".claude.json").write_text(
        json.dumps({"projects": {str(project): {"mcpServers": {"backend-skill": entry}}}})
    )
    report = doctor(project)
    local = [c for c in report.checks if c.name.startswith("claude-code (local")]
    assert len(local) == 1 and local[0].status is CheckStatus.fail
    assert "does not exist" in local[0].message
    assert all(c.name != "installed" for c in report.checks)
