"""The documents are the single source: every rule, middleware and validation step points at a
section that exists, by its exact `document#anchor`."""

from __future__ import annotations

import pytest

from backend_skill.check.registry import all_rules
from backend_skill.generate.catalog import CATALOG
from backend_skill.knowledge import resolve
from backend_skill.validate.steps import PATTERNS


def _links() -> list[tuple[str, str]]:
    links = [(f"rule {rule.id}", rule.pattern) for rule in all_rules()]
    links += [(f"middleware {mid}", item.pattern) for mid, item in CATALOG.items()]
    links += [(f"validate step kind {kind.value}", ref) for kind, ref in PATTERNS.items()]
    return links


@pytest.mark.parametrize(("owner", "ref"), _links(), ids=[owner for owner, _ in _links()])
def test_every_capability_links_an_existing_section(owner, ref):
    document, section = resolve(ref)
    assert section is not None, f"{owner} links a whole document: {ref}"
    assert f"{document.id}#{section.anchor}" == ref, f"{owner}: {ref} is not an exact anchor"


def test_every_capability_is_covered():
    owners = {owner.split(" ")[0] for owner, _ in _links()}
    assert owners == {"rule", "middleware", "validate"}
    assert len(all_rules()) >= 36 and len(CATALOG) == 19


def test_the_readme_states_the_real_rule_count():
    import re

    from tests.conftest import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"(\d+) rules \(`backend-skill rules` lists them\)", readme)
    assert stated, "README's check section no longer states the rule count"
    assert int(stated.group(1)) == len(all_rules())
