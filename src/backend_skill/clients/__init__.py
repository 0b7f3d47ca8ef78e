"""clients: put the skill and the MCP server into Claude Code and Cursor, take them out, check them.

`install`, `uninstall` and `doctor` are the public calls; each returns a pydantic report the CLI
prints as text or JSON.
"""

from backend_skill.clients.doctor import doctor
from backend_skill.clients.install import install, uninstall
from backend_skill.clients.models import Client, Scope

__all__ = ["Client", "Scope", "doctor", "install", "uninstall"]
