"""Run the planned steps: independent ones at once (bounded by CPU count), dependent ones in order.

Each step has its own timeout and the loop an overall deadline; a step still waiting when the
deadline passes is skipped, one still running is stopped and reported timed_out. Cancelling the
loop (the MCP client cancelled, Ctrl-C) stops every running step's process group before it ends.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from backend_skill.validate import processes
from backend_skill.validate.models import StepResult, StepStatus, StepSummary
from backend_skill.validate.parsers import last_line
from backend_skill.validate.steps import Output, Serve, Step

TAIL_CHARS = 4000
# A passing step's output rarely matters; keep less of it so the agent's context stays small.
PASSED_TAIL_CHARS = 600
DEFAULT_GRACE = 3.0


@dataclass(frozen=True)
class ProgressEvent:
    kind: Literal["started", "finished"]
    step: str
    done: int
    total: int
    result: StepResult | None = None


OnEvent = Callable[[ProgressEvent], Awaitable[None]]


@dataclass(frozen=True)
class RunSettings:
    root: Path
    step_timeout: float
    total_timeout: float
    concurrency: int = max(1, os.cpu_count() or 1)
    grace: float = DEFAULT_GRACE


def step_environment(root: Path) -> dict[str, str]:
    """Our environment, with the project's virtualenv first on PATH (scripts call `python`)."""
    env = dict(os.environ)
    extra = [
        str(root / name / "bin") for name in (".venv", "venv") if (root / name / "bin").is_dir()
    ]
    if extra:
        env["PATH"] = os.pathsep.join([*extra, env.get("PATH", "")])
    env.setdefault("NO_COLOR", "1")
    return env


async def run_steps(
    steps: Sequence[Step], settings: RunSettings, on_event: OnEvent | None = None
) -> list[StepResult]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.total_timeout
    slots = asyncio.Semaphore(settings.concurrency)
    finished = {step.name: asyncio.Event() for step in steps}
    results: dict[str, StepResult] = {}
    env = step_environment(settings.root)
    done = 0

    started: set[str] = set()

    async def emit(kind: Literal["started", "finished"], step: Step) -> None:
        if kind == "started":
            started.add(step.name)
        elif step.name not in started:
            # A step skipped without running still starts and ends, so the events pair up.
            await emit("started", step)
        if on_event is not None:
            result = results.get(step.name) if kind == "finished" else None
            await on_event(ProgressEvent(kind, step.name, done, len(steps), result))

    async def one(step: Step) -> None:
        nonlocal done
        try:
            for need in step.needs:
                if need in finished:
                    await finished[need].wait()
            results[step.name] = await _execute(
                step,
                settings,
                env=env,
                deadline=deadline,
                slots=slots,
                emit=emit,
                results=results,
            )
        finally:
            finished[step.name].set()
        done += 1
        await emit("finished", step)

    tasks = [asyncio.create_task(one(step), name=f"step:{step.name}") for step in steps]
    try:
        await asyncio.gather(*tasks)
    finally:
        # On cancellation gather cancels the steps; wait until each has stopped its processes.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return [results[step.name] for step in steps]


