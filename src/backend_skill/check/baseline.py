"""Baseline files: adopt the check on a legacy codebase and see only new findings.

A finding is matched by rule, path and a fingerprint of its line's content (whitespace-
normalised), never by line number, so edits above it do not bring it back. Matching counts
occurrences, so a second identical finding in the same file is still new.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from backend_skill.errors import UsageError

VERSION = 1


def fingerprint(rule_id: str, path: str, line_text: str) -> str:
    normalised = " ".join(line_text.split())
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{normalised}".encode())
    return digest.hexdigest()[:20]


Key = tuple[str, str, str]  # rule, path, fingerprint


def load(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return Counter((e["rule"], e["path"], e["fingerprint"]) for e in entries)
    except FileNotFoundError:
        raise UsageError(
            f"Baseline {path} does not exist; create it with --write-baseline."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"Baseline {path} is not a backend-skill baseline ({error}); "
            "recreate it with --write-baseline."
        ) from None


def write(path: Path, keys: list[Key]) -> None:
    """Atomically (temp file in the same directory, then rename)."""
    entries = [{"rule": r, "path": p, "fingerprint": f} for r, p, f in sorted(keys)]
    text = json.dumps({"version": VERSION, "findings": entries}, indent=1) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".baseline-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
