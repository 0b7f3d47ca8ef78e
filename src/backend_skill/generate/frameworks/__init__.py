"""Framework modules, discovered by name: adding frameworks/<id>.py with FRAMEWORK registers it.

Discovery (rather than a list here) lets each framework be added on its own branch without
touching a shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from backend_skill.generate.catalog import FRAMEWORK_IDS
from backend_skill.generate.support import FrameworkSupport


@cache
def frameworks() -> dict[str, FrameworkSupport]:
    """Every framework module found, in the catalog's framework order."""
    found: dict[str, FrameworkSupport] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        support = getattr(module, "FRAMEWORK", None)
        if isinstance(support, FrameworkSupport):
            found[support.id] = support
    order = {name: i for i, name in enumerate(FRAMEWORK_IDS)}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))
