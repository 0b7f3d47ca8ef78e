"""generate: working middleware for a framework, from a catalog of typed, validated options."""

# Exports load on first use, so importing one model module (the MCP server does, for
# its output schemas) does not pull in the whole capability and slow the server's start.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend_skill.generate.core import (
        generate_middleware,
        list_middleware,
        parse_options,
        parse_set_pairs,
    )
    from backend_skill.generate.writer import write_generated

_EXPORTS = {
    "generate_middleware": "backend_skill.generate.core",
    "list_middleware": "backend_skill.generate.core",
    "parse_options": "backend_skill.generate.core",
    "parse_set_pairs": "backend_skill.generate.core",
    "write_generated": "backend_skill.generate.writer",
}

__all__ = [
    "generate_middleware",
    "list_middleware",
    "parse_options",
    "parse_set_pairs",
    "write_generated",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
