"""Split a markdown document into sections with GitHub-compatible anchors.

Only what the documents need: ATX headings outside fenced code blocks. Anchors follow GitHub's
slug rule so links that work on GitHub work here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_NOT_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)
_INLINE_MARKUP = re.compile(r"[`*_]|\[([^\]]*)\]\([^)]*\)")


def slugify(title: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = _INLINE_MARKUP.sub(lambda m: m.group(1) or "", title).strip().lower()
    return _NOT_SLUG.sub("", text).replace(" ", "-")


@dataclass
class Section:
    title: str
    anchor: str
    level: int
    start: int  # index of the heading line
    end: int  # index one past the last line, subsections included
    body_end: int  # index one past the last line before the first subsection
    children: list[Section] = field(default_factory=list)


def split_sections(lines: list[str]) -> list[Section]:
    """Every heading as a Section, in document order, with unique anchors."""
    sections: list[Section] = []
    seen: dict[str, int] = {}
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif (
                marker[0] == fence[0]
                and len(marker) >= len(fence)
                and not line.strip()[len(marker) :].strip()
            ):
                # A closing fence: same character, at least as long, no info string.
                fence = None
            continue
        if fence is not None:
            continue
        heading = _HEADING.match(line)
        if not heading:
            continue
        title = heading.group(2).strip()
        anchor = slugify(title)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        if count:
            anchor = f"{anchor}-{count}"
        end = len(lines)
        sections.append(Section(title, anchor, len(heading.group(1)), index, end, end))
    # A section runs until the next heading of the same or a higher level; its own body stops
    # at its first subsection.
    stack: list[Section] = []
    for section in sections:
        while stack and stack[-1].level >= section.level:
            stack.pop().end = section.start
        if stack:
            parent = stack[-1]
            if not parent.children:
                parent.body_end = section.start
            parent.children.append(section)
        stack.append(section)
    for section in sections:
        if not section.children:
            section.body_end = section.end
    return sections


def fenced_blocks(text: str) -> list[tuple[str, str, int]]:
    """Every fenced code block as (info string, code, 1-based line of the opening fence)."""
    blocks: list[tuple[str, str, int]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        marker = match.group(1)
        info = lines[i][match.end() :].strip()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].lstrip().startswith(marker):
            body.append(lines[i])
            i += 1
        blocks.append((info, "\n".join(body) + "\n", start + 1))
        i += 1
    return blocks
