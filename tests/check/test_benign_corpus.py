"""Correct code in every area: no rule may fire on it (precision is the product)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_skill.check.engine import Dispatch, analyze_python, analyze_text
from backend_skill.check.registry import all_rules

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "check" / "benign"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file())


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_rule_fires_on_correct_code(path: Path) -> None:
    dispatch = Dispatch(all_rules())
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(CORPUS).as_posix()
    if path.suffix == ".py":
        result = analyze_python(relative, text, dispatch)
    else:
        result = analyze_text(relative, text, dispatch)
    found = [f"{f.rule_id} line {f.span.line}: {f.message}" for f in result.findings]
    assert found == [], f"rules fired on correct code in {relative}:\n" + "\n".join(found)
