"""A content-hash cache: an unchanged file is never analysed twice.

Results are keyed by a hash of the file's path and bytes; the cache file itself is named by a
hash of the engine and rule sources, so editing or upgrading a rule invalidates everything.
Analysis always runs every rule (selection is applied afterwards), so one cache serves any
--select/--ignore. The cache is one JSON file: loading it is a single read.

In front of the hash sits a stat index, as git's index does: a file whose modification time,
change time, size and inode are those recorded when it was last hashed is taken to hold the same
bytes, so a warm run does not even read it. A file modified within `RACY_SECONDS` of being
hashed is not recorded, since a second write in the same timestamp tick could keep all four.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from backend_skill import __version__
from backend_skill.check.engine import FileResult

RACY_SECONDS = 2.0
# Results no file points at any more (old versions of edited files, deleted files) are kept
# up to this many, then dropped, so the file a warm run loads stays the size of the project.
PRUNE_SLACK = 2_000

Stamp = tuple[int, int, int, int]  # mtime_ns, ctime_ns, size, inode


@cache
def signature() -> str:
    """Changes whenever the package version or any source file of the check changes."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=10)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_key(rel_path: str, data: bytes) -> str:
    digest = hashlib.blake2b(rel_path.encode(), digest_size=16)
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.entries: dict[str, Any] = {}
        self.stamps: dict[str, list[Any]] = {}  # absolute path -> [*stamp, content key]
        self.added = 0
        self.used: set[str] = set()  # content keys this run read or wrote
        self.seen: set[str] = set()  # paths this run stat-ed
        if directory is not None:
            self.path = directory / f"results-{signature()}.json"
            try:
                stored = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = dict(stored["results"])
                self.stamps = dict(stored["stamps"])
            except (OSError, ValueError, KeyError, TypeError):
                self.entries, self.stamps = {}, {}

    def key_for(self, path: str, stamp: Stamp) -> str | None:
        """The content key recorded for this exact stat, if any."""
        self.seen.add(path)
        known = self.stamps.get(path)
        if known is None or len(known) != 5 or tuple(known[:4]) != stamp:
            return None
        key = known[4]
        return key if isinstance(key, str) else None

    def remember(self, path: str, stamp: Stamp, key: str, now_ns: int) -> None:
        if self.directory is None:
            return
        racy = RACY_SECONDS * 1_000_000_000
        if now_ns - stamp[0] < racy or now_ns - stamp[1] < racy:
            if self.stamps.pop(path, None) is not None:
                self.added += 1
            return
        if self.stamps.get(path) != [*stamp, key]:
            self.stamps[path] = [*stamp, key]
            self.added += 1

    def get(self, key: str) -> FileResult | None:
        data = self.entries.get(key)
        if data is None:
            return None
        try:
            result = FileResult.from_json(data)
        except (KeyError, TypeError, ValueError):
            return None
        self.used.add(key)
        return result

    def put(self, key: str, result: FileResult) -> None:
        if self.directory is not None:
            self.entries[key] = result.to_json()
            self.used.add(key)
            self.added += 1

    def save(self) -> None:
        """Best effort: a read-only tree or a full disk costs speed, never the result."""
        if self.directory is None or not self.added:
            return
        stamps = self.stamps
        if len(stamps) > len(self.seen) + PRUNE_SLACK:
            stamps = {p: v for p, v in stamps.items() if p in self.seen or Path(p).exists()}
        live = self.used | {v[-1] for v in stamps.values()}
        entries = self.entries
        if len(entries) > len(live) + PRUNE_SLACK:
            entries = {k: v for k, v in entries.items() if k in live}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by backend-skill\n*\n", encoding="utf-8")
            for stale in self.directory.glob("results-*.json"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
            handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".results-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"results": entries, "stamps": stamps}, out, separators=(",", ":"))
            Path(temp).replace(self.path)
        except OSError:
            return


def default_cache_dir(root: Path) -> Path:
    """`.backend-skill-cache/` under the project root (it ignores itself for git)."""
    override = os.environ.get("BACKEND_SKILL_CACHE_DIR")
    return Path(override) if override else root / ".backend-skill-cache"
