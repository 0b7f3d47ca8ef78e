"""How the CLI shows the loop while it runs: a live table in a terminal, plain lines in a pipe.

Progress goes to stderr so `--format json` on stdout stays machine-readable.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table

from backend_skill.validate.models import StepStatus
from backend_skill.validate.runner import ProgressEvent

STYLES = {
    StepStatus.PASSED: "green",
    StepStatus.FAILED: "red",
    StepStatus.ERROR: "red",
    StepStatus.TIMED_OUT: "red",
    StepStatus.SKIPPED: "dim",
}


class PlainProgress:
    """One line per event; what CI logs and pipes get."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr

    async def __call__(self, event: ProgressEvent) -> None:
        if event.result is None:
            line = f"[{event.done}/{event.total}] {event.step}: started"
        else:
            result = event.result
            line = (
                f"[{event.done}/{event.total}] {event.step}: {result.status.value} "
                f"({result.duration_seconds:.1f}s) {result.summary.text}"
            )
        print(line, file=self.stream, flush=True)

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


class LiveProgress:
    """A table of steps redrawn in place as they start and end."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str, str]] = {}
        self.started: dict[str, float] = {}
        self.total = 0
        self.done = 0
        self.live = Live(
            self._table(), console=Console(stderr=True), refresh_per_second=8, transient=False
        )

    def _table(self) -> Table:
        table = Table(title=f"validation loop  {self.done}/{self.total}", title_justify="left")
        table.add_column("step")
        table.add_column("status")
        table.add_column("time", justify="right")
        table.add_column("summary", overflow="fold")
        for name, (status, elapsed, summary) in self.rows.items():
            table.add_row(name, status, elapsed, summary)
        return table

    async def __call__(self, event: ProgressEvent) -> None:
        self.total, self.done = event.total, event.done
        if event.result is None:
            self.started[event.step] = time.monotonic()
            self.rows[event.step] = ("[yellow]running[/]", "", "")
        else:
            result = event.result
            style = STYLES[result.status]
            self.rows[event.step] = (
                f"[{style}]{result.status.value}[/]",
                f"{result.duration_seconds:.1f}s",
                result.summary.text,
            )
        self.live.update(self._table(), refresh=True)

    def __enter__(self) -> LiveProgress:
        self.live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.live.stop()


def progress_display() -> LiveProgress | PlainProgress:
    return LiveProgress() if sys.stderr.isatty() else PlainProgress()
