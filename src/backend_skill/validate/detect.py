"""What the project is, read from its files, and where its own tools live.

The loop runs the project's tools, not ours: a project pins its ruff, its pytest, its eslint, so
they are looked up in its virtualenv first, then node_modules/.bin, then PATH.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend_skill.validate.config import ValidateConfig, load_config, read_pyproject

# Folders that hold other people's code or build output, never the project's own specs.
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "dist",
        "build",
        "site-packages",
        "vendor",
    }
)
SPEC_NAMES = ("openapi", "swagger")
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
MAX_SPECS = 20
MAX_DEPTH = 6


@dataclass(frozen=True)
class Project:
    root: Path
    pyproject: dict[str, Any]
    config: ValidateConfig
    python: bool
    node: bool
    go: bool
    package_json: dict[str, Any] = field(default_factory=dict)
    specs: tuple[Path, ...] = ()

    @property
    def ecosystems(self) -> list[str]:
        found = [("python", self.python), ("node", self.node), ("go", self.go)]
        return [name for name, present in found if present]

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix() or "."
        except ValueError:
            return path.as_posix()

    def search_dirs(self) -> list[Path]:
        """Where tools are looked up, in order: the project's venv, node_modules, PATH."""
        dirs = [self.root / ".venv" / "bin", self.root / "venv" / "bin"]
        active = os.environ.get("VIRTUAL_ENV")
        if active:
            dirs.append(Path(active) / "bin")
        dirs.append(self.root / "node_modules" / ".bin")
        dirs += [Path(entry) for entry in os.environ.get("PATH", "").split(os.pathsep) if entry]
        return dirs

    def venv_bin(self) -> Path | None:
        """The project's own virtualenv (its .venv/, venv/, else the active one), if any."""
        active = os.environ.get("VIRTUAL_ENV")
        candidates = [self.root / ".venv", self.root / "venv", *([Path(active)] if active else [])]
        for venv in candidates:
            if (venv / "bin" / "python").is_file():
                return venv / "bin"
        return None

    def find_tool(self, name: str) -> Path | None:
        for directory in self.search_dirs():
            candidate = directory / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        return None

    def python_for(self, tool: Path) -> Path | None:
        """The interpreter a Python tool was installed with (its venv's python), if beside it."""
        for name in ("python", "python3"):
            candidate = tool.parent / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        return None

    def has_python_module(self, python: Path, module: str) -> bool:
        """Whether `module` is installed for `python`, read from its site-packages."""
        prefix = python.parent.parent
        for site in prefix.glob("lib/python3*/site-packages"):
            if (site / module).is_dir() or (site / f"{module}.py").is_file():
                return True
        return False


def detect(root: Path) -> Project:
    pyproject = read_pyproject(root)
    package_json: dict[str, Any] = {}
    package_path = root / "package.json"
    if package_path.is_file():
        try:
            loaded = json.loads(package_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        package_json = loaded if isinstance(loaded, dict) else {}
    python = (
        (root / "pyproject.toml").is_file()
        or (root / "setup.cfg").is_file()
        or (root / "setup.py").is_file()
        or any(root.glob("requirements*.txt"))
    )
    return Project(
        root=root,
        pyproject=pyproject,
        config=load_config(pyproject),
        python=python,
        node=package_path.is_file(),
        go=(root / "go.mod").is_file(),
        package_json=package_json,
        specs=tuple(find_specs(root)),
    )


def test_dirs(root: Path, pyproject: dict[str, Any]) -> list[str]:
    """Where the tests live: pytest's configured testpaths, else the usual folder names."""
    options = pyproject.get("tool", {}).get("pytest", {}).get("ini_options", {})
    configured = options.get("testpaths") if isinstance(options, dict) else None
    if isinstance(configured, list) and configured:
        return [str(path) for path in configured if (root / str(path)).exists()]
    return [name for name in ("tests", "test", "__tests__", "spec") if (root / name).is_dir()]


def find_specs(root: Path) -> list[Path]:
    """OpenAPI documents: files named openapi*/swagger*, or an api.y*ml that says `openapi:`."""
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        depth = len(here.relative_to(root).parts)
        subdirs[:] = sorted(
            d
            for d in subdirs
            if d not in IGNORED_DIRS and not d.startswith(".") and depth < MAX_DEPTH
        )
        for name in sorted(files):
            lower = name.lower()
            if not lower.endswith(SPEC_SUFFIXES):
                continue
            path = here / name
            if lower.startswith(SPEC_NAMES) or (lower.startswith("api.") and _says_openapi(path)):
                found.append(path)
                if len(found) >= MAX_SPECS:
                    return found
    return found


def _says_openapi(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return "openapi" in head or "swagger" in head


def python_packages(project: Project) -> list[str]:
    """The project's own code, for coverage and bandit: src/, else top-level packages."""
    if (project.root / "src").is_dir():
        return ["src"]
    return sorted(
        entry.name
        for entry in project.root.iterdir()
        if entry.is_dir()
        and (entry / "__init__.py").is_file()
        and entry.name not in IGNORED_DIRS
        and not entry.name.startswith(("test", "."))
    )
