"""How a framework module declares what it supports: templates, packages, mount, user test.

Each framework lives in its own module under frameworks/ and exposes `FRAMEWORK`, a
FrameworkSupport that names EVERY catalog id, either Supported or Unsupported (with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["python", "javascript", "go"]


@dataclass(frozen=True)
class Package:
    """A dependency and the version range the tests exercise.

    `when` limits it to one option value, e.g. "store=redis".
    """

    name: str
    spec: str
    when: str | None = None
    purpose: Literal["runtime", "test"] = "runtime"


@dataclass(frozen=True)
class Template:
    """A template under templates/<framework>/ and the path it is written to (relative)."""

    source: str
    path: str


@dataclass(frozen=True)
class Refusal:
    """An option value this framework's snippet cannot honour (e.g. store=redis in stdlib Go).

    Matches when the option equals `value` or, for list options, contains it.
    """

    option: str
    value: str
    reason: str


@dataclass(frozen=True)
class Supported:
    files: tuple[Template, ...]
    mount: str  # template rendering the short "where to mount it" snippet
    test: Template  # a test for the user's own suite
    packages: tuple[Package, ...] = ()
    notes: str = ""
    refuses: tuple[Refusal, ...] = ()


@dataclass(frozen=True)
class Unsupported:
    reason: str


@dataclass(frozen=True)
class FrameworkSupport:
    id: str
    title: str
    language: Language
    middleware: dict[str, Supported | Unsupported] = field(default_factory=dict)
    # Packages every snippet of this framework needs (the framework itself).
    base_packages: tuple[Package, ...] = ()
    ecosystem: Literal["pypi", "npm", "go"] = "pypi"
    # Python frameworks whose snippets (and user tests) pass mypy --strict; the suite checks it.
    type_checked: bool = False
