"""The shared vocabulary of every capability: findings, their locations, severities and fixes.

Capabilities import these; the MCP face returns them as structured output and the CLI prints the
same models with `--format json`, so both faces speak one schema.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How much a finding matters. Ordered: a threshold keeps findings at or above it."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_ORDER = list(Severity)


class Confidence(StrEnum):
    """How sure the rule is that the finding is real (Bandit keeps this apart from severity)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Model(BaseModel):
    """Base for every result model: strict about unknown fields so schemas stay honest."""

    model_config = ConfigDict(extra="forbid")


class Location(Model):
    """A span in a file. Lines and columns are 1-based; the end is inclusive of its line."""

    path: str = Field(description="Path relative to the project root, with forward slashes.")
    line: int = Field(ge=1)
    column: int = Field(default=1, ge=1)
    end_line: int | None = Field(default=None, ge=1)
    end_column: int | None = Field(default=None, ge=1)


class Fix(Model):
    """A proposed change for a finding, as a unified diff against the file's current content."""

    description: str
    diff: str = Field(description="Unified diff (a/ and b/ prefixes) that applies the fix.")


class Finding(Model):
    """One place where code departs from a practice, and what to do about it."""

    rule_id: str = Field(description="Stable rule id, for example BS101.")
    rule_name: str = Field(description="Short kebab-case name of the rule.")
    severity: Severity
    confidence: Confidence
    message: str = Field(description="What is wrong and what to do instead.")
    location: Location
    cwe: list[int] = Field(default_factory=list, description="CWE ids for security practices.")
    pattern: str = Field(
        description="The documents' section that explains the practice, as document#anchor."
    )
    pattern_uri: str = Field(description="The same section as an MCP resource URI.")
    fix: Fix | None = None
