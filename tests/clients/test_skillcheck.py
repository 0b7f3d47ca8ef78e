"""SKILL.md against the skill validator's rules."""

from __future__ import annotations

import pytest

from backend_skill.clients import skillcheck
from backend_skill.clients.skillfiles import package_documents
from backend_skill.clients.targets import SKILL_NAME

GOOD = """---
name: developing-backend-services
description: >
  Rules for backend services. Use when building
  or reviewing them.
license: MIT
metadata:
  version: "0.1.0"
---
# Body
"""


def test_the_shipped_skill_passes() -> None:
    text = package_documents()["SKILL.md"].decode()
    assert skillcheck.problems(text, SKILL_NAME) == []


def test_frontmatter_parser_reads_folded_quoted_and_nested_values() -> None:
    lines = GOOD.splitlines()[1:8]
    fields = skillcheck.parse_frontmatter(lines)
    assert (
        fields["description"] == "Rules for backend services. Use when building or reviewing them."
    )
    assert fields["metadata"] == {"version": "0.1.0"}
    assert skillcheck.problems(GOOD, SKILL_NAME) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("name: developing-backend-services", "name: Developing_Backend"), "lowercase letters"),
        (("name: developing-backend-services", "name: " + "a" * 65), "at most 64"),
        (("name: developing-backend-services", "name: other-name"), "differs from its folder"),
        (("license: MIT", "license: MIT\nversion: 1"), "unexpected frontmatter keys version"),
        (("  or reviewing them.", "  or reviewing <them>."), "contains `<` or `>`"),
        (("  or reviewing them.", "  " + "x" * 1030), "at most 1024"),
        (("name: developing-backend-services\n", ""), "has no `name`"),
        (("# Body\n", "# Body\n" + "line\n" * 500), "keep it under 500"),
        (("---\n# Body", "# Body"), "not closed"),
    ],
)
def test_each_rule_rejects_what_it_should(change: tuple[str, str], fragment: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    found = skillcheck.problems(text, SKILL_NAME)
    assert any(fragment in problem for problem in found), found


def test_missing_frontmatter() -> None:
    assert skillcheck.problems("# Just a title\n", SKILL_NAME) == [
        "SKILL.md does not start with a `---` frontmatter block."
    ]
