"""The rule API: what a rule declares about itself, and the kinds of rules the engine runs.

A rule is a class with metadata (id, name, area, severity, confidence, CWE, the pattern section
that explains it, the message), VALID and INVALID examples that one generic test runs, and code:

- `PythonRule`: `node_types` lists the `ast` node classes it wants; the engine parses a file once
  and calls `visit(node, ctx)` for every such node in one walk. It may offer a libcst `fix`.
- `TextRule`: any text file (JS/TS, Go, YAML, .env, Dockerfile, ...); `check_text(ctx)`.
- `ProjectRule`: runs once when a directory is checked, over facts the file pass collected
  (routes, env reads, migration files); `check_project(project)`.

Subclasses register themselves when their module is imported (see `registry`), so adding a rule
file under `rules/` needs no edit anywhere else.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

    from backend_skill.check.context import FileContext, FixContext, TextContext
    from backend_skill.check.project import ProjectView


@dataclass(frozen=True)
class Valid:
    """Code on which the rule must stay quiet. `files` (path -> text) for project rules."""

    code: str = ""
    filename: str = "example.py"
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code on which the rule must fire (`count` times); `fixed` is the exact text after --fix.

    `fixed` is required when the rule has a fix (unless `fixable=False` says this example is one
    the fix deliberately leaves alone).
    """

    code: str = ""
    fixed: str | None = None
    filename: str = "example.py"
    files: dict[str, str] = field(default_factory=dict)
    count: int = 1
    fixable: bool = True


Example = Valid | Invalid


class Rule:
    """Metadata every rule carries. Subclass one of the kinds below, not this."""

    id: ClassVar[str]  # "BS101": BS + 3 digits, hundreds by area
    name: ClassVar[str]  # kebab-case, unique
    area: ClassVar[str]  # SKILL.md section anchor: "security", "database", "resilience", ...
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence]
    cwe: ClassVar[tuple[int, ...]] = ()
    pattern: ClassVar[str]  # "document#anchor" from ANCHORS.md
    summary: ClassVar[str]  # one line: what it finds
    why: ClassVar[str]  # a paragraph: why it matters
    instead: ClassVar[str]  # what to do instead (one or two sentences)
    message: ClassVar[str]  # default finding message; a rule may report a more specific one
    fix_description: ClassVar[str | None] = None  # set when the rule offers a fix
    fix_is_safe: ClassVar[bool] = True  # unsafe fixes are applied only with --unsafe-fixes
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()
    kind: ClassVar[str] = "abstract"

    @property
    def fixable(self) -> bool:
        return self.fix_description is not None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            from backend_skill.check.registry import register

            register(cls)


class PythonRule(Rule):
    """Runs on the `ast` of each Python file, for the node types it lists."""

    kind: ClassVar[str] = "python"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    # For ast.Call: when either is set, visit() only sees calls whose dotted name (through
    # imports) is in `calls`, or whose method name (`x.attr(...)`) is in `methods`. The engine
    # then indexes the rule instead of calling it for every call in every file.
    calls: ClassVar[frozenset[str]] = frozenset()
    methods: ClassVar[frozenset[str]] = frozenset()

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        raise NotImplementedError

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        """Return the replacement for the libcst node at the finding's fix span, or None.

        Called only for rules with `fix_description`. `ctx.require_import("hmac")` adds an
        import when the replacement needs one.
        """
        return None


class TextRule(Rule):
    """Runs on the text of any non-Python file the check reads (and on Python files when
    `also_python` is set)."""

    kind: ClassVar[str] = "text"
    also_python: ClassVar[bool] = False

    def check_text(self, ctx: TextContext) -> None:
        raise NotImplementedError


class ProjectRule(Rule):
    """Runs once per checked directory, on the facts the file pass collected."""

    kind: ClassVar[str] = "project"

    def check_project(self, project: ProjectView) -> None:
        raise NotImplementedError


RuleClass = type[Rule]
FactCollector = Callable[[ast.AST], None]
