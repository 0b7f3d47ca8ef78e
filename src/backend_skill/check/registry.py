"""Every rule class registers itself here when its module is imported.

`all_rules()` imports each module of `backend_skill.check.rules` once, so a new file there is
picked up without touching any other file.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from backend_skill.errors import UsageError

if TYPE_CHECKING:
    from backend_skill.check.context import FileContext
    from backend_skill.check.rule import Rule

RULE_ID = re.compile(r"^BS\d{3}$")
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

_CLASSES: dict[str, type[Rule]] = {}
# Fact collectors: functions the walk calls for their node types, to record what project rules
# need (routes, env reads). They report nothing themselves.
COLLECTORS: list[tuple[tuple[type[ast.AST], ...], Callable[[ast.AST, FileContext], None]]] = []


def collects(
    *node_types: type[ast.AST],
) -> Callable[[Callable[[ast.AST, FileContext], None]], Callable[[ast.AST, FileContext], None]]:
    """Decorator: call the function for every node of these types (see `project.py`)."""

    def add(
        function: Callable[[ast.AST, FileContext], None],
    ) -> Callable[[ast.AST, FileContext], None]:
        COLLECTORS.append((node_types, function))
        return function

    return add


def register(cls: type[Rule]) -> None:
    """Called from `Rule.__init_subclass__`; refuses malformed or duplicate ids and names."""
    if not RULE_ID.match(cls.id):
        raise ValueError(f"{cls.__name__}: rule id {cls.id!r} must look like BS101")
    if not RULE_NAME.match(cls.name):
        raise ValueError(f"{cls.__name__}: rule name {cls.name!r} must be kebab-case")
    existing = _CLASSES.get(cls.id)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"rule id {cls.id} used by {existing.__name__} and {cls.__name__}")
    if any(c.name == cls.name and c.id != cls.id for c in _CLASSES.values()):
        raise ValueError(f"rule name {cls.name!r} is used twice")
    _CLASSES[cls.id] = cls


@cache
def all_rules() -> tuple[Rule, ...]:
    """One instance of every rule, ordered by id."""
    import backend_skill.check.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return tuple(_CLASSES[rule_id]() for rule_id in sorted(_CLASSES))


def rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def get_rule(ref: str) -> Rule:
    """A rule by id (`BS101`, case-insensitive) or name (`sql-built-from-strings`)."""
    wanted = ref.strip()
    for rule in all_rules():
        if wanted.upper() == rule.id or wanted.lower() == rule.name:
            return rule
    import difflib

    names = [r.id for r in all_rules()] + [r.name for r in all_rules()]
    raise UsageError(
        f"No rule {ref!r}; `backend-skill rules` lists them.",
        suggestions=difflib.get_close_matches(wanted, names, n=3),
    )


def select_rules(
    select: list[str] | None = None, ignore: list[str] | None = None
) -> tuple[Rule, ...]:
    """Rules whose id starts with a `select` prefix (all when empty) and no `ignore` prefix.

    Prefixes are ids or their beginnings (`BS1`, `BS20`), or rule names. Unknown ones are a
    usage error, so a typo does not silently turn a rule off.
    """
    rules = all_rules()
    for ref in [*(select or []), *(ignore or [])]:
        if not matches_any(ref, rules):
            raise UsageError(
                f"{ref!r} matches no rule; use rule ids or prefixes such as BS1 or BS201, "
                "or rule names (see `backend-skill rules`)."
            )
    chosen = [r for r in rules if not select or any(_matches(r, p) for p in select)]
    return tuple(r for r in chosen if not any(_matches(r, p) for p in ignore or []))


def _matches(rule: Rule, ref: str) -> bool:
    ref = ref.strip()
    return rule.id.startswith(ref.upper()) or rule.name == ref.lower() or ref.upper() == "ALL"


def matches_any(ref: str, rules: tuple[Rule, ...]) -> bool:
    return any(_matches(r, ref) for r in rules)
