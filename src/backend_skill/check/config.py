"""`[tool.backend-skill]` in the checked project's pyproject.toml."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend_skill.errors import UsageError
from backend_skill.models import Severity

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "env",
    "node_modules",
    "__pycache__",
    ".backend-skill-cache",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    "build",
    "dist",
    "site-packages",
    "dist-packages",
    ".eggs",
    "*.egg-info",
)
KEYS = {
    "select": "rule ids, prefixes or names to run (default: all)",
    "ignore": "rule ids, prefixes or names to skip",
    "per-file-ignores": "a table of glob -> list of rules to skip in matching files",
    "fail-on": "lowest severity that fails the check: info, low, medium, high, critical",
    "exclude": "globs of paths (relative to this pyproject.toml) not to check",
    "baseline": "a baseline file (relative to this pyproject.toml)",
    "max-file-size": "files larger than this many bytes are skipped with a notice",
}
DEFAULT_MAX_FILE_SIZE = 2_000_000


@dataclass
class Config:
    base: Path  # the directory whose pyproject.toml this came from (the root when none)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: Severity = Severity.LOW
    exclude: list[str] = field(default_factory=list)
    baseline: Path | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    source: str | None = None  # the pyproject.toml it was read from

    def ignored_rules_for(self, rel_to_base: str) -> list[str]:
        ignored: list[str] = []
        for pattern, rules in self.per_file_ignores.items():
            if glob_match(rel_to_base, pattern):
                ignored.extend(rules)
        return ignored

    def excluded(self, rel_to_base: str) -> bool:
        return any(glob_match(rel_to_base, pattern) for pattern in self.exclude)


def glob_match(rel_path: str, pattern: str) -> bool:
    """A glob against a relative path, its file name, or any leading directory of it."""
    pattern = pattern.strip().rstrip("/")
    if fnmatch.fnmatchcase(rel_path, pattern) or fnmatch.fnmatchcase(
        rel_path.rsplit("/", 1)[-1], pattern
    ):
        return True
    parts = rel_path.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


def find_config(start: Path, root: Path) -> Config:
    """The nearest pyproject.toml with [tool.backend-skill], from `start` up to `root`."""
    current = start if start.is_dir() else start.parent
    while True:
        candidate = current / "pyproject.toml"
        if candidate.is_file():
            table = _table(candidate)
            if table is not None:
                return parse_config(table, current, str(candidate))
        if current == root or root not in current.parents:
            break
        current = current.parent
    return Config(base=root)


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"Cannot read {path}: {error}. Fix the TOML or remove the file.") from None
    tool = data.get("tool", {})
    table = tool.get("backend-skill") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def parse_config(table: dict[str, Any], base: Path, source: str) -> Config:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        accepted = "; ".join(f"{k}: {v}" for k, v in KEYS.items())
        raise UsageError(
            f"Unknown key(s) {unknown} in [tool.backend-skill] of {source}. Accepted: {accepted}."
        )
    config = Config(base=base, source=source)
    config.select = _strings(table, "select", source)
    config.ignore = _strings(table, "ignore", source)
    config.exclude = _strings(table, "exclude", source)
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict) or not all(
        isinstance(v, list) and all(isinstance(i, str) for i in v) for v in per_file.values()
    ):
        raise UsageError(f"per-file-ignores in {source} must map globs to lists of rule ids.")
    config.per_file_ignores = dict(per_file)
    if "fail-on" in table:
        config.fail_on = parse_severity(str(table["fail-on"]), source)
    if "baseline" in table:
        config.baseline = base / str(table["baseline"])
    if "max-file-size" in table:
        size = table["max-file-size"]
        if not isinstance(size, int) or size <= 0:
            raise UsageError(f"max-file-size in {source} must be a positive number of bytes.")
        config.max_file_size = size
    return config


def parse_severity(value: str, where: str = "the command line") -> Severity:
    try:
        return Severity(value.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise UsageError(f"Unknown severity {value!r} in {where}; use one of {names}.") from None


def _strings(table: dict[str, Any], key: str, source: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{key} in {source} must be a list of strings.")
    return list(value)
