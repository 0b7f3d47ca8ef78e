"""Render a (middleware, framework) pair into a directory and import it as a real module."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from backend_skill.generate import generate_middleware, write_generated
from backend_skill.generate.results import GeneratedMiddleware

TESTS_DIR = Path(__file__).resolve().parent
_counter = itertools.count()


@dataclass
class Rendered:
    result: GeneratedMiddleware
    directory: Path
    module: ModuleType

    def source(self) -> str:
        return self.result.files[0].content


def render_to(
    directory: Path, middleware: str, framework: str, options: dict[str, Any] | None = None
) -> GeneratedMiddleware:
    result = generate_middleware(middleware, framework, options or {})
    write_generated(result, directory, force=False)
    return result


def import_python(path: Path) -> ModuleType:
    """Import a rendered file under a unique module name (so variants never collide)."""
    name = f"generated_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pydantic resolve annotations through it
    spec.loader.exec_module(module)
    return module


def render_python(
    directory: Path, middleware: str, framework: str, options: dict[str, Any] | None = None
) -> Rendered:
    result = render_to(directory, middleware, framework, options)
    module = import_python(directory / result.files[0].path)
    return Rendered(result=result, directory=directory, module=module)


def behaviour_test_path(framework: str, middleware: str) -> Path:
    """Where the behaviour test of a pair must live (checked by test_catalog.py)."""
    return TESTS_DIR / framework / f"test_{middleware.replace('-', '_')}.py"


def option_sets(framework: str, middleware: str) -> list[dict[str, Any]]:
    """The OPTION_SETS a pair's behaviour test declares (defaults first), read without importing."""
    tree = ast.parse(behaviour_test_path(framework, middleware).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "OPTION_SETS" for target in node.targets
        ):
            value: list[dict[str, Any]] = ast.literal_eval(node.value)
            return value
    raise AssertionError(f"{framework}/{middleware}: no OPTION_SETS")
