"""Write a generated answer into a directory without ever losing a user's file.

Every target is checked before anything is written: an existing file stops the whole write unless
`force`, and then the old file is kept as `<file>.bak` (`<file>.bak.1`, `.bak.2`, ... when an
older backup exists: a backup is never overwritten). A file that already holds exactly the
generated content is left alone. Writes are atomic (temp file in the same
directory, then os.replace) and every path stays inside the directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from backend_skill.errors import UsageError
from backend_skill.generate.results import GeneratedMiddleware, WriteReport, WrittenFile
from backend_skill.roots import confine


def write_generated(result: GeneratedMiddleware, directory: Path, *, force: bool) -> WriteReport:
    root = directory.expanduser()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{str(root)!r} is not a directory; pass a directory to write into.")
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    targets = [(confine(file.path, root), file.content) for file in result.files]
    existing = [
        str(path.relative_to(root))
        for path, content in targets
        if path.exists() and not _same(path, content)
    ]
    if existing and not force:
        raise UsageError(
            f"Refusing to overwrite {', '.join(existing)} in {root}; pass --force (force=true) to "
            "replace them (the old files are kept as .bak)."
        )
    written = []
    for path, content in targets:
        if path.is_dir():
            raise UsageError(f"{path} is a directory; cannot write a file there.")
        relative = str(path.relative_to(root))
        if path.exists() and _same(path, content):
            written.append(WrittenFile(path=relative, action="unchanged"))
            continue
        backup = None
        if path.exists():
            backup_path = _free_backup_name(path)
            _atomic_write(backup_path, path.read_bytes())
            backup = str(backup_path.relative_to(root))
        _atomic_write(path, content.encode())
        action: Literal["created", "replaced"] = "replaced" if backup else "created"
        written.append(WrittenFile(path=relative, action=action, backup=backup))
    return WriteReport(directory=str(root), files=written)


def _same(path: Path, content: str) -> bool:
    return path.is_file() and path.read_bytes() == content.encode()


def _free_backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.bak.{number}")
    return candidate


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
