"""The check tools through a real MCP client talking to `backend-skill serve` over stdio."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters


def _call(root: Path, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CLAUDE_PROJECT_DIR": str(root)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "backend_skill", "serve"], env=env
    )

    async def main() -> list[Any]:
        results = []
        async with Client(params, read_timeout_seconds=60) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            for name in ("check_file", "check_project", "check_changes"):
                assert tools[name].annotations.read_only_hint is True
                assert tools[name].output_schema is not None
            for name, arguments in calls:
                results.append(await client.call_tool(name, arguments))
        return results

    try:
        return asyncio.run(main())
    except BaseExceptionGroup as group:
        leaf: BaseException = group
        while isinstance(leaf, BaseExceptionGroup):
            leaf = leaf.exceptions[0]
        raise leaf from None


def test_tools_over_stdio(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text(
        "import requests\n"
        "def load(cur, name):\n"
        "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
        "    return requests.get('https://example.com')\n"
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)
    file_result, inline, project, changes, outside = _call(
        tmp_path,
        [
            ("check_file", {"path": "db.py"}),
            ("check_file", {"content": "import yaml\nyaml.load(x)\n", "filename": "new.py"}),
            ("check_project", {"directory": "."}),
            ("check_changes", {"base_ref": "HEAD"}),
            ("check_file", {"path": "/etc/passwd"}),
        ],
    )
    found = file_result.structured_content
    assert {f["rule_id"] for f in found["findings"]} == {"BS101", "BS401"}
    timeout = next(f for f in found["findings"] if f["rule_id"] == "BS401")
    assert timeout["pattern_uri"] == "pattern://resilience-patterns/timeouts"
    assert "+    return requests.get('https://example.com', timeout=10)" in timeout["fix"]["diff"]

    fixed = inline.structured_content["findings"][0]
    assert fixed["rule_id"] == "BS105" and "safe_load" in fixed["fix"]["diff"]

    page = project.structured_content
    assert page["summary"]["by_rule"]["BS101"] == 1 and page["page"] == 1
    # the untracked file counts as wholly changed (the repository has no commit yet: HEAD
    # does not resolve, so the tool explains that instead)
    assert changes.is_error or changes.structured_content["summary"]["findings"] >= 2
    assert outside.is_error and "outside the project root" in outside.content[0].text


def test_project_pages_stay_small(tmp_path: Path) -> None:
    body = "".join(f"def f{i}(cur, v):\n    cur.execute('SELECT ' + v)\n" for i in range(150))
    (tmp_path / "many.py").write_text(body)
    first, second = _call(
        tmp_path,
        [("check_project", {"directory": "."}), ("check_project", {"page": 3})],
    )
    data = first.structured_content
    assert data["pages"] == 3 and len(data["findings"]) == 60
    assert "page=2" in data["next_page"]
    assert len(first.content[0].text) < 80_000  # about 20k tokens
    last = second.structured_content
    assert len(last["findings"]) == 30 and last["next_page"] is None
