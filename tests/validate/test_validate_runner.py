"""The runner on real processes: timeouts, cancellation, concurrency, output caps, ordering."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

from backend_skill.validate import parsers
from backend_skill.validate.models import StepKind, StepStatus
from backend_skill.validate.processes import CappedBuffer
from backend_skill.validate.runner import ProgressEvent, RunSettings, run_steps
from backend_skill.validate.steps import PATTERNS, Step
from tests.validate.support import alive, group_members

# Writes its pid, its process group and a child's pid to a file, then waits forever (the child
# too, in the same group): the shape of a test run that hangs with a server it started.
HANG = """
import json, os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(sys.argv[1], "w") as handle:
    json.dump({"pid": os.getpid(), "pgid": os.getpgid(0), "child": child.pid}, handle)
time.sleep(600)
"""


def step(name: str, code: str, root: Path, **options: object) -> Step:
    return Step(
        name=name,
        kind=StepKind.CUSTOM,
        description=name,
        pattern=PATTERNS[StepKind.CUSTOM],
        cwd=root,
        parser=parsers.generic,
        argv=[sys.executable, "-c", code, *options.pop("args", [])],  # type: ignore[list-item]
        **options,  # type: ignore[arg-type]
    )


def settings(root: Path, **options: float) -> RunSettings:
    values = {"step_timeout": 30.0, "total_timeout": 60.0, "grace": 1.0, **options}
    return RunSettings(
        root=root,
        step_timeout=values["step_timeout"],
        total_timeout=values["total_timeout"],
        concurrency=int(values.get("concurrency", 2)),
        grace=values["grace"],
    )


async def wait_for_file(path: Path) -> dict[str, int]:
    for _ in range(200):
        if path.is_file() and path.read_text():
            return json.loads(path.read_text())
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} was never written")


def assert_all_gone(record: dict[str, int]) -> None:
    assert not alive(record["pid"])
    assert not alive(record["child"])
    assert group_members(record["pgid"]) == []


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids.json"
    hanging = step("hang", HANG, tmp_path, args=[str(pids)], timeout=1.5)
    started = time.monotonic()
    [result] = asyncio.run(run_steps([hanging], settings(tmp_path)))
    elapsed = time.monotonic() - started

    assert result.status is StepStatus.TIMED_OUT
    assert "timed out after 1.5 s" in result.summary.text
    assert elapsed < 1.5 + 1.0 + 3.0  # timeout + grace + slack
    record = json.loads(pids.read_text())
    assert record["pgid"] == record["pid"]  # the step leads its own group
    assert_all_gone(record)


def test_a_child_left_behind_by_a_finished_step_is_stopped(tmp_path: Path) -> None:
    pids = tmp_path / "pids.json"
    code = (
        "import json, os, subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "json.dump({'pid': os.getpid(), 'pgid': os.getpgid(0), 'child': child.pid},"
        " open(sys.argv[1], 'w'))\n"
    )
    [result] = asyncio.run(
        run_steps([step("leaky", code, tmp_path, args=[str(pids)])], settings(tmp_path))
    )
    assert result.status is StepStatus.PASSED
    assert_all_gone(json.loads(pids.read_text()))


def test_cancelling_the_loop_kills_running_steps(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    steps = [
        step("hang-a", HANG, tmp_path, args=[str(first)]),
        step("hang-b", HANG, tmp_path, args=[str(second)]),
    ]

    async def scenario() -> list[dict[str, int]]:
        loop_task = asyncio.create_task(run_steps(steps, settings(tmp_path)))
        records = [await wait_for_file(first), await wait_for_file(second)]
        loop_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop_task
        return records

    for record in asyncio.run(scenario()):
        assert_all_gone(record)


def test_concurrency_is_bounded_and_independent_steps_overlap(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "start = time.time(); time.sleep(0.6)\n"
        "open(sys.argv[1], 'w').write(f'{start} {time.time()}')\n"
    )
    steps = [step(f"s{i}", code, tmp_path, args=[str(tmp_path / f"s{i}")]) for i in range(4)]
    events: list[ProgressEvent] = []

    async def record(event: ProgressEvent) -> None:
        events.append(event)

    results = asyncio.run(run_steps(steps, settings(tmp_path, concurrency=2), record))

    assert all(result.status is StepStatus.PASSED for result in results)
    # As the runner saw it: two steps at once, never more.
    running = peak = 0
    for event in events:
        running += 1 if event.kind == "started" else -1
        peak = max(peak, running)
    assert peak == 2
    # As the processes saw it: never more than two alive at once.
    spans = [tuple(map(float, (tmp_path / f"s{i}").read_text().split())) for i in range(4)]
    edges = sorted([(end, -1) for _, end in spans] + [(begin, 1) for begin, _ in spans])
    alive_now = most = 0
    for _, delta in edges:
        alive_now += delta
        most = max(most, alive_now)
    assert most <= 2


def test_dependent_step_waits_and_is_gated(tmp_path: Path) -> None:
    marker = tmp_path / "first-done"
    first = step("first", f"import time; time.sleep(0.3); open({str(marker)!r}, 'w')", tmp_path)
    second = step(
        "second",
        f"import os, sys; sys.exit(0 if os.path.exists({str(marker)!r}) else 1)",
        tmp_path,
        needs=("first",),
    )
    failing = step("failing", "import sys; sys.exit(1)", tmp_path)
    gated = step(
        "gated",
        "print('must not run')",
        tmp_path,
        needs=("failing",),
        gate=lambda results: (
            "failing did not pass" if results["failing"].status is not StepStatus.PASSED else None
        ),
    )
    results = asyncio.run(run_steps([second, first, gated, failing], settings(tmp_path)))
    status = {result.name: result.status for result in results}
    assert status == {
        "second": StepStatus.PASSED,
        "first": StepStatus.PASSED,
        "gated": StepStatus.SKIPPED,
        "failing": StepStatus.FAILED,
    }
    assert results[2].skip_reason == "failing did not pass"


def test_overall_timeout_stops_running_and_skips_waiting_steps(tmp_path: Path) -> None:
    sleeper = "import time; time.sleep(30)"
    steps = [step("a", sleeper, tmp_path), step("b", sleeper, tmp_path, needs=("a",))]
    started = time.monotonic()
    results = asyncio.run(run_steps(steps, settings(tmp_path, total_timeout=1.0)))
    assert time.monotonic() - started < 6
    assert results[0].status is StepStatus.TIMED_OUT
    assert results[1].status is StepStatus.SKIPPED
    assert "overall timeout" in (results[1].skip_reason or "")


def test_output_is_capped_to_its_end(tmp_path: Path) -> None:
    code = "import sys\nfor i in range(200000): print(f'line {i}')\nprint('THE END')"
    [result] = asyncio.run(run_steps([step("loud", code, tmp_path)], settings(tmp_path)))
    assert result.status is StepStatus.PASSED
    assert result.output_tail.rstrip().endswith("THE END")
    # A passing step keeps a short tail; a failing one a longer one.
    assert len(result.output_tail) <= 600
    failing = code + "\nsys.exit(1)"
    [failed] = asyncio.run(run_steps([step("loud-fail", failing, tmp_path)], settings(tmp_path)))
    assert failed.status is StepStatus.FAILED
    assert 600 < len(failed.output_tail) <= 4000
    assert failed.output_tail.rstrip().endswith("THE END")

    buffer = CappedBuffer(cap=10)
    buffer.write(b"0123456789")
    buffer.write(b"abc")
    assert bytes(buffer.data) == b"3456789abc"
    assert buffer.text().startswith("[... earlier output dropped ...]")


def test_a_command_that_cannot_start_is_an_error(tmp_path: Path) -> None:
    broken = Step(
        name="broken",
        kind=StepKind.CUSTOM,
        description="broken",
        pattern=PATTERNS[StepKind.CUSTOM],
        cwd=tmp_path,
        parser=parsers.generic,
        argv=[str(tmp_path / "no-such-program")],
    )
    [result] = asyncio.run(run_steps([broken], settings(tmp_path)))
    assert result.status is StepStatus.ERROR
    assert "could not start" in result.summary.text
