"""The README's install section says what the code does."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, urlparse

from typer.testing import CliRunner

from backend_skill.cli import app
from backend_skill.clients.launch import cursor_deeplink
from backend_skill.clients.models import ServerEntry

from .support import FIXTURES

README = (FIXTURES.parent.parent.parent / "README.md").read_text()
UVX = ServerEntry(command="uvx", args=["backend-skill", "serve"])


def test_cursor_link_is_the_one_the_code_builds_and_decodes_to_the_server() -> None:
    link = cursor_deeplink(UVX)
    assert f"]({link})" in README
    query = parse_qs(urlparse(link).query)
    assert query["name"] == ["backend-skill"]
    assert json.loads(base64.b64decode(query["config"][0])) == {
        "command": "uvx",
        "args": ["backend-skill", "serve"],
    }


def test_install_section_names_the_real_commands_and_paths() -> None:
    section = README.split("## Install into Claude Code and Cursor", 1)[1].split("\n## ", 1)[0]
    commands = ("install --client all --dry-run", "doctor", "uninstall --client all")
    for command in commands:
        assert f"backend-skill {command}" in section
    runner = CliRunner()
    for flag in ("--client", "--scope", "--project-dir", "--dry-run"):
        assert flag in section
        assert flag in runner.invoke(app, ["install", "--help"]).output
    assert "/mcp__backend-skill__review_backend_code" in section
    manual = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    assert manual["mcpServers"]["backend-skill"] == UVX.model_dump()
