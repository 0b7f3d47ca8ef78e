"""The loop's verdict over its steps, and the text and markdown renderings people read."""

from __future__ import annotations

from collections.abc import Sequence

from backend_skill.validate.models import (
    FirstFix,
    Issue,
    LoopTotals,
    StepResult,
    StepStatus,
    ValidationResult,
    Verdict,
)

ICONS = {
    StepStatus.PASSED: "ok",
    StepStatus.FAILED: "FAIL",
    StepStatus.SKIPPED: "skip",
    StepStatus.ERROR: "ERROR",
    StepStatus.TIMED_OUT: "TIMEOUT",
}


def totals(steps: Sequence[StepResult]) -> LoopTotals:
    def count(status: StepStatus) -> int:
        return sum(1 for step in steps if step.status is status)

    return LoopTotals(
        steps=len(steps),
        passed=count(StepStatus.PASSED),
        failed=count(StepStatus.FAILED),
        skipped=count(StepStatus.SKIPPED),
        error=count(StepStatus.ERROR),
        timed_out=count(StepStatus.TIMED_OUT),
        required_blocking=sum(1 for step in steps if step.required and step.status.blocks),
    )


def verdict(steps: Sequence[StepResult]) -> Verdict:
    blocking = any(step.required and step.status.blocks for step in steps)
    return Verdict.FAILED if blocking else Verdict.PASSED


def where(issue: Issue) -> str:
    """`path:line code` without saying the path twice (a test id already starts with it)."""
    place = ":".join(str(part) for part in (issue.path, issue.line) if part is not None)
    if issue.code and place and issue.code.startswith(place):
        return issue.code
    return " ".join(part for part in (place, issue.code) if part)


def first_to_fix(steps: Sequence[StepResult]) -> FirstFix | None:
    """The earliest blocking step in catalog order (lint before tests before coverage ...)."""
    for step in steps:
        if step.required and step.status.blocks:
            summary = step.summary
            message = summary.text
            pattern = step.pattern
            if summary.spec_errors:
                error = summary.spec_errors[0]
                message = f"{error.file} at {error.json_path}: {error.message}"
            elif summary.top_findings:
                issue = summary.top_findings[0]
                message = f"{summary.text}; first: {where(issue)} {issue.message}".strip()
                pattern = issue.pattern or pattern
            return FirstFix(step=step.name, message=message, pattern=pattern)
    return None


def render_text(result: ValidationResult) -> str:
    lines = [
        f"validation loop on {result.project_dir} ({', '.join(result.ecosystems) or 'unknown'})"
    ]
    for step in result.steps:
        optional = "" if step.required else " (advisory)"
        lines.append(
            f"  {ICONS[step.status]:<7} {step.name:<12} {step.duration_seconds:6.1f}s  "
            f"{step.summary.text}{optional}"
        )
        for issue in step.summary.top_findings[:3] if step.status.blocks else []:
            lines.append(f"            {where(issue)} {issue.message}".rstrip())
        if step.status is StepStatus.SKIPPED and step.install_hint:
            lines.append(f"            to enable: {step.install_hint}")
    t = result.totals
    lines.append(
        f"verdict: {result.verdict.value.upper()}  ({t.passed} passed, {t.failed} failed, "
        f"{t.error} error, {t.timed_out} timed out, {t.skipped} skipped in "
        f"{result.duration_seconds:.1f}s)"
    )
    if result.first_to_fix:
        fix = result.first_to_fix
        lines.append(f"fix first: [{fix.step}] {fix.message}  (see {fix.pattern})")
    return "\n".join(lines)


def render_markdown(result: ValidationResult) -> str:
    lines = [
        f"# Validation loop: {result.verdict.value}",
        "",
        f"Project `{result.project_dir}` ({', '.join(result.ecosystems) or 'unknown'}), "
        f"coverage threshold {result.coverage_threshold:g}%, {result.duration_seconds:.1f} s.",
        "",
        "| step | status | required | time | summary |",
        "|---|---|---|---|---|",
    ]
    for step in result.steps:
        summary = step.summary.text.replace("|", "\\|")
        if step.status is StepStatus.SKIPPED and step.install_hint:
            summary += f" (to enable: `{step.install_hint}`)"
        lines.append(
            f"| {step.name} | {step.status.value} | {'yes' if step.required else 'no'} | "
            f"{step.duration_seconds:.1f}s | {summary} |"
        )
    if result.first_to_fix:
        fix = result.first_to_fix
        lines += ["", f"**Fix first** ({fix.step}): {fix.message} (see `{fix.pattern}`)"]
    for step in result.steps:
        if step.status.blocks and (step.summary.top_findings or step.output_tail):
            lines += ["", f"## {step.name}: {step.status.value}", ""]
            for issue in step.summary.top_findings:
                lines.append(f"- `{where(issue)}` {issue.message}".rstrip())
            if not step.summary.top_findings:
                lines += ["```", step.output_tail[-1500:].rstrip(), "```"]
    return "\n".join(lines) + "\n"
