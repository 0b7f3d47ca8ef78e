"""Rule metadata: ids, names, links into the documents, and the generated docs page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend_skill.check.docs import rules_page
from backend_skill.check.registry import all_rules
from backend_skill.errors import UsageError
from backend_skill.knowledge import resolve
from backend_skill.knowledge.library import docs_root, document_paths

RULES = all_rules()
REPO = Path(__file__).resolve().parents[2]
AREAS = {
    "api-design",
    "authentication-and-authorization",
    "configuration",
    "database",
    "observability",
    "health-checks-and-lifecycle",
    "resilience",
    "rate-limiting-and-caching",
    "message-queues",
    "webhooks",
    "error-handling",
    "testing",
    "security",
}


def test_ids_names_and_text_are_complete() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"BS\d{3}", rule.id)
        assert rule.area in AREAS, f"{rule.id}: area {rule.area!r} is not a SKILL.md section"
        for text in (rule.summary, rule.why, rule.instead, rule.message):
            assert text.strip(), f"{rule.id} has empty text"
        if rule.area == "security" and rule.id != "BS000":
            assert rule.cwe, f"{rule.id}: security rules carry CWE ids"


def _known_documents() -> set[str]:
    return {p.stem for p in document_paths(docs_root())}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_pattern_link_resolves(rule) -> None:  # type: ignore[no-untyped-def]
    document, _, anchor = rule.pattern.partition("#")
    assert document and anchor, f"{rule.id}: pattern must be document#anchor"
    if document not in _known_documents():
        pytest.skip(f"{document}.md is not in this checkout yet (merge main)")
    try:
        resolve(rule.pattern)
    except UsageError as error:
        pytest.fail(f"{rule.id} links {rule.pattern}, which does not resolve: {error}")


def test_docs_page_is_up_to_date() -> None:
    page = REPO / "docs" / "rules.md"
    assert page.read_text(encoding="utf-8") == rules_page(), (
        "docs/rules.md is stale: run `python -m backend_skill.check.docs docs/rules.md`"
    )
