"""Which files a check reads, and how their bytes become text (or a notice)."""

from __future__ import annotations

import io
import os
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backend_skill.check.config import DEFAULT_EXCLUDE, Config, glob_match
from backend_skill.errors import UsageError

# Source files of other languages, read by the language-agnostic text rules.
CODE_SUFFIXES = (
    ".js",
    ".jsx",
    ".ts",
    ".tsx",
    ".mjs",
    ".cjs",
    ".go",
    ".java",
    ".kt",
    ".kts",
    ".rb",
    ".php",
    ".cs",
    ".rs",
)
TEXT_SUFFIXES = frozenset(CODE_SUFFIXES) | {
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".properties",
    ".tf",
    ".sh",
    ".bash",
    ".env",
}
FileKind = Literal["python", "text"]


@dataclass(frozen=True)
class Target:
    rel: str  # relative to the root, forward slashes
    path: Path
    kind: FileKind


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    symlinks: list[str] = field(default_factory=list)
    all_files: list[str] = field(default_factory=list)  # every file seen, for project rules
    directories: list[str] = field(default_factory=list)  # the directories given


def kind_of(name: str) -> FileKind | None:
    if name.endswith(".py"):
        return "python"
    suffix = os.path.splitext(name)[1].lower()  # noqa: PTH122  # a Path per file is slow
    if suffix in TEXT_SUFFIXES or name == "Dockerfile" or name.startswith(("Dockerfile.", ".env")):
        return "text"
    return None


def discover(paths: list[str], root: Path, config: Config) -> Discovery:
    found = Discovery()
    seen: set[str] = set()
    for raw in paths:
        given = Path(raw).expanduser()
        absolute = given if given.is_absolute() else root / given
        if absolute.is_symlink():
            found.symlinks.append(_rel(absolute, root, raw))
            continue
        resolved = absolute.resolve()
        if resolved != root and root not in resolved.parents:
            raise UsageError(
                f"Path {raw!r} is outside the project root {str(root)!r}; check paths under the "
                "root, or pass --root."
            )
        if not resolved.exists():
            raise UsageError(f"Path {raw!r} does not exist.")
        if resolved.is_dir():
            found.directories.append(_rel(resolved, root, raw))
            _walk(resolved, root, config, found, seen)
        else:
            rel = _rel(resolved, root, raw)
            kind = kind_of(resolved.name)
            if kind is None:
                kind = "text"  # named explicitly: read it as text
            if rel not in seen:
                seen.add(rel)
                found.all_files.append(rel)
                found.targets.append(Target(rel, resolved, kind))
    return found


def _rel(path: Path, root: Path, raw: str) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return raw
    return rel or "."


def _walk(top: Path, root: Path, config: Config, found: Discovery, seen: set[str]) -> None:
    pending = [str(top)]
    base = config.base
    prefix = len(str(root).rstrip("/")) + 1  # relative paths by slicing: pathlib is slow here
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = entry.path[prefix:].replace(os.sep, "/")
            if entry.is_symlink():
                found.symlinks.append(rel)
                continue
            is_dir = entry.is_dir()
            if is_dir and _default_excluded(entry.name):
                continue
            if config.exclude and _excluded(Path(entry.path), base, config):
                continue
            if is_dir:
                pending.append(entry.path)
                continue
            if rel in seen:
                continue
            seen.add(rel)
            found.all_files.append(rel)
            kind = kind_of(entry.name)
            if kind is not None:
                found.targets.append(Target(rel, Path(entry.path), kind))


_EXCLUDED_NAMES = frozenset(p for p in DEFAULT_EXCLUDE if "*" not in p)
_EXCLUDED_GLOBS = tuple(p for p in DEFAULT_EXCLUDE if "*" in p)


def _default_excluded(name: str) -> bool:
    return name in _EXCLUDED_NAMES or any(glob_match(name, p) for p in _EXCLUDED_GLOBS)


def _excluded(path: Path, base: Path, config: Config) -> bool:
    try:
        rel = path.relative_to(base).as_posix()
    except ValueError:
        return False
    return config.excluded(rel)


def decode(data: bytes, kind: FileKind, max_size: int) -> tuple[str | None, list[str] | None]:
    """(text, None) or (None, [reason, message])."""
    if len(data) > max_size:
        return None, ["too-large", f"skipped: {len(data)} bytes is over the {max_size}-byte limit"]
    if b"\0" in data[:8192]:
        return None, ["binary", "skipped: binary content"]
    try:
        if kind == "python":
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
            return text.removeprefix("\ufeff"), None
        return data.decode("utf-8"), None
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        return None, ["undecodable", f"skipped: cannot decode the file ({error})"]
