"""Helpers for the clients tests: fixture files and byte comparisons."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "clients"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root with its bytes (None for folders)."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes() if path.is_file() else None)
        for path in sorted(root.rglob("*"))
    }


def only_insertion(before: bytes, after: bytes) -> bytes:
    """The one contiguous chunk `after` adds to `before`; fails if anything else changed."""
    prefix = 0
    while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(before), len(after)) - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    assert prefix + suffix == len(before), "bytes outside the inserted entry changed"
    return after[prefix : len(after) - suffix]
