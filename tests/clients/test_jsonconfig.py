"""The config merge: our entry goes in and out; every other byte stays where it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend_skill.clients import jsonconfig
from backend_skill.errors import UsageError

from .support import FIXTURES, fixture_bytes, only_insertion

ENTRY = {"type": "stdio", "command": "/opt/venv/bin/backend-skill", "args": ["serve"], "env": {}}


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _add(path: Path, entry: dict[str, object] = ENTRY) -> tuple[str, jsonconfig.Inserted]:
    edit = jsonconfig.with_server(jsonconfig.read_config(path), "backend-skill", entry)
    assert edit is not None
    return edit


def _roundtrip(tmp_path: Path, original: str) -> str:
    """Add, check only an insertion happened, remove with the facts, get the original back."""
    path = _write(tmp_path, original)
    new, facts = _add(path)
    data = json.loads(new)
    assert data["mcpServers"]["backend-skill"] == ENTRY
    expected = json.loads(original) if original.strip() else {}
    del data["mcpServers"]["backend-skill"]
    if not expected.get("mcpServers") and "mcpServers" not in expected:
        assert data.pop("mcpServers") == {}
    assert data == expected
    path.write_text(new)
    removal = jsonconfig.without_server(jsonconfig.read_config(path), "backend-skill", facts)
    assert removal is not None
    assert removal.text == original
    return new


@pytest.mark.parametrize(
    "name", ["claude.json", "cursor-mcp.json", "compact-mcp.json", "tab-empty-servers.json"]
)
def test_realistic_files_only_gain_our_entry_and_lose_it_again(tmp_path: Path, name: str) -> None:
    original = fixture_bytes(name)
    new = _roundtrip(tmp_path, original.decode())
    if b'"mcpServers": {}' not in original:
        chunk = only_insertion(original, new.encode())
        assert b'"backend-skill"' in chunk
        assert b"numStartups" not in chunk and b"filesystem" not in chunk


def test_inserted_entry_follows_the_files_indentation(tmp_path: Path) -> None:
    four = _roundtrip(tmp_path, fixture_bytes("cursor-mcp.json").decode())
    assert '\n        "backend-skill": {\n            "type": "stdio",' in four
    compact = _roundtrip(tmp_path, fixture_bytes("compact-mcp.json").decode())
    assert "\n" not in compact
    tabs = _roundtrip(tmp_path, fixture_bytes("tab-empty-servers.json").decode())
    assert '\t"mcpServers": {\n\t\t"backend-skill": {\n\t\t\t"type": "stdio",' in tabs
    assert tabs.endswith('"other": [1, 2]\n}\n')


@pytest.mark.parametrize(
    "original",
    [
        '{\n  "numStartups": 3\n}\n',
        '{"numStartups": 3}',
        "{}\n",
        "{}",
        '{\n  "mcpServers": {}\n}',
        '{\n  "a": 1,\n  "mcpServers": {\n    "x": {"command": "x"}\n  },\n'
        '  "z": [\n    1\n  ]\n}\n',
        '{"mcpServers": {"x": {}}, "b": null}\n',
    ],
)
def test_shapes_round_trip_exactly(tmp_path: Path, original: str) -> None:
    _roundtrip(tmp_path, original)


def test_missing_and_blank_files(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    new, facts = jsonconfig.with_server(jsonconfig.read_config(path), "backend-skill", ENTRY) or (
        "",
        None,
    )
    assert facts is not None and facts.created_file
    assert json.loads(new) == {"mcpServers": {"backend-skill": ENTRY}}
    path.write_text(new)
    removal = jsonconfig.without_server(jsonconfig.read_config(path), "backend-skill", facts)
    assert removal is not None and removal.delete_file

    blank = _write(tmp_path, "\n")
    new, facts = _add(blank)
    blank.write_text(new)
    removal = jsonconfig.without_server(jsonconfig.read_config(blank), "backend-skill", facts)
    assert removal is not None and removal.text == "\n" and not removal.delete_file


def test_same_entry_is_no_change_and_a_new_entry_replaces_only_its_value(tmp_path: Path) -> None:
    path = _write(tmp_path, fixture_bytes("claude.json"))
    new, _ = _add(path)
    path.write_text(new)
    assert jsonconfig.with_server(jsonconfig.read_config(path), "backend-skill", ENTRY) is None
    moved = {**ENTRY, "command": "/elsewhere/bin/backend-skill"}
    newer, _ = _add(path, moved)
    before, after = new.encode(), newer.encode()
    assert json.loads(newer)["mcpServers"]["backend-skill"] == moved
    assert before.replace(b"/opt/venv/bin/", b"/elsewhere/bin/") == after


def test_removal_keeps_servers_added_after_ours(tmp_path: Path) -> None:
    path = _write(tmp_path, fixture_bytes("cursor-mcp.json"))
    new, facts = _add(path)
    data = json.loads(new)
    data["mcpServers"]["later"] = {"command": "later"}
    path.write_text(json.dumps(data, indent=4))
    removal = jsonconfig.without_server(jsonconfig.read_config(path), "backend-skill", facts)
    assert removal is not None
    assert set(json.loads(removal.text)["mcpServers"]) == {"filesystem", "linear", "later"}


def test_duplicate_keys_follow_json_semantics(tmp_path: Path) -> None:
    original = '{"mcpServers": {"a": {}}, "mcpServers": {"b": {}}}'
    path = _write(tmp_path, original)
    new, _ = _add(path)
    assert json.loads(new)["mcpServers"] == {"b": {}, "backend-skill": ENTRY}
    assert new.startswith('{"mcpServers": {"a": {}}, ')


@pytest.mark.parametrize(
    ("name", "line", "column"), [("with-comments.json", 2, 3), ("trailing-comma.json", 4, 3)]
)
def test_invalid_json_names_file_line_and_column(name: str, line: int, column: int) -> None:
    path = FIXTURES / name
    with pytest.raises(UsageError) as caught:
        jsonconfig.read_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:{column}: not valid JSON")
    assert "Nothing was written" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("[1, 2]", "top level is not a JSON object"), ('{"mcpServers": []}', "is not a JSON object")],
)
def test_wrong_shapes_are_refused(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        jsonconfig.read_config(_write(tmp_path, text))


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not UTF-8"):
        jsonconfig.read_config(_write(tmp_path, b'{"a": "\xff"}'))


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    original = fixture_bytes("cursor-mcp.json").decode().replace("\n", "\r\n")
    new = _roundtrip(tmp_path, original)
    assert "\n" not in new.replace("\r\n", "")
    empty = _roundtrip(tmp_path, '{\r\n  "mcpServers": {}\r\n}\r\n')
    assert "\n" not in empty.replace("\r\n", "")
