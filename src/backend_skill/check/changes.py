"""Which lines changed since a git ref: what `check_changes` and `--changed-since` report on.

The new side of `git diff -U0` gives changed line numbers; untracked files count as wholly
changed. In a repository without commits yet, HEAD names nothing, so every file git would
commit (staged or untracked, not ignored) is new.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from backend_skill.errors import UsageError

GIT_TIMEOUT = 30
MAX_GIT_OUTPUT = 50_000_000

ChangedLines = dict[str, set[int] | None]  # path -> changed lines (None: the whole file)

_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def changed_lines(root: Path, base_ref: str) -> ChangedLines:
    """Path (relative to root) -> changed line numbers (new side) since base_ref."""
    if not base_ref or base_ref.startswith("-") or any(c.isspace() for c in base_ref):
        raise UsageError(f"{base_ref!r} is not a git ref; pass e.g. HEAD, main or a commit id.")
    git(root, ["rev-parse", "--show-toplevel"])  # a clear error outside a repository
    if not _is_commit(root, base_ref):
        if base_ref == "HEAD" and not _is_commit(root, "HEAD"):
            return _everything(root)
        raise UsageError(f"{base_ref!r} is not a commit in this repository.")
    diff = git(
        root, ["diff", "-U0", "--no-color", "--no-ext-diff", "--relative", base_ref, "--", "."]
    )
    changed: ChangedLines = {}
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = diff_path(line[4:])
            current = None if name is None else name.removeprefix("b/")
            if current is not None:
                changed.setdefault(current, set())
        elif line.startswith("@@") and current is not None:
            new = line.split("+", 1)[1].split(" ", 1)[0]
            start, _, count = new.partition(",")
            first, number = int(start), int(count) if count else 1
            lines = changed[current]
            if lines is not None:
                lines.update(range(first, first + number))
    for name in _untracked(root):
        changed[name] = None
    return {p: v for p, v in changed.items() if v is None or v}


def diff_path(field: str) -> str | None:
    """The path in a `+++ ` header: None for /dev/null; git C-quotes names with unusual
    characters (`"b/caf\\303\\251 app.py"`) and ends names holding a space with a tab."""
    field = field.removesuffix("\t")
    if field == "/dev/null":
        return None
    if not (field.startswith('"') and field.endswith('"') and len(field) >= 2):
        return field
    raw = bytearray()
    body = field[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            raw.extend(char.encode("utf-8"))
            index += 1
            continue
        following = body[index + 1]
        if following in "01234567":
            raw.append(int(body[index + 1 : index + 4], 8) & 0xFF)
            index += 4
        else:
            raw.append(_ESCAPES.get(following, ord(following)))
            index += 2
    return raw.decode("utf-8", "surrogateescape")


def _is_commit(root: Path, ref: str) -> bool:
    try:
        git(root, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
    except UsageError:
        return False
    return True


def _untracked(root: Path) -> list[str]:
    listing = git(root, ["ls-files", "--others", "--exclude-standard", "-z", "--", "."])
    return [name for name in listing.split("\0") if name]


def _everything(root: Path) -> ChangedLines:
    staged = git(root, ["ls-files", "--cached", "-z", "--", "."])
    names = {name for name in staged.split("\0") if name} | set(_untracked(root))
    return dict.fromkeys(sorted(names))


def git(root: Path, args: list[str]) -> str:
    """Runs git in root (no shell, a timeout, the whole group killed on timeout); output is
    relative to root, since git runs there."""
    try:
        process = subprocess.Popen(
            ["git", "-C", str(root), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; checking changes needs git.") from None
    try:
        out, err = process.communicate(timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise UsageError(f"git {args[0]} took longer than {GIT_TIMEOUT} s; try again.") from None
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[:300]
        raise UsageError(f"{root} is not usable as a git repository ({detail}).")
    return out[:MAX_GIT_OUTPUT].decode("utf-8", "surrogateescape")
