"""The requests and reports of install, uninstall and doctor."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from backend_skill.models import Model


class Client(StrEnum):
    claude_code = "claude-code"
    cursor = "cursor"


class Scope(StrEnum):
    """user: for every project of this account; project: committed with one repository."""

    user = "user"
    project = "project"


class ServerEntry(Model):
    """What a client runs to start our MCP server (the value under mcpServers.backend-skill)."""

    type: str = "stdio"
    command: str
    args: list[str]
    env: dict[str, str] = Field(default_factory=dict)


class Action(StrEnum):
    create = "create"
    update = "update"
    remove = "remove"
    unchanged = "unchanged"
    kept = "kept"  # a file we would change, left alone because the user edited it


class FileChange(Model):
    path: str
    action: Action
    detail: str = ""
    backup: str | None = Field(default=None, description="Copy of the file before we edited it.")
    diff: str = Field(default="", description="Unified diff of a config file's change.")


class TargetReport(Model):
    """One client at one scope: where its skill folder and MCP config are, what changed there."""

    client: Client
    scope: Scope
    skill_dir: str
    mcp_config: str
    changes: list[FileChange]


class InstallReport(Model):
    operation: str = Field(description="install or uninstall")
    dry_run: bool
    version: str
    server: ServerEntry
    targets: list[TargetReport]
    notes: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            change.action in (Action.create, Action.update, Action.remove)
            for target in self.targets
            for change in target.changes
        )


class CheckStatus(StrEnum):
    ok = "ok"
    fail = "fail"
    skip = "skip"


class Check(Model):
    name: str = Field(description="What was checked, e.g. 'cursor user config'.")
    status: CheckStatus
    message: str
    fix: str = Field(default="", description="What to do when the check failed.")


class DoctorReport(Model):
    healthy: bool
    version: str
    checks: list[Check]
