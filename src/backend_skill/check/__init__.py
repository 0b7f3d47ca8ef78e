"""check: find where code departs from the practices, explain why, and fix what is safe to fix.

Public functions live in `api`; rules in `rules/` (one module per area); the engine parses each
file once and runs every rule in one walk.
"""

# Exports load on first use, so importing one model module (the MCP server does, for
# its output schemas) does not pull in the whole capability and slow the server's start.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend_skill.check.api import (
        check_changes,
        check_file,
        check_paths,
        check_project,
        explain_rule,
        list_rules,
    )
    from backend_skill.check.runner import CheckRequest, RunOutput

_EXPORTS = {
    "CheckRequest": "backend_skill.check.runner",
    "RunOutput": "backend_skill.check.runner",
    "check_changes": "backend_skill.check.api",
    "check_file": "backend_skill.check.api",
    "check_paths": "backend_skill.check.api",
    "check_project": "backend_skill.check.api",
    "explain_rule": "backend_skill.check.api",
    "list_rules": "backend_skill.check.api",
}

__all__ = [
    "CheckRequest",
    "RunOutput",
    "check_changes",
    "check_file",
    "check_paths",
    "check_project",
    "explain_rule",
    "list_rules",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
