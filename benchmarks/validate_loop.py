"""The validation loop's wall time against its steps run one after another, on the passing fixture.

    .venv/bin/python benchmarks/validate_loop.py [--rounds 3]

The fixture project gets a virtualenv with its tools (pytest, pytest-cov, ruff, mypy, bandit),
shared with the tests under .backend-skill-cache/ (same key). After one warm-up run (tool caches
filled),
each round runs the loop twice: concurrently (bounded by the CPU count, as shipped) and with one
step at a time. Printed: both wall times, the sum of the step durations, and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backend_skill.validate import StepStatus, ValidationResult, run_validation_loop

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "validate" / "passing"
REQUIREMENTS = ["pytest", "pytest-cov", "ruff", "mypy", "bandit"]


def tools_venv() -> Path:
    """The same cached venv the tests use (same key), built when missing."""
    key = hashlib.sha256(" ".join([sys.version, *REQUIREMENTS]).encode()).hexdigest()[:12]
    cache = REPO / ".backend-skill-cache"
    cache.mkdir(exist_ok=True)
    target = cache / f"validate-venv-{key}"
    with (cache / f"validate-venv-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "bin" / "bandit").is_file():
            shutil.rmtree(target, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
            pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, *REQUIREMENTS], check=True)
    return target


def run(project: Path, concurrency: int) -> tuple[float, ValidationResult]:
    started = time.perf_counter()
    result = asyncio.run(run_validation_loop(project, concurrency=concurrency))
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpus = os.cpu_count() or 1
    venv = tools_venv()
    with tempfile.TemporaryDirectory() as work:
        project = Path(work) / "passing"
        shutil.copytree(FIXTURE, project)
        (project / ".venv").symlink_to(venv, target_is_directory=True)
        os.environ.pop("VIRTUAL_ENV", None)
        _, warm = run(project, cpus)
        ran = [s.name for s in warm.steps if s.status is not StepStatus.SKIPPED]
        print(f"passing fixture, {cpus} CPUs, steps run: {', '.join(ran)}")
        concurrent, sequential, step_sums = [], [], []
        for round_number in range(1, args.rounds + 1):
            wall, result = run(project, cpus)
            assert result.verdict == "passed", result.model_dump_json(indent=2)
            one_by_one, _ = run(project, 1)
            concurrent.append(wall)
            sequential.append(one_by_one)
            step_sums.append(sum(step.duration_seconds for step in result.steps))
            print(
                f"  round {round_number}: loop {wall:.2f} s, one after another "
                f"{one_by_one:.2f} s, sum of step durations {step_sums[-1]:.2f} s"
            )
    loop = statistics.median(concurrent)
    serial = statistics.median(sequential)
    summed = statistics.median(step_sums)
    print(f"median loop wall time (concurrency {cpus}):   {loop:.2f} s")
    print(f"median one-after-another wall time:        {serial:.2f} s")
    print(f"median sum of the loop's step durations:   {summed:.2f} s")
    print(f"ratio loop / one-after-another:            {loop / serial:.2f}")
    print(f"ratio loop / sum of step durations:        {loop / summed:.2f}")


if __name__ == "__main__":
    main()
