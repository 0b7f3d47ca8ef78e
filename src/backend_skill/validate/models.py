"""What the validation loop returns: one result per step and a verdict over them.

The MCP tool returns `ValidationResult` as structured output and `backend-skill validate --format
json` prints the same model, so an agent and a CI job read one schema.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from backend_skill.models import Model


class StepStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"
    TIMED_OUT = "timed_out"

    @property
    def blocks(self) -> bool:
        """A required step in this state fails the loop; a skipped one never does."""
        return self in (StepStatus.FAILED, StepStatus.ERROR, StepStatus.TIMED_OUT)


class StepKind(StrEnum):
    """What a step checks; `--step` accepts a kind to select every step of it."""

    LINT = "lint"
    TYPES = "types"
    TESTS = "tests"
    COVERAGE = "coverage"
    SECURITY = "security"
    AUDIT = "audit"
    SPEC = "spec"
    CHECK = "check"
    CONTRACT = "contract"
    LOAD = "load"
    CUSTOM = "custom"


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class Issue(Model):
    """One finding a tool reported (a lint error, a failing test, a type error, ...)."""

    message: str
    path: str | None = None
    line: int | None = None
    code: str | None = Field(default=None, description="The tool's rule or test id, if any.")
    pattern: str | None = Field(
        default=None, description="The documents' section on it (document#anchor), if known."
    )


class SpecError(Model):
    """One problem in an OpenAPI document, located by JSON path inside the file."""

    file: str = Field(description="Spec file relative to the project root.")
    json_path: str = Field(description="Where in the document, e.g. $.paths['/orders'].get.")
    message: str


class StepSummary(Model):
    """The figures parsed from a tool's output; fields a tool does not report stay empty."""

    text: str = Field(description="One line saying what happened.")
    tests_passed: int | None = None
    tests_failed: int | None = None
    tests_skipped: int | None = None
    coverage_percent: float | None = None
    coverage_threshold: float | None = None
    findings_count: int | None = Field(
        default=None, description="Lint/type/security findings or failing tests counted."
    )
    top_findings: list[Issue] = Field(
        default_factory=list, description="The first findings, to fix first."
    )
    spec_errors: list[SpecError] = Field(default_factory=list)


class StepResult(Model):
    name: str = Field(description="Stable step name, usable with --step / steps=[...].")
    kind: StepKind
    description: str
    status: StepStatus
    required: bool = Field(description="Whether a failure of this step fails the loop.")
    duration_seconds: float
    command: list[str] = Field(description="The exact argv run (empty when nothing ran).")
    cwd: str = Field(description="Working directory, relative to the project root.")
    exit_code: int | None = None
    summary: StepSummary
    output_tail: str = Field(default="", description="The end of stdout and stderr.")
    skip_reason: str | None = None
    install_hint: str | None = Field(
        default=None, description="The command that installs the missing tool."
    )
    pattern: str = Field(description="The documents' section behind this step (document#anchor).")


class FirstFix(Model):
    """The one thing to look at first: the earliest blocking step in the loop's order."""

    step: str
    message: str
    pattern: str


class LoopTotals(Model):
    steps: int
    passed: int
    failed: int
    skipped: int
    error: int
    timed_out: int
    required_blocking: int = Field(description="Required steps that failed, errored or timed out.")


class ValidationResult(Model):
    project_dir: str
    ecosystems: list[str] = Field(description="What the project was detected as.")
    test_dirs: list[str] = Field(default_factory=list, description="Where its tests were found.")
    specs: list[str] = Field(default_factory=list, description="OpenAPI documents found.")
    verdict: Verdict
    first_to_fix: FirstFix | None = None
    totals: LoopTotals
    coverage_threshold: float
    duration_seconds: float
    steps: list[StepResult]
