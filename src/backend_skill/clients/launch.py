"""The command a client runs to start our server: the installed one, never a source checkout's."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlencode

from backend_skill.clients.models import ServerEntry


def server_entry() -> ServerEntry:
    """`uvx backend-skill serve` inside a uv tool environment, else the entry point next to the
    interpreter that runs us (a venv's or pipx's bin/), which outlives the shell we run in."""
    if running_under_uv():
        uvx = shutil.which("uvx")
        return ServerEntry(command=uvx or "uvx", args=["backend-skill", "serve"])
    bin_dir = Path(sys.executable).parent  # not resolved: a venv's python is a symlink
    script = bin_dir / ("backend-skill.exe" if os.name == "nt" else "backend-skill")
    if script.is_file():
        return ServerEntry(command=str(script), args=["serve"])
    return ServerEntry(command=sys.executable, args=["-m", "backend_skill", "serve"])


def running_under_uv(prefix: str | None = None) -> bool:
    """True in a `uv tool install` environment (it holds uv-receipt.toml) or a `uvx` one (a
    throw-away environment in uv's cache, whose path would not survive a cache clean)."""
    root = Path(prefix or sys.prefix)
    if (root / "uv-receipt.toml").is_file():
        return True
    # uvx keeps them in the cache: archive-v0/<hash> (older uv) or environments-v2/<name>.
    return any(part.startswith(("archive-v", "environments-v")) for part in root.parts)


def cursor_deeplink(entry: ServerEntry, name: str = "backend-skill") -> str:
    """Cursor's one-click install link: the server's JSON, base64-encoded, in the query."""
    server: dict[str, object] = {"command": entry.command, "args": entry.args}
    if entry.env:
        server["env"] = entry.env
    encoded = base64.b64encode(json.dumps(server, separators=(",", ":")).encode()).decode()
    query = urlencode({"name": name, "config": encoded}, safe="=")
    return f"cursor://anysphere.cursor-deeplink/mcp/install?{query}"
