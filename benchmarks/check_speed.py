"""backend-skill check against Bandit and `ruff check --select S` on the same large tree.

The tree is the running Python's standard library (`sysconfig.get_paths()['stdlib']`, without
site-packages). Each tool runs as a child process; wall time, lines/s and the peak memory of
that child (ru_maxrss of RUSAGE_CHILDREN, read in a fresh helper process per run so one tool's
peak does not hide another's) and its CPU seconds (user + system, all its processes; steadier
than wall time on a busy machine) are printed, then the ratios.

The tree is copied to a temporary directory first (site-packages and caches left out), so the
benchmark can also measure the edit-one-file case: after the warm run, one file is changed and
the check runs again, as an on-save hook would. The copy is left a few seconds to age, so the
cold run may trust file stamps as it would on a tree that was not just written.

    python benchmarks/check_speed.py [--tree DIR] [--skip-bandit]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EXCLUDED_DIRS = {"site-packages", "dist-packages", "__pycache__"}

# Runs one command and reports its wall time and the child's peak RSS (KiB on Linux).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"wall": wall, "peak_kib": peak, "cpu": cpu, "code": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-400:]}))
"""


def count_lines(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for directory, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
        for name in names:
            if name.endswith(".py"):
                files += 1
                with (Path(directory) / name).open("rb") as handle:
                    lines += sum(1 for _ in handle)
    return files, lines


def measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return json.loads(out.stdout)


def tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--skip-bandit", action="store_true", help="Bandit takes about 2 min.")
    args = parser.parse_args()
    source = Path(args.tree).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="bs-bench-"))
    tree = scratch / "tree"
    shutil.copytree(source, tree, ignore=shutil.ignore_patterns(*EXCLUDED_DIRS), symlinks=True)
    files, lines = count_lines(tree)
    print(
        f"tree: {source} (copied)\n{files} Python files, {lines} lines (site-packages excluded)\n"
    )
    time.sleep(3)  # past the window in which a just-written file's stamp is not trusted
    edited = tree / "json" / "decoder.py"

    cache = scratch / "cache"
    ours = tool("backend-skill")
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        if ours is None:
            print("backend-skill is not installed in this environment", file=sys.stderr)
            return 2
        base = [ours, "check", str(tree), "--root", str(tree), "--format", "json"]
        base += ["--cache-dir", str(cache)]
        rows.append(("backend-skill (cold)", measure(base)))
        rows.append(("backend-skill (warm)", measure(base)))
        with edited.open("a", encoding="utf-8") as handle:
            handle.write("\nEDITED = True\n")
        rows.append(("backend-skill (1 edited)", measure(base)))
        ruff = tool("ruff")
        if ruff:
            ruff_cmd = [ruff, "check", "--select", "S", "--no-cache", "--exit-zero"]
            ruff_cmd += ["--output-format", "json", str(tree)]
            rows.append(("ruff --select S (cold)", measure(ruff_cmd)))
        bandit = tool("bandit")
        if bandit and not args.skip_bandit:
            bandit_cmd = [bandit, "-r", "-q", "-f", "json", "-x", ",".join(sorted(EXCLUDED_DIRS))]
            rows.append(("bandit -r", measure([*bandit_cmd, str(tree)])))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"{'tool':<26}{'wall s':>9}{'cpu s':>9}{'lines/s':>12}{'peak MiB':>10}  exit")
    for name, row in rows:
        rate = lines / row["wall"] if row["wall"] else 0.0
        print(
            f"{name:<26}{row['wall']:>9.2f}{row['cpu']:>9.2f}{rate:>12,.0f}"
            f"{row['peak_kib'] / 1024:>10.0f}  {row['code']}"
        )
        if row["code"] not in (0, 1):
            print(f"    stderr: {row['stderr'].strip()}")
    times = dict((name, row["wall"]) for name, row in rows)
    cpu = dict((name, row["cpu"]) for name, row in rows)
    print(f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    cold, warm = times["backend-skill (cold)"], times["backend-skill (warm)"]
    print()
    if "bandit -r" in times:
        print(f"bandit / backend-skill cold: {times['bandit -r'] / cold:.1f}x (goal >= 5x)")
        print(f"  in CPU seconds: {cpu['bandit -r'] / cpu['backend-skill (cold)']:.1f}x")
    if "ruff --select S (cold)" in times:
        ruff_cold = times["ruff --select S (cold)"]
        print(f"ruff cold / backend-skill warm: {ruff_cold / warm:.2f}x (goal > 1: warm is faster)")
        print(f"backend-skill cold / ruff cold: {cold / ruff_cold:.1f}x")
    print(f"backend-skill cold / warm: {cold / warm:.1f}x")
    one = times["backend-skill (1 edited)"]
    if "ruff --select S (cold)" in times:
        ruff_cold = times["ruff --select S (cold)"]
        print(f"ruff cold / backend-skill with one file edited: {ruff_cold / one:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
