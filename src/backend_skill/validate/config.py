"""The project's own settings for the loop: `[tool.backend-skill.validate]` in pyproject.toml.

Everything here is opt-in. Custom steps run only when declared, with an explicit argv list (never
a shell string), so a checked-out project cannot make the loop run anything it did not name.
"""

from __future__ import annotations

import configparser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend_skill.errors import UsageError

DEFAULT_THRESHOLD = 80.0
DEFAULT_STEP_TIMEOUT = 600.0
DEFAULT_TOTAL_TIMEOUT = 1800.0


@dataclass(frozen=True)
class CustomStep:
    name: str
    argv: list[str]
    timeout: float | None = None
    required: bool = True
    cwd: str = "."


@dataclass(frozen=True)
class ValidateConfig:
    step_timeout: float = DEFAULT_STEP_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    skip: tuple[str, ...] = ()
    serve: list[str] | None = None
    base_url: str | None = None
    load: list[str] | None = None
    custom: tuple[CustomStep, ...] = field(default_factory=tuple)


def read_pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path} is not valid TOML ({error}); fix it and run again.") from None


def tool_table(pyproject: dict[str, Any], *keys: str) -> dict[str, Any]:
    table: Any = pyproject.get("tool", {})
    for key in keys:
        table = table.get(key, {}) if isinstance(table, dict) else {}
    return table if isinstance(table, dict) else {}


def has_tool_table(pyproject: dict[str, Any], name: str) -> bool:
    """Whether [tool.<name>] is there at all: an empty table still says "configured"."""
    tools = pyproject.get("tool", {})
    return isinstance(tools, dict) and isinstance(tools.get(name), dict)


def load_config(pyproject: dict[str, Any]) -> ValidateConfig:
    table = tool_table(pyproject, "backend-skill", "validate")
    where = "[tool.backend-skill.validate]"
    custom = tuple(
        _custom_step(raw, f"{where} steps[{index}]")
        for index, raw in enumerate(_list(table, "steps", where, dict))
    )
    names = [step.name for step in custom]
    if len(set(names)) != len(names):
        raise UsageError(f"{where}: custom step names must be unique, got {names}.")
    return ValidateConfig(
        step_timeout=_number(table, "step-timeout", where, DEFAULT_STEP_TIMEOUT),
        total_timeout=_number(table, "timeout", where, DEFAULT_TOTAL_TIMEOUT),
        skip=tuple(_list(table, "skip", where, str)),
        serve=_argv(table, "serve", where),
        base_url=_string(table, "base-url", where),
        load=_argv(table, "load", where),
        custom=custom,
    )


def coverage_threshold(root: Path, pyproject: dict[str, Any]) -> float | None:
    """fail_under from the project's coverage configuration, wherever coverage.py reads it."""
    value = tool_table(pyproject, "coverage", "report").get("fail_under")
    if isinstance(value, int | float):
        return float(value)
    for name, section in (
        (".coveragerc", "report"),
        ("setup.cfg", "coverage:report"),
        ("tox.ini", "coverage:report"),
    ):
        path = root / name
        if not path.is_file():
            continue
        parser = configparser.ConfigParser()
        try:
            parser.read(path, encoding="utf-8")
            raw = parser.get(section, "fail_under", fallback=None)
        except configparser.Error:
            continue
        if raw is not None:
            try:
                return float(raw)
            except ValueError:
                raise UsageError(f"{path}: [{section}] fail_under must be a number.") from None
    return None


def _custom_step(raw: dict[str, Any], where: str) -> CustomStep:
    unknown = set(raw) - {"name", "argv", "timeout", "required", "cwd"}
    if unknown:
        raise UsageError(
            f"{where}: unknown keys {sorted(unknown)}; accepted: name, argv, timeout, "
            "required, cwd."
        )
    name = _string(raw, "name", where)
    argv = _argv(raw, "argv", where)
    if not name or not argv:
        raise UsageError(f"{where}: a custom step needs a name and an argv list of strings.")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise UsageError(f"{where}: required must be true or false.")
    timeout = _number(raw, "timeout", where, 0.0) or None
    return CustomStep(
        name=name,
        argv=argv,
        timeout=timeout,
        required=required,
        cwd=_string(raw, "cwd", where) or ".",
    )


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None or isinstance(value, str):
        return value
    raise UsageError(f"{where}: {key} must be a string.")


def _number(table: dict[str, Any], key: str, where: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UsageError(f"{where}: {key} must be a positive number of seconds.")
    return float(value)


def _argv(table: dict[str, Any], key: str, where: str) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
        return list(value)
    raise UsageError(
        f"{where}: {key} must be a non-empty list of strings (an argv, no shell), "
        'e.g. ["python", "-m", "app"].'
    )


def _list(table: dict[str, Any], key: str, where: str, kind: type) -> list[Any]:
    value = table.get(key, [])
    if isinstance(value, list) and all(isinstance(item, kind) for item in value):
        return value
    raise UsageError(f"{where}: {key} must be a list of {kind.__name__} values.")
