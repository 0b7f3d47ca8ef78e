"""The validation loop: detect the project, plan its steps, run them, return one verdict."""

from __future__ import annotations

import difflib
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from backend_skill.errors import UsageError
from backend_skill.roots import confine
from backend_skill.validate import catalog, report
from backend_skill.validate.config import DEFAULT_THRESHOLD, coverage_threshold
from backend_skill.validate.detect import detect, test_dirs
from backend_skill.validate.models import ValidationResult
from backend_skill.validate.runner import DEFAULT_GRACE, OnEvent, RunSettings, run_steps
from backend_skill.validate.steps import Step


async def run_validation_loop(
    project_dir: str | os.PathLike[str],
    *,
    root: Path | None = None,
    steps: Sequence[str] | None = None,
    fail_under: float | None = None,
    step_timeout: float | None = None,
    total_timeout: float | None = None,
    concurrency: int | None = None,
    grace: float = DEFAULT_GRACE,
    on_event: OnEvent | None = None,
) -> ValidationResult:
    """Run the loop on `project_dir` (confined to `root`, by default the directory itself).

    `steps` selects step names or kinds (e.g. "pytest", "lint"); the steps they need come along.
    `fail_under` overrides the project's coverage threshold (else its config, else 80%).
    """
    if root is None:
        project_root = Path(project_dir).expanduser().resolve()
    else:
        project_root = confine(project_dir, root)
    if not project_root.is_dir():
        raise UsageError(f"{str(project_dir)!r} is not a directory; pass the project's folder.")
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise UsageError(f"fail_under must be a percentage between 0 and 100, got {fail_under}.")
    project = detect(project_root)
    threshold = fail_under
    if threshold is None:
        threshold = coverage_threshold(project_root, project.pyproject) or DEFAULT_THRESHOLD
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="backend-skill-validate-") as work:
        planned = select(catalog.plan(project, Path(work), threshold), steps)
        settings = RunSettings(
            root=project_root,
            step_timeout=step_timeout or project.config.step_timeout,
            total_timeout=total_timeout or project.config.total_timeout,
            concurrency=concurrency or max(1, os.cpu_count() or 1),
            grace=grace,
        )
        results = await run_steps(planned, settings, on_event)
    return ValidationResult(
        project_dir=str(project_root),
        ecosystems=project.ecosystems,
        test_dirs=test_dirs(project_root, project.pyproject),
        specs=[project.relative(spec) for spec in project.specs],
        verdict=report.verdict(results),
        first_to_fix=report.first_to_fix(results),
        totals=report.totals(results),
        coverage_threshold=threshold,
        duration_seconds=round(time.monotonic() - started, 3),
        steps=results,
    )


def select(planned: list[Step], wanted: Sequence[str] | None) -> list[Step]:
    """Keep the steps named (by name or kind) plus the steps they need; refuse unknown names."""
    if not wanted:
        return planned
    names = {step.name for step in planned}
    kinds = {step.kind.value for step in planned}
    chosen: set[str] = set()
    for item in wanted:
        if item in names:
            chosen.add(item)
        elif item in kinds:
            chosen |= {step.name for step in planned if step.kind.value == item}
        else:
            known = sorted(names | kinds)
            raise UsageError(
                f"No step {item!r} for this project; steps: {', '.join(known)}.",
                suggestions=difflib.get_close_matches(item, known, n=3),
            )
    by_name = {step.name: step for step in planned}
    pending = list(chosen)
    while pending:
        for need in by_name[pending.pop()].needs:
            if need not in chosen and need in by_name:
                chosen.add(need)
                pending.append(need)
    return [step for step in planned if step.name in chosen]
