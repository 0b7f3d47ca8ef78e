"""Writing users' files safely: a backup first, then an atomic replace that keeps the file mode."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

BACKUP_SUFFIX = ".backend-skill.bak"


def atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of one (temp file + os.replace).

    A symlinked config (dotfiles kept in a repository) is written where the link points, so the
    link survives.
    """
    if path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def backup(path: Path) -> Path:
    """Copy `path` next to itself before an edit; an earlier backup is never overwritten."""
    target = path.with_name(path.name + BACKUP_SUFFIX)
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = path.with_name(f"{path.name}.backend-skill-{stamp}.bak")
    shutil.copy2(path, target)
    return target


def remove_if_empty(folder: Path) -> None:
    """Remove a folder we created once nothing is left in it; a folder with files stays."""
    try:
        folder.rmdir()
    except OSError:
        return
