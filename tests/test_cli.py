"""The CLI prints the same models the MCP tools return, and fails like a linter."""

from __future__ import annotations

import json
import subprocess
import sys

from backend_skill import __version__, knowledge
from backend_skill.knowledge.models import PatternText, SearchResults


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend_skill", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version():
    result = _cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"backend-skill {__version__}"


def test_version_matches_the_package_metadata():
    from importlib.metadata import version

    assert version("backend-skill") == __version__


def test_pattern_json_is_the_mcp_model():
    result = _cli("pattern", "database-patterns#migrations", "--format", "json")
    assert result.returncode == 0, result.stderr
    parsed = PatternText.model_validate_json(result.stdout)
    assert parsed == knowledge.get_pattern("database-patterns#migrations")


def test_pattern_text_is_plain_markdown_when_piped():
    result = _cli("pattern", "idempotency")
    assert result.returncode == 0
    assert result.stdout.startswith("## Idempotency keys")
    assert "\x1b[" not in result.stdout


def test_search_json_is_the_mcp_model():
    result = _cli("search", "retry backoff", "--limit", "2", "--format", "json")
    assert result.returncode == 0
    parsed = SearchResults.model_validate_json(result.stdout)
    assert parsed == knowledge.search_patterns("retry backoff", limit=2)


def test_patterns_lists_documents():
    result = _cli("patterns", "--format", "json")
    ids = {d["id"] for d in json.loads(result.stdout)["documents"]}
    assert "database-patterns" in ids and "SKILL" in ids


def test_unknown_topic_exits_2_with_suggestions_and_no_traceback():
    result = _cli("pattern", "database-patterns#migration")
    assert result.returncode == 2
    assert "database-patterns#migrations" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_options_exit_2():
    assert _cli("search", "retry", "--limit", "0").returncode == 2
    assert _cli("pattern", "x", "--format", "yaml").returncode == 2
    assert _cli("serve", "--transport", "carrier-pigeon").returncode == 2


def test_every_listing_command_prints_in_both_formats():
    """Each list command prints something for people and the MCP model as JSON."""
    for command, key in (
        ("patterns", "documents"),
        ("rules", "rules"),
        ("middleware", "middleware"),
    ):
        text = _cli(command)
        assert text.returncode == 0, text.stderr
        assert len(text.stdout.splitlines()) > 10, f"{command} printed almost nothing"
        as_json = _cli(command, "--format", "json")
        assert as_json.returncode == 0
        assert json.loads(as_json.stdout)[key], command
