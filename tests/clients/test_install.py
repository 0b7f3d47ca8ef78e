"""install / uninstall against a temporary HOME holding realistic configs of both clients."""

from __future__ import annotations

import importlib
import json
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backend_skill.cli import app
from backend_skill.clients import Client, Scope, install, uninstall
from backend_skill.clients.launch import running_under_uv, server_entry
from backend_skill.clients.models import Action
from backend_skill.clients.skillfiles import MANIFEST_NAME, package_documents
from backend_skill.clients.targets import SKILL_NAME
from backend_skill.errors import UsageError

from .support import fixture_bytes, only_insertion, snapshot

BOTH = [Client.claude_code, Client.cursor]


def _realistic_home(home: Path) -> dict[Path, bytes]:
    files = {
        home / ".claude.json": fixture_bytes("claude.json"),
        home / ".cursor" / "mcp.json": fixture_bytes("cursor-mcp.json"),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (home / ".claude.json").chmod(0o600)
    return files


def _backups(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if ".backend-skill" in p.name and p.suffix == ".bak")


def test_user_install_adds_only_our_entry_and_the_skill(home: Path, project: Path) -> None:
    originals = _realistic_home(home)
    report = install(BOTH, Scope.user, project)

    entry = server_entry().model_dump()
    for path, before in originals.items():
        after = path.read_bytes()
        chunk = only_insertion(before, after)
        assert b'"backend-skill"' in chunk
        assert json.loads(after)["mcpServers"]["backend-skill"] == entry
        backup = path.with_name(path.name + ".backend-skill.bak")
        assert backup.read_bytes() == before
    assert stat.S_IMODE((home / ".claude.json").stat().st_mode) == 0o600

    documents = package_documents()
    for folder in (home / ".claude" / "skills", home / ".cursor" / "skills"):
        skill = folder / SKILL_NAME
        for relative, content in documents.items():
            assert (skill / relative).read_bytes() == content
        manifest = json.loads((skill / MANIFEST_NAME).read_text())
        assert set(manifest["files"]) == set(documents)
        assert manifest["version"] == report.version
    assert not list(project.iterdir()), "user scope writes nothing into the project"


def test_second_install_changes_nothing_and_makes_no_backup(home: Path, project: Path) -> None:
    _realistic_home(home)
    install(BOTH, Scope.user, project)
    before = snapshot(home)
    again = install(BOTH, Scope.user, project)
    assert not again.changed
    assert {c.action for t in again.targets for c in t.changes} == {Action.unchanged}
    assert snapshot(home) == before


def test_uninstall_gives_back_the_original_bytes(home: Path, project: Path) -> None:
    originals = _realistic_home(home)
    install(BOTH, Scope.user, project)
    report = uninstall(BOTH, Scope.user, project)
    assert not report.notes
    for path, before in originals.items():
        assert path.read_bytes() == before
    assert not (home / ".claude").exists(), "the folders install created are gone"
    assert not (home / ".cursor" / "skills").exists()
    leftovers = {p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()}
    assert leftovers - {p.relative_to(home).as_posix() for p in _backups(home)} == {
        ".claude.json",
        ".cursor/mcp.json",
    }


def test_install_into_an_empty_home_creates_and_uninstall_removes_everything(
    home: Path, project: Path
) -> None:
    install(BOTH, Scope.user, project)
    assert json.loads((home / ".cursor" / "mcp.json").read_text())["mcpServers"]
    uninstall(BOTH, Scope.user, project)
    assert list(home.rglob("*")) == []


def test_project_scope_writes_into_the_project_only(home: Path, project: Path) -> None:
    (project / ".mcp.json").write_text(
        '{\n  "mcpServers": {\n    "db": {"command": "db"}\n  }\n}\n'
    )
    install(BOTH, Scope.project, project)
    assert list(home.iterdir()) == []
    assert set(json.loads((project / ".mcp.json").read_text())["mcpServers"]) == {
        "db",
        "backend-skill",
    }
    assert (project / ".cursor" / "mcp.json").is_file()
    assert (project / ".claude" / "skills" / SKILL_NAME / "SKILL.md").is_file()
    assert (project / ".cursor" / "skills" / SKILL_NAME / "SKILL.md").is_file()
    uninstall(BOTH, Scope.project, project)
    assert (project / ".mcp.json").read_text().count("backend-skill") == 0
    names = sorted(p.name for p in project.iterdir())
    assert names[0] == ".mcp.json" and all(".backend-skill" in n for n in names[1:])
    assert len(names) == 3, "one backup per edit: install and uninstall"


@pytest.mark.parametrize("bad", ["with-comments.json", "trailing-comma.json"])
def test_an_invalid_config_stops_every_client_before_any_write(
    home: Path, project: Path, bad: str
) -> None:
    _realistic_home(home)
    (home / ".cursor" / "mcp.json").write_bytes(fixture_bytes(bad))
    before = snapshot(home)
    with pytest.raises(UsageError, match=r"\.cursor/mcp\.json:\d+:\d+: not valid JSON"):
        install(BOTH, Scope.user, project)
    assert snapshot(home) == before


def test_dry_run_writes_nothing_and_shows_the_diff(home: Path, project: Path) -> None:
    _realistic_home(home)
    before = snapshot(home)
    report = install(BOTH, Scope.user, project, dry_run=True)
    assert snapshot(home) == before
    claude = next(t for t in report.targets if t.client is Client.claude_code)
    config_change = next(c for c in claude.changes if c.path.endswith(".claude.json"))
    assert config_change.action is Action.update
    added = [line for line in config_change.diff.splitlines() if line.startswith("+")]
    assert added[0].startswith("+++ ")
    assert any('"backend-skill": {' in line for line in added)
    removed = [line for line in config_change.diff.splitlines()[2:] if line.startswith("-")]
    assert removed == [], "the diff only adds lines"


def test_user_edits_survive_install_and_uninstall(home: Path, project: Path) -> None:
    install([Client.claude_code], Scope.user, project)
    skill = home / ".claude" / "skills" / SKILL_NAME / "SKILL.md"
    skill.write_text(skill.read_text() + "\nMy team's extra rule.\n")
    again = install([Client.claude_code], Scope.user, project)
    assert "My team's extra rule." in skill.read_text()
    assert any("SKILL.md" in note and "edited" in note for note in again.notes)
    config = home / ".claude.json"
    data = json.loads(config.read_text())
    data["mcpServers"]["backend-skill"]["env"] = {"LOG_LEVEL": "debug"}
    config.write_text(json.dumps(data, indent=2))
    report = uninstall([Client.claude_code], Scope.user, project)
    assert skill.is_file() and "My team's extra rule." in skill.read_text()
    assert "LOG_LEVEL" in config.read_text()
    kept = {Path(c.path).name for t in report.targets for c in t.changes if c.action is Action.kept}
    assert kept == {"SKILL.md", ".claude.json"}
    assert len(report.notes) == 2


def test_a_stale_copy_is_replaced_and_an_old_file_removed(home: Path, project: Path) -> None:
    install([Client.cursor], Scope.user, project)
    skill = home / ".cursor" / "skills" / SKILL_NAME
    manifest_path = skill / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    # Pretend an older release installed a different SKILL.md and a document since dropped.
    old_skill = b"---\nname: developing-backend-services\ndescription: old\n---\nold\n"
    (skill / "SKILL.md").write_bytes(old_skill)
    (skill / "patterns").mkdir(exist_ok=True)
    (skill / "patterns" / "dropped.md").write_bytes(b"# dropped\n")
    import hashlib

    manifest["files"]["SKILL.md"] = hashlib.sha256(old_skill).hexdigest()
    manifest["files"]["patterns/dropped.md"] = hashlib.sha256(b"# dropped\n").hexdigest()
    manifest["version"] = "0.0.1"
    manifest_path.write_text(json.dumps(manifest))
    report = install([Client.cursor], Scope.user, project)
    actions = {Path(c.path).name: c.action for c in report.targets[0].changes}
    assert actions["SKILL.md"] is Action.update
    assert actions["dropped.md"] is Action.remove
    assert (skill / "SKILL.md").read_bytes() == package_documents()["SKILL.md"]
    assert not (skill / "patterns" / "dropped.md").exists()


def test_registered_command_is_the_installed_entry_point() -> None:
    entry = server_entry()
    assert entry.command == str(Path(sys.executable).parent / "backend-skill")
    assert entry.args == ["serve"]
    assert "/src/" not in entry.command


def test_uv_environments_are_recognised(tmp_path: Path) -> None:
    tool = tmp_path / "uv" / "tools" / "backend-skill"
    tool.mkdir(parents=True)
    (tool / "uv-receipt.toml").write_text("[tool]\n")
    assert running_under_uv(str(tool))
    assert running_under_uv(str(tmp_path / ".cache" / "uv" / "archive-v0" / "Xyz"))
    assert running_under_uv(str(tmp_path / ".cache" / "uv" / "environments-v2" / "bs-1a2b"))
    assert not running_under_uv(str(tmp_path / "venv"))


def test_cli_install_dry_run_then_install_then_uninstall(home: Path, project: Path) -> None:
    _realistic_home(home)
    runner = CliRunner()
    dry = runner.invoke(app, ["install", "--client", "all", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would update" in dry.output and '+    "backend-skill": {' in dry.output
    assert "(dry run: nothing was written)" in dry.output
    assert not (home / ".claude").exists()
    done = runner.invoke(app, ["install", "--client", "claude-code", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["targets"][0]["client"] == "claude-code"
    gone = runner.invoke(app, ["uninstall", "--client", "claude-code"])
    assert gone.exit_code == 0, gone.output
    assert (home / ".claude.json").read_bytes() == fixture_bytes("claude.json")


def test_cli_invalid_config_exits_2_naming_the_file(home: Path, project: Path) -> None:
    (home / ".claude.json").write_bytes(fixture_bytes("with-comments.json"))
    result = CliRunner().invoke(app, ["install", "--client", "all"])
    assert result.exit_code == 2
    assert f"{home / '.claude.json'}:2:3: not valid JSON" in result.output
    assert sorted(p.name for p in home.iterdir()) == [".claude.json"]


def test_cli_project_scope_uses_project_dir(home: Path, project: Path) -> None:
    args = ["install", "--client", "cursor", "--scope", "project", "--project-dir", str(project)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (project / ".cursor" / "mcp.json").is_file()
    assert list(home.iterdir()) == []


def test_symlinked_config_and_skill_folder_stay_links(
    home: Path, project: Path, tmp_path: Path
) -> None:
    dotfiles = tmp_path / "dotfiles"
    (dotfiles / "my-skill").mkdir(parents=True)
    (dotfiles / "my-skill" / "SKILL.md").write_text("---\nname: mine\ndescription: mine\n---\n")
    (dotfiles / "claude.json").write_bytes(fixture_bytes("claude.json"))
    (home / ".claude.json").symlink_to(dotfiles / "claude.json")
    (home / ".claude" / "skills").mkdir(parents=True)
    (home / ".claude" / "skills" / SKILL_NAME).symlink_to(dotfiles / "my-skill")

    report = install([Client.claude_code], Scope.user, project)
    assert (home / ".claude.json").is_symlink()
    assert "backend-skill" in json.loads((dotfiles / "claude.json").read_text())["mcpServers"]
    assert sorted(p.name for p in (dotfiles / "my-skill").iterdir()) == ["SKILL.md"]
    assert any("symlink" in note for note in report.notes)

    uninstall([Client.claude_code], Scope.user, project)
    assert (home / ".claude.json").is_symlink()
    assert "backend-skill" not in json.loads((dotfiles / "claude.json").read_text())["mcpServers"]


def test_a_config_changed_by_the_client_meanwhile_is_not_overwritten(
    home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_module = importlib.import_module("backend_skill.clients.install")
    _realistic_home(home)
    planned = install_module._plan_install

    def plan_then_client_writes(*args: object, **kwargs: object) -> object:
        plan = planned(*args, **kwargs)  # type: ignore[arg-type]
        config = home / ".claude.json"
        config.write_text(config.read_text().replace('"numStartups": 184', '"numStartups": 185'))
        return plan

    monkeypatch.setattr(install_module, "_plan_install", plan_then_client_writes)
    with pytest.raises(UsageError, match="changed while backend-skill was editing it"):
        install([Client.claude_code], Scope.user, project)
    text = (home / ".claude.json").read_text()
    assert '"numStartups": 185' in text and "backend-skill" not in text
