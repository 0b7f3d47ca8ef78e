"""Helpers for the validate tests: is a process still running, who is left in a group."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return members


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


requires_node = pytest.mark.skipif(not node_available(), reason="node and npm are not installed")
