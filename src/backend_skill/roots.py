"""Where a request may read and write: the project root and the paths confined to it."""

from __future__ import annotations

import os
from pathlib import Path

from backend_skill.errors import UsageError


def resolve_project_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The root every path is confined to: the argument, else CLAUDE_PROJECT_DIR, else the cwd."""
    raw = explicit if explicit else os.environ.get("CLAUDE_PROJECT_DIR") or Path.cwd()
    root = Path(raw).expanduser()
    if not root.is_dir():
        raise UsageError(
            f"Project root {str(root)!r} is not a directory; pass an existing directory."
        )
    return root.resolve()


def confine(path: str | os.PathLike[str], root: Path) -> Path:
    """Resolve `path` (relative paths against `root`) and refuse anything that leaves `root`.

    Symlinks are resolved first, so a link pointing outside the root is refused as well.
    """
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if resolved != root and root not in resolved.parents:
        raise UsageError(
            f"Path {str(path)!r} is outside the project root {str(root)!r}; "
            "only files under the project root can be used."
        )
    return resolved
