"""Result models of the check capability, shared by the CLI (`--format json`) and MCP tools."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend_skill.models import Confidence, Finding, Model, Severity

NoticeReason = Literal[
    "binary", "undecodable", "too-large", "symlink", "newer-syntax", "unreadable", "parser"
]


class Notice(Model):
    """A file the check read but did not analyse, and why."""

    path: str
    reason: NoticeReason
    message: str


class CheckFinding(Finding):
    """A finding plus what reviewers and baselines need: the line itself and a fingerprint."""

    source_line: str = Field(default="", description="The offending line, as written.")
    fingerprint: str = Field(
        default="", description="Stable id from rule, path and line content (not line number)."
    )


class Summary(Model):
    files_checked: int = 0
    files_from_cache: int = Field(
        default=0, description="Unchanged files whose cached result was used."
    )
    files_skipped: int = 0
    findings: int = 0
    by_severity: dict[str, int] = Field(default_factory=dict)
    by_rule: dict[str, int] = Field(default_factory=dict)
    suppressed_by_baseline: int = 0
    fail_on: Severity = Severity.LOW
    failed: bool = Field(default=False, description="True when a finding is at or above fail_on.")


class CheckResult(Model):
    """Findings for the checked paths, sorted by path, line and rule."""

    root: str = Field(description="The project root all paths are relative to.")
    summary: Summary
    findings: list[CheckFinding] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list)
    fixed_files: list[str] = Field(default_factory=list, description="Files --fix rewrote.")


class ProjectPage(Model):
    """One page of a project check: the summary always, then this page's findings."""

    root: str
    summary: Summary
    page: int
    pages: int
    findings: list[CheckFinding]
    notices: list[Notice] = Field(default_factory=list)
    next_page: str | None = Field(
        default=None, description="How to get the next page, or null on the last page."
    )


class RuleExample(Model):
    kind: Literal["valid", "invalid"]
    filename: str
    code: str
    fixed: str | None = None


class RuleInfo(Model):
    id: str
    name: str
    kind: Literal["python", "text", "project"]
    area: str
    severity: Severity
    confidence: Confidence
    cwe: list[int]
    pattern: str
    pattern_uri: str
    summary: str
    fixable: bool


class RuleList(Model):
    rules: list[RuleInfo]


class RuleDoc(RuleInfo):
    """A rule explained: what, why, what instead, examples (from the rule's own metadata)."""

    why: str
    instead: str
    message: str
    fix: str | None
    examples: list[RuleExample]
