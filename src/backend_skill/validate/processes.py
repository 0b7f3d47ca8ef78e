"""Run one command in its own process group, capped and timed, and leave nothing behind.

Every command starts a new session (so its pid is its process-group id). However it ends (exit,
timeout, cancellation) the whole group gets SIGTERM, a grace period, then SIGKILL: a test runner's
forked workers or a server a test started cannot outlive the step.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backend_skill.validate.steps import Output

OUTPUT_CAP = 64 * 1024  # bytes kept per stream: the end, where tools put their summary
READ_CHUNK = 8192


@dataclass
class CappedBuffer:
    """Keeps the last `cap` bytes written, and whether anything was dropped."""

    cap: int = OUTPUT_CAP
    data: bytearray = field(default_factory=bytearray)
    dropped: bool = False

    def write(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > self.cap:
            del self.data[: len(self.data) - self.cap]
            self.dropped = True

    def text(self) -> str:
        decoded = self.data.decode("utf-8", errors="replace")
        return ("[... earlier output dropped ...]\n" + decoded) if self.dropped else decoded


async def _drain(stream: asyncio.StreamReader | None, buffer: CappedBuffer) -> None:
    if stream is None:
        return
    while chunk := await stream.read(READ_CHUNK):
        buffer.write(chunk)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (zombies awaiting their reaper do not count)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


async def terminate_group(pgid: int, grace: float) -> None:
    """SIGTERM the group, give it `grace` seconds to exit, then SIGKILL what is left."""
    if not group_alive(pgid):
        return
    _signal_group(pgid, signal.SIGTERM)
    if await _wait_gone(pgid, grace):
        return
    _signal_group(pgid, signal.SIGKILL)
    await _wait_gone(pgid, 2.0)


async def _wait_gone(pgid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not group_alive(pgid):
            return True
        await asyncio.sleep(0.05)
    return not group_alive(pgid)


@dataclass(frozen=True)
class Finished:
    output: Output
    timed_out: bool


class Running:
    """A started process group; `stop()` is safe to call any number of times."""

    def __init__(self, process: asyncio.subprocess.Process, grace: float) -> None:
        self.process = process
        self.pgid = process.pid
        self.grace = grace
        self.stdout = CappedBuffer()
        self.stderr = CappedBuffer()
        self._readers = [
            asyncio.create_task(_drain(process.stdout, self.stdout)),
            asyncio.create_task(_drain(process.stderr, self.stderr)),
        ]

    async def stop(self) -> None:
        try:
            await terminate_group(self.pgid, self.grace)
        finally:
            # Even if stopping was itself cancelled, nothing of the group may survive.
            if group_alive(self.pgid):
                _signal_group(self.pgid, signal.SIGKILL)
        # With every writer gone the pipes reach EOF; a process that left the group and kept a
        # pipe open must not hold the loop, so the readers get a short deadline.
        _, pending = await asyncio.wait(self._readers, timeout=2.0)
        for reader in pending:
            reader.cancel()
        with contextlib.suppress(ProcessLookupError, TimeoutError):
            await asyncio.wait_for(self.process.wait(), 2.0)

    def output(self) -> Output:
        code = self.process.returncode
        return Output(
            exit_code=code if code is not None else -1,
            stdout=self.stdout.text(),
            stderr=self.stderr.text(),
        )


async def start(argv: Sequence[str], cwd: Path, env: Mapping[str, str], grace: float) -> Running:
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    return Running(process, grace)


async def run(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float, grace: float
) -> Finished:
    """Run to completion or until `timeout`; either way the group is gone when this returns."""
    running = await start(argv, cwd, env, grace)
    timed_out = False
    try:
        await asyncio.wait_for(running.process.wait(), timeout)
    except TimeoutError:
        timed_out = True
    finally:
        # Also on cancellation: shielding keeps the clean-up running to its end.
        await asyncio.shield(running.stop())
    return Finished(running.output(), timed_out)
