"""What project rules see: every file seen under the checked directories and the facts the file
pass recorded (routes, env reads, ...), by path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backend_skill.check.context import RawFinding, Span

if TYPE_CHECKING:
    from backend_skill.check.rule import Rule


@dataclass
class ProjectView:
    directories: list[str]
    files: list[str]
    facts: dict[str, dict[str, list[Any]]]  # path -> fact kind -> values
    findings: list[tuple[str, RawFinding]] = field(default_factory=list)

    def facts_of(self, kind: str) -> Iterator[tuple[str, Any]]:
        for path in sorted(self.facts):
            for value in self.facts[path].get(kind, ()):
                yield path, value

    def report(
        self, rule: Rule, path: str, line: int = 1, message: str | None = None, column: int = 0
    ) -> None:
        span = Span(line, column, line, column)
        self.findings.append((path, RawFinding(rule.id, message or rule.message, span)))
