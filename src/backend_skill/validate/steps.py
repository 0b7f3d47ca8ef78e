"""A planned step: what to run, where, for how long, how to read its output, what it waits for.

The catalog builds these from the project; the runner executes them. A step whose tool is missing
is planned already skipped (with the reason and the install command) so the report still shows it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backend_skill.validate.models import StepKind, StepResult, StepStatus, StepSummary


@dataclass(frozen=True)
class Output:
    """What a finished process left behind: its exit code and the (capped) streams."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def combined(self) -> str:
        return "\n".join(part for part in (self.stdout.rstrip(), self.stderr.rstrip()) if part)


@dataclass(frozen=True)
class Outcome:
    status: StepStatus
    summary: StepSummary
    skip_reason: str | None = None


Parser = Callable[[Output], Outcome]
# Returns a skip reason when the step cannot run because of what the steps it needs did.
Gate = Callable[[Mapping[str, StepResult]], str | None]
# Returns (reason, hint) when the step cannot run right now (e.g. no network), else None.
Preflight = Callable[[], Awaitable[tuple[str, str | None] | None]]


@dataclass(frozen=True)
class Serve:
    """A process that serves the app while the step runs (contract and load tests)."""

    argv: list[str]
    base_url: str
    ready_timeout: float = 30.0


@dataclass(frozen=True)
class Step:
    name: str
    kind: StepKind
    description: str
    pattern: str
    cwd: Path
    parser: Parser
    argv: list[str] = field(default_factory=list)
    required: bool = True
    timeout: float | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    gate: Gate | None = None
    preflight: Preflight | None = None
    serve: Serve | None = None
    skip_reason: str | None = None
    install_hint: str | None = None


# The documents' sections each kind of step puts into practice.
PATTERNS: dict[StepKind, str] = {
    StepKind.LINT: "testing-patterns#the-validation-loop",
    StepKind.TYPES: "testing-patterns#the-validation-loop",
    StepKind.TESTS: "testing-patterns#unit-tests",
    StepKind.COVERAGE: "testing-patterns#coverage",
    StepKind.SECURITY: "SKILL#security",
    StepKind.AUDIT: "security-patterns#dependency-scanning",
    StepKind.SPEC: "api-design-patterns#openapi-contract",
    StepKind.CHECK: "SKILL#using-the-backend-skill-tools",
    StepKind.CONTRACT: "testing-patterns#contract-tests",
    StepKind.LOAD: "testing-patterns#load-tests",
    StepKind.CUSTOM: "testing-patterns#the-validation-loop",
}
