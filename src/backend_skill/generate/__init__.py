"""generate: working middleware for a framework, from a catalog of typed, validated options."""

from backend_skill.generate.core import (
    generate_middleware,
    list_middleware,
    parse_options,
    parse_set_pairs,
)
from backend_skill.generate.writer import write_generated

__all__ = [
    "generate_middleware",
    "list_middleware",
    "parse_options",
    "parse_set_pairs",
    "write_generated",
]