async def _execute(
    step: Step,
    settings: RunSettings,
    *,
    env: Mapping[str, str],
    deadline: float,
    slots: asyncio.Semaphore,
    emit: Callable[[Literal["started", "finished"], Step], Awaitable[None]],
    results: Mapping[str, StepResult],
) -> StepResult:
    if step.skip_reason:
        return _skipped(step, settings.root, step.skip_reason, step.install_hint)
    if step.gate is not None:
        reason = step.gate(results)
        if reason:
            return _skipped(step, settings.root, reason, None)
    async with slots:
        loop = asyncio.get_running_loop()
        remaining = deadline - loop.time()
        if remaining <= 0:
            return _skipped(
                step,
                settings.root,
                f"the loop's overall timeout ({settings.total_timeout:g} s) ran out before "
                "this step could start",
                None,
            )
        if step.preflight is not None:
            blocked = await step.preflight()
            if blocked:
                return _skipped(step, settings.root, blocked[0], blocked[1])
        timeout = min(step.timeout or settings.step_timeout, remaining)
        env = {**env, **step.env}
        await emit("started", step)
        started = time.monotonic()
        try:
            if step.serve is not None:
                finished, output_note = await _run_with_server(
                    step, step.serve, settings, env, timeout
                )
            else:
                finished = await processes.run(step.argv, step.cwd, env, timeout, settings.grace)
                output_note = None
        except OSError as error:
            return _result(
                step,
                settings.root,
                StepStatus.ERROR,
                StepSummary(text=f"could not start {step.argv[0]}: {error.strerror or error}"),
                time.monotonic() - started,
            )
        duration = time.monotonic() - started
    if finished is None:
        output_note = output_note or ("the step did not run", "")
        return _result(
            step,
            settings.root,
            StepStatus.ERROR,
            StepSummary(text=output_note[0]),
            duration,
            tail=output_note[1],
        )
    output = finished.output
    if finished.timed_out:
        summary = StepSummary(
            text=f"timed out after {timeout:g} s; the step's processes were stopped"
        )
        return _result(step, settings.root, StepStatus.TIMED_OUT, summary, duration, output=output)
    outcome = step.parser(output)
    return _result(
        step,
        settings.root,
        outcome.status,
        outcome.summary,
        duration,
        output=output,
        skip_reason=outcome.skip_reason,
    )


async def _run_with_server(
    step: Step, serve: Serve, settings: RunSettings, env: Mapping[str, str], timeout: float
) -> tuple[processes.Finished | None, tuple[str, str] | None]:
    """Start the app, wait until its port accepts connections, run the step, stop the app."""
    server = await processes.start(serve.argv, settings.root, env, settings.grace)
    try:
        ready = await _wait_ready(server, serve)
        if not ready:
            await server.stop()
            output = server.output()
            return None, (
                f"the app did not accept connections at {serve.base_url} within "
                f"{serve.ready_timeout:g} s (serve: {' '.join(serve.argv)})",
                _tail(output),
            )
        return await processes.run(step.argv, step.cwd, env, timeout, settings.grace), None
    finally:
        await asyncio.shield(server.stop())


async def _wait_ready(server: processes.Running, serve: Serve) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(serve.base_url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    end = time.monotonic() + serve.ready_timeout
    while time.monotonic() < end:
        if server.process.returncode is not None:
            return False
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.0)
        except (OSError, TimeoutError):
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return True
    return False


def _tail(output: Output, limit: int = TAIL_CHARS) -> str:
    text = output.combined
    return text[-limit:] if len(text) > limit else text


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _skipped(step: Step, root: Path, reason: str, hint: str | None) -> StepResult:
    return StepResult(
        name=step.name,
        kind=step.kind,
        description=step.description,
        status=StepStatus.SKIPPED,
        required=step.required,
        duration_seconds=0.0,
        command=list(step.argv),
        cwd=_relative(root, step.cwd),
        summary=StepSummary(text=f"skipped: {reason}"),
        skip_reason=reason,
        install_hint=hint,
        pattern=step.pattern,
    )


def _result(
    step: Step,
    root: Path,
    status: StepStatus,
    summary: StepSummary,
    duration: float,
    *,
    output: Output | None = None,
    tail: str = "",
    skip_reason: str | None = None,
) -> StepResult:
    if status is StepStatus.SKIPPED and not summary.text.startswith("skipped"):
        summary = summary.model_copy(update={"text": f"skipped: {skip_reason or summary.text}"})
    if output is not None and not summary.text:
        summary = summary.model_copy(update={"text": last_line(output.combined)})
    return StepResult(
        name=step.name,
        kind=step.kind,
        description=step.description,
        status=status,
        required=step.required,
        duration_seconds=round(duration, 3),
        command=list(step.argv),
        cwd=_relative(root, step.cwd),
        exit_code=output.exit_code if output is not None else None,
        summary=summary,
        output_tail=_tail(output, PASSED_TAIL_CHARS if status is StepStatus.PASSED else TAIL_CHARS)
        if output is not None
        else tail,
        skip_reason=skip_reason,
        pattern=step.pattern,
    )
