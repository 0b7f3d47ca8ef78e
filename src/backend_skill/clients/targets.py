"""Where each client keeps its skills and its MCP servers, per scope.

Paths derive from `Path.home()` (so HOME decides) and the project directory. Claude Code reads
skills from `.claude/skills/<name>/` and MCP servers from `~/.claude.json` (user) or `.mcp.json`
(project). Cursor reads Agent Skills from `.cursor/skills/<name>/` (and `~/.cursor/skills/`) and
MCP servers from `.cursor/mcp.json` (project) or `~/.cursor/mcp.json` (user).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backend_skill.clients.models import Client, Scope

SKILL_NAME = "developing-backend-services"
SERVER_NAME = "backend-skill"


@dataclass(frozen=True)
class Target:
    client: Client
    scope: Scope
    skill_dir: Path
    mcp_config: Path


def target(client: Client, scope: Scope, project_dir: Path) -> Target:
    home = Path.home()
    base = home if scope is Scope.user else project_dir
    if client is Client.claude_code:
        config = home / ".claude.json" if scope is Scope.user else project_dir / ".mcp.json"
        return Target(client, scope, base / ".claude" / "skills" / SKILL_NAME, config)
    return Target(
        client, scope, base / ".cursor" / "skills" / SKILL_NAME, base / ".cursor" / "mcp.json"
    )


def targets(clients: list[Client], scope: Scope, project_dir: Path) -> list[Target]:
    return [target(client, scope, project_dir) for client in clients]


def every_target(project_dir: Path) -> list[Target]:
    """Both clients at both scopes: what doctor looks at. A project that is the home folder has
    only the user scope (its project paths would be the user ones, half of them misread)."""
    scopes = list(Scope)
    if project_dir.resolve() == Path.home().resolve():
        scopes = [Scope.user]
    return [target(c, s, project_dir) for c in Client for s in scopes]
