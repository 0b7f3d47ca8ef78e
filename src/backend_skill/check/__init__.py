"""check: find where code departs from the practices, explain why, and fix what is safe to fix.

Public functions live in `api`; rules in `rules/` (one module per area); the engine parses each
file once and runs every rule in one walk.
"""

from backend_skill.check.api import (
    check_changes,
    check_file,
    check_paths,
    check_project,
    explain_rule,
    list_rules,
)
from backend_skill.check.runner import CheckRequest, RunOutput

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
