"""The newer-grammar path (libcst -> ast) against `ast.parse` on a large tree: how often the two
trees differ, and what the path costs.

For every file this interpreter's `ast` parses, libcst's tree is translated and both are dumped
with positions; a file counts as identical when the dumps are equal. Timing (one process, so the
figures compare): `ast.parse`, `libcst.parse_module`, and parse + translation; the ratio says
what a file written for a newer Python costs the check compared to one it parses natively.

    python benchmarks/newer_grammar.py [--tree DIR] [--show N]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import sys
import sysconfig
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import libcst

from backend_skill.check.newer_grammar.translate import translate

EXCLUDED_DIRS = {"site-packages", "dist-packages", "__pycache__", "node_modules"}


def compare(path: str) -> tuple[str, str, int, float, float, float, str]:
    """(path, outcome, lines, ast s, libcst s, libcst+translate s, first difference)."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (path, "unreadable", 0, 0.0, 0.0, 0.0, "")
    lines = source.count("\n") + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            reference = ast.parse(source)
            ast_time = time.perf_counter() - start
    except (SyntaxError, ValueError):
        return (path, "ast refuses", lines, 0.0, 0.0, 0.0, "")
    start = time.perf_counter()
    try:
        libcst.parse_module(source)
    except Exception:
        return (path, "libcst refuses", lines, ast_time, 0.0, 0.0, "")
    parsed = time.perf_counter()
    start_translation = time.perf_counter()
    try:
        tree = translate(source).tree  # parses again: the path the check takes
    except RecursionError:
        return (path, "too deep", lines, ast_time, parsed - start, 0.0, "")
    translation = time.perf_counter() - start_translation
    ours = ast.dump(tree, include_attributes=True, indent=1).splitlines()
    theirs = ast.dump(reference, include_attributes=True, indent=1).splitlines()
    if ours == theirs:
        return (path, "identical", lines, ast_time, parsed - start, translation, "")
    diff = difflib.unified_diff(theirs, ours, "ast", "translated", lineterm="")
    first = "\n".join(list(diff)[:30])
    return (path, "different", lines, ast_time, parsed - start, translation, first)


def python_files(tree: Path) -> list[str]:
    found = []
    for directory, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
        found += [str(Path(directory) / n) for n in names if n.endswith(".py")]
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--show", type=int, default=3, help="differences to print in full")
    args = parser.parse_args()
    files = python_files(Path(args.tree))
    counts: dict[str, int] = {}
    lines = 0
    times = [0.0, 0.0, 0.0]
    shown = 0
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        for path, outcome, n, ast_s, cst_s, ours_s, diff in pool.map(compare, files, chunksize=8):
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome in ("identical", "different"):
                lines += n
                times = [times[0] + ast_s, times[1] + cst_s, times[2] + ours_s]
            if outcome != "identical" and outcome != "ast refuses":
                print(f"{outcome}: {path}")
                if diff and shown < args.show:
                    print(diff)
                    shown += 1
    print(f"\ntree: {args.tree}: {len(files)} Python files ({time.perf_counter() - started:.0f} s)")
    for outcome, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {outcome:<16}{count:>7}")
    compared = counts.get("identical", 0) + counts.get("different", 0)
    if compared:
        share = counts.get("identical", 0) / compared
        print(f"identical: {share:.2%} of the {compared} files both parsers read")
    if times[0]:
        print(f"\nover the {lines:,} lines of files both parsers read (CPU seconds, summed):")
        print(f"  ast.parse               {times[0]:8.1f} s {lines / times[0]:>12,.0f} lines/s")
        print(f"  libcst.parse_module     {times[1]:8.1f} s {lines / times[1]:>12,.0f} lines/s")
        print(f"  libcst + translation    {times[2]:8.1f} s {lines / times[2]:>12,.0f} lines/s")
        print(f"  translation path / ast.parse: {times[2] / times[0]:.1f}x the time")
    return 1 if counts.get("different") else 0


if __name__ == "__main__":
    sys.exit(main())
