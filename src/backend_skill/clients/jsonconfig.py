"""Add or remove one entry under `mcpServers` of a client's JSON config, touching nothing else.

Clients keep a lot in these files (`~/.claude.json` holds Claude Code's whole state), so we never
re-serialise a file: we find the byte span of the member we own and splice text in or out there.
Everything outside that span (other servers, other keys, their order, the indentation, the
trailing newline) stays byte for byte. Each edit is verified by parsing the result and comparing it
with what the edit should mean; a mismatch stops the install before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend_skill.errors import UsageError

SERVERS_KEY = "mcpServers"
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Member:
    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class ObjectSpan:
    start: int  # index of "{"
    end: int  # index just after "}"
    members: list[Member]

    def find(self, key: str) -> Member | None:
        # json.loads keeps the last of duplicate keys, so do we.
        found = [member for member in self.members if member.key == key]
        return found[-1] if found else None


@dataclass(frozen=True)
class Config:
    path: Path
    text: str | None  # None when the file does not exist
    data: dict[str, Any]

    def servers(self) -> dict[str, Any]:
        servers = self.data.get(SERVERS_KEY, {})
        return servers if isinstance(servers, dict) else {}


@dataclass(frozen=True)
class Inserted:
    """How the file looked where we inserted, so removal can give back the same bytes."""

    created_file: bool
    added_servers_key: bool
    empty_servers_text: str | None  # the text of `mcpServers` when it was an empty object
    empty_root_text: str | None  # the text of the root object when it was empty
    blank_text: str | None = None  # the whole file when it held only whitespace


@dataclass(frozen=True)
class Removal:
    text: str  # the new content, unless the file is to be deleted
    delete_file: bool = False


def read_config(path: Path) -> Config:
    """Parse a config file; an invalid one is a UsageError naming the file, line and column."""
    if not path.exists():
        return Config(path, None, {})
    if not path.is_file():
        raise UsageError(f"{path} is not a file; move it away and run again. Nothing was written.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {error.start}); fix it and run again. "
            "Nothing was written."
        ) from None
    if not text.strip():
        return Config(path, text, {})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}). JSON allows no "
            "comments and no trailing commas; fix the file and run again. Nothing was written."
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the top level is not a JSON object. Nothing was written.")
    if not isinstance(data.get(SERVERS_KEY, {}), dict):
        raise UsageError(f"{path}: `{SERVERS_KEY}` is not a JSON object. Nothing was written.")
    return Config(path, text, data)


def with_server(config: Config, name: str, entry: dict[str, Any]) -> tuple[str, Inserted] | None:
    """The file's new text with `mcpServers[name] = entry`, or None when it already says so."""
    if name in config.servers() and config.servers()[name] == entry:
        return None
    expected = json.loads(json.dumps(config.data))
    expected.setdefault(SERVERS_KEY, {})[name] = entry
    text = config.text if config.text is not None and config.text.strip() else None
    if text is None:
        new = json.dumps({SERVERS_KEY: {name: entry}}, indent=2, ensure_ascii=False) + "\n"
        facts = Inserted(
            created_file=config.text is None,
            added_servers_key=True,
            empty_servers_text=None,
            empty_root_text=None,
            blank_text=config.text,
        )
        return _verified(config.path, new, expected), facts
    root = scan_object(text, _skip(text, 0))
    servers_member = root.find(SERVERS_KEY)
    if servers_member is None:
        new = _insert_member(text, root, SERVERS_KEY, {name: entry})
        facts = Inserted(
            created_file=False,
            added_servers_key=True,
            empty_servers_text=None,
            empty_root_text=text[root.start : root.end] if not root.members else None,
        )
        return _verified(config.path, new, expected), facts
    servers = scan_object(text, servers_member.value_start)
    own = servers.find(name)
    if own is not None:
        indent = _line_indent(text, own.key_start)
        value = _dump(entry, indent, _indent_unit(text), _newline(text))
        new = text[: own.value_start] + value + text[own.value_end :]
    else:
        new = _insert_member(text, servers, name, entry)
    facts = Inserted(
        created_file=False,
        added_servers_key=False,
        empty_servers_text=text[servers.start : servers.end] if not servers.members else None,
        empty_root_text=None,
    )
    return _verified(config.path, new, expected), facts


def without_server(config: Config, name: str, facts: Inserted | None) -> Removal | None:
    """The file without our entry, or None when it has none.

    With the facts recorded at install, the result is the file as it was before, byte for byte,
    when nobody changed anything else in the meantime.
    """
    text = config.text
    if text is None or name not in config.servers():
        return None
    expected = json.loads(json.dumps(config.data))
    del expected[SERVERS_KEY][name]
    root = scan_object(text, _skip(text, 0))
    servers = scan_object(text, _member(root, SERVERS_KEY).value_start)
    own = _member(servers, name)
    new = _remove_member(text, servers, own, facts.empty_servers_text if facts else None)
    if facts and facts.added_servers_key and not expected[SERVERS_KEY]:
        del expected[SERVERS_KEY]
        if not expected and facts.created_file:
            return Removal("", delete_file=True)
        if not expected and facts.blank_text is not None:
            return Removal(facts.blank_text)
        root = scan_object(new, _skip(new, 0))
        new = _remove_member(new, root, _member(root, SERVERS_KEY), facts.empty_root_text)
    return Removal(_verified(config.path, new, expected))


