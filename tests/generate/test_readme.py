"""The README's generate section stays true: its catalog table is the catalog."""

from __future__ import annotations

from backend_skill.generate import list_middleware
from backend_skill.generate.catalog import FRAMEWORK_IDS
from tests.conftest import REPO_ROOT

START = "<!-- generate-catalog:start -->"
END = "<!-- generate-catalog:end -->"


def catalog_table() -> str:
    catalog = list_middleware()
    lines = [
        "| middleware | follows | " + " | ".join(FRAMEWORK_IDS) + " |",
        "|---|---|" + "---|" * len(FRAMEWORK_IDS),
    ]
    for item in catalog.middleware:
        statuses = {status.framework: status for status in item.frameworks}
        cells = []
        for framework in FRAMEWORK_IDS:
            status = statuses.get(framework)
            if status is None:
                cells.append("planned")
            elif status.supported:
                cells.append("yes")
            else:
                cells.append("no" if "not declared" not in status.reason else "planned")
        document, _, anchor = item.pattern.partition("#")
        lines.append(f"| `{item.id}` | `{document}#{anchor}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_readme_catalog_table_matches_the_catalog():
    readme = (REPO_ROOT / "README.md").read_text()
    assert START in readme and END in readme, "README lacks the generate catalog markers"
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    expected = catalog_table()
    assert table == expected, "update README.md's generate table to:\n" + expected


def test_the_readme_names_every_option():
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## generate", 1)[1].split("\n## ", 1)[0]
    for item in list_middleware().middleware:
        for option in item.options_schema.get("properties", {}):
            assert f"`{option}`" in section, f"README generate section misses {item.id}.{option}"
