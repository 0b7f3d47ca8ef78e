"""No rule may fire on the benign corpus: realistic, correct code in every area."""

from __future__ import annotations

from pathlib import Path

from backend_skill.check import CheckRequest, check_paths

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "check" / "benign"


def test_no_rule_fires_on_correct_code() -> None:
    result = check_paths(CheckRequest(paths=["."], root=CORPUS, use_cache=False)).result
    assert result.summary.files_checked >= 10
    assert result.notices == []
    assert [
        f"{f.rule_id} {f.location.path}:{f.location.line} {f.source_line.strip()}"
        for f in result.findings
    ] == []