def scan_object(text: str, start: int) -> ObjectSpan:
    """The members of the JSON object starting at `start` (the text is known to be valid)."""
    if text[start] != "{":
        raise ValueError(f"no object at offset {start}")
    members: list[Member] = []
    index = _skip(text, start + 1)
    if text[index] == "}":
        return ObjectSpan(start, index + 1, members)
    while True:
        key, key_end = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        colon = _skip(text, key_end)
        value_start = _skip(text, colon + 1)
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append(Member(key, index, key_end, value_start, value_end))
        index = _skip(text, value_end)
        if text[index] == "}":
            return ObjectSpan(start, index + 1, members)
        index = _skip(text, index + 1)  # past the comma


def _member(obj: ObjectSpan, key: str) -> Member:
    member = obj.find(key)
    if member is None:  # the parsed data said it is there: the scanner disagrees
        raise RuntimeError(f"could not locate {key!r} in the file's text")
    return member


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _line_indent(text: str, index: int) -> str | None:
    """The whitespace before `index` on its line, or None when something else precedes it."""
    line_start = text.rfind("\n", 0, index) + 1
    prefix = text[line_start:index]
    if line_start == 0 or prefix.strip():
        return None
    return prefix


def _indent_unit(text: str) -> str:
    """The file's indentation step: the smallest indentation of any line (2 spaces if none)."""
    widths = []
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            widths.append(line[: len(line) - len(stripped)])
    if not widths:
        return "  "
    smallest = min(widths, key=len)
    return "\t" if smallest.startswith("\t") else " " * len(smallest)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _dump(value: Any, base_indent: str | None, unit: str, newline: str = "\n") -> str:
    """Serialise our value in the file's style: indented like its neighbours, or on one line."""
    if base_indent is None:
        return json.dumps(value, ensure_ascii=False)
    dumped = json.dumps(value, indent=unit, ensure_ascii=False)
    return dumped.replace("\n", newline + base_indent)


def _insert_member(text: str, obj: ObjectSpan, key: str, value: Any) -> str:
    """Add `key: value` as the last member of `obj`, in the style of the members around it."""
    unit = _indent_unit(text)
    nl = _newline(text)
    if obj.members:
        last = obj.members[-1]
        colon = text[last.key_end : last.value_start]
        indent = _line_indent(text, last.key_start)
        if indent is None:
            two = len(obj.members) > 1
            comma = text[obj.members[-2].value_end : last.key_start] if two else ", "
        else:
            comma = "," + nl + indent
        member = json.dumps(key, ensure_ascii=False) + colon + _dump(value, indent, unit, nl)
        return text[: last.value_end] + comma + member + text[last.value_end :]
    outer = _line_indent(text, obj.start)
    if outer is None:
        line_start = text.rfind("\n", 0, obj.start) + 1
        leading = text[line_start : obj.start]
        outer = leading[: len(leading) - len(leading.lstrip(" \t"))]
    if "\n" not in text.strip() and text.strip() != "{}":
        # A one-line file stays on one line.
        member = json.dumps(key, ensure_ascii=False) + ": " + _dump(value, None, unit)
        replacement = "{" + member + "}"
    else:
        inner = outer + unit
        member = json.dumps(key, ensure_ascii=False) + ": " + _dump(value, inner, unit, nl)
        replacement = "{" + nl + inner + member + nl + outer + "}"
    return text[: obj.start] + replacement + text[obj.end :]


def _remove_member(text: str, obj: ObjectSpan, member: Member, empty_text: str | None) -> str:
    """Cut `member` out of `obj`: the inverse of `_insert_member` for a member it added."""
    index = obj.members.index(member)
    if len(obj.members) == 1:
        return text[: obj.start] + (empty_text or "{}") + text[obj.end :]
    if index > 0:
        cut_from = obj.members[index - 1].value_end
        return text[:cut_from] + text[member.value_end :]
    return text[: member.key_start] + text[obj.members[1].key_start :]


def _verified(path: Path, new: str, expected: dict[str, Any]) -> str:
    """Refuse an edit whose result does not parse to exactly the intended data."""
    try:
        parsed = json.loads(new) if new.strip() else {}
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"editing {path} produced invalid JSON ({error}); nothing written"
        ) from None
    if parsed != expected or list(_key_order(parsed)) != list(_key_order(expected)):
        raise RuntimeError(f"editing {path} would change more than our entry; nothing written")
    return new


def _key_order(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [(key, _key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_key_order(item) for item in value]
    return []
