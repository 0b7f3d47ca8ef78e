"""validate: the validation loop (lint, types, tests with coverage, security, spec, checks ...)
run concurrently on a project with its own tools, summed up in one verdict."""

# Exports load on first use, so importing one model module (the MCP server does, for
# its output schemas) does not pull in the whole capability and slow the server's start.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend_skill.validate.loop import run_validation_loop
    from backend_skill.validate.models import (
        FirstFix,
        Issue,
        LoopTotals,
        SpecError,
        StepKind,
        StepResult,
        StepStatus,
        StepSummary,
        ValidationResult,
        Verdict,
    )
    from backend_skill.validate.report import render_markdown, render_text
    from backend_skill.validate.runner import ProgressEvent

_EXPORTS = {
    "FirstFix": "backend_skill.validate.models",
    "Issue": "backend_skill.validate.models",
    "LoopTotals": "backend_skill.validate.models",
    "ProgressEvent": "backend_skill.validate.runner",
    "SpecError": "backend_skill.validate.models",
    "StepKind": "backend_skill.validate.models",
    "StepResult": "backend_skill.validate.models",
    "StepStatus": "backend_skill.validate.models",
    "StepSummary": "backend_skill.validate.models",
    "ValidationResult": "backend_skill.validate.models",
    "Verdict": "backend_skill.validate.models",
    "render_markdown": "backend_skill.validate.report",
    "render_text": "backend_skill.validate.report",
    "run_validation_loop": "backend_skill.validate.loop",
}

__all__ = [
    "FirstFix",
    "Issue",
    "LoopTotals",
    "ProgressEvent",
    "SpecError",
    "StepKind",
    "StepResult",
    "StepStatus",
    "StepSummary",
    "ValidationResult",
    "Verdict",
    "render_markdown",
    "render_text",
    "run_validation_loop",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
