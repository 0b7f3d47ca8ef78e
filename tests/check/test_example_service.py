"""The quickstart's example service: every deliberate flaw is reported, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from backend_skill.check import CheckRequest, check_paths

REPO = Path(__file__).resolve().parents[2]
SERVICE = "examples/orders-service"
MARK = re.compile(r"deliberate flaw: (BS\d{3})")


def test_each_deliberate_flaw_is_found_and_nothing_else() -> None:
    marked = set()
    for path in sorted((REPO / SERVICE).rglob("*.py")):
        for rule in MARK.findall(path.read_text(encoding="utf-8")):
            marked.add((rule, path.relative_to(REPO).as_posix()))
    assert len(marked) >= 5
    result = check_paths(CheckRequest(paths=[SERVICE], root=REPO, use_cache=False)).result
    found = {(f.rule_id, f.location.path) for f in result.findings}
    assert found == marked
    assert result.summary.failed
