"""validate: the validation loop (lint, types, tests with coverage, security, spec, checks ...)
run concurrently on a project with its own tools, summed up in one verdict."""

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
