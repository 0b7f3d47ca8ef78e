"""SKILL.md against the Agent Skills rules the skill validators enforce.

name: lowercase letters, digits and single hyphens, at most 64 characters, equal to the folder
name; description: at most 1024 characters, no angle brackets; only the keys name, description,
license, compatibility, metadata and allowed-tools; a body under 500 lines.

The frontmatter is read with a small parser for the YAML subset skills use (top-level `key:
value`, quoted scalars, folded/literal blocks, and nested maps we only need to see present), so
the check needs no YAML dependency.
"""

from __future__ import annotations

import re

ALLOWED_KEYS = frozenset(
    {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
)
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_COMPATIBILITY = 500
MAX_BODY_LINES = 500
_KEY_LINE = re.compile(r"^([A-Za-z0-9_-]+):(?:\s+(.*))?$")


def problems(text: str, folder_name: str) -> list[str]:
    """Everything a validator would reject in this SKILL.md, as sentences; empty when valid."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return ["SKILL.md does not start with a `---` frontmatter block."]
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if closing is None:
        return ["SKILL.md's frontmatter is not closed by a `---` line."]
    fields = parse_frontmatter(lines[1:closing])
    found: list[str] = []
    unknown = sorted(set(fields) - ALLOWED_KEYS)
    if unknown:
        found.append(
            f"unexpected frontmatter keys {', '.join(unknown)}; allowed: "
            + ", ".join(sorted(ALLOWED_KEYS))
        )
    name = fields.get("name")
    if not isinstance(name, str) or not name:
        found.append("frontmatter has no `name`.")
    else:
        if not NAME_PATTERN.match(name):
            found.append(f"name {name!r} must be lowercase letters, digits and single hyphens.")
        if len(name) > MAX_NAME:
            found.append(f"name is {len(name)} characters; at most {MAX_NAME}.")
        if name != folder_name:
            found.append(f"name {name!r} differs from its folder name {folder_name!r}.")
    description = fields.get("description")
    if not isinstance(description, str) or not description.strip():
        found.append("frontmatter has no `description`.")
    else:
        if len(description) > MAX_DESCRIPTION:
            found.append(f"description is {len(description)} characters; at most 1024.")
        if "<" in description or ">" in description:
            found.append("description contains `<` or `>`, which validators reject.")
    compatibility = fields.get("compatibility")
    if isinstance(compatibility, str) and len(compatibility) > MAX_COMPATIBILITY:
        found.append(f"compatibility is {len(compatibility)} characters; at most 500.")
    body = len(lines) - closing - 1
    if body >= MAX_BODY_LINES:
        found.append(f"the body is {body} lines; keep it under {MAX_BODY_LINES}.")
    return found


def parse_frontmatter(lines: list[str]) -> dict[str, str | dict[str, str]]:
    fields: dict[str, str | dict[str, str]] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _KEY_LINE.match(line)
        index += 1
        if not match:
            continue  # blank lines and comments
        key, value = match.group(1), (match.group(2) or "").strip()
        block: list[str] = []
        while index < len(lines) and (not lines[index].strip() or lines[index][:1] in " \t"):
            block.append(lines[index])
            index += 1
        if value[:1] in ("|", ">"):
            joiner = "\n" if value[0] == "|" else " "
            fields[key] = joiner.join(part.strip() for part in block if part.strip())
        elif not value and block:
            nested: dict[str, str] = {}
            for part in block:
                inner = _KEY_LINE.match(part.strip())
                if inner:
                    nested[inner.group(1)] = _scalar(inner.group(2) or "")
            fields[key] = nested
        else:
            continued = " ".join(part.strip() for part in block if part.strip())
            fields[key] = _scalar(f"{value} {continued}".strip())
    return fields


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value
