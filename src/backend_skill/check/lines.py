"""Lines as Python's tokenizer, git and editors count them.

`str.splitlines` also breaks at form feeds, vertical tabs, \\x1c-\\x1e, \\x85 and \\u2028/9. A
form feed on its own line (common in GNU-style and standard-library code) then shifts every
later line by one: findings would quote the wrong line and miss their suppression comments.
"""

from __future__ import annotations

import re

_EXTRA_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Like `text.splitlines()`, but breaking only at \\n, \\r\\n and \\r."""
    if not _EXTRA_BREAKS.search(text):
        return text.splitlines()  # the common case, at C speed
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line, it does not start another
    return lines


def split_lines_keepends(text: str) -> list[str]:
    """Like `text.splitlines(keepends=True)`, but breaking only at \\n, \\r\\n and \\r."""
    if not _EXTRA_BREAKS.search(text):
        return text.splitlines(keepends=True)
    return _LINE_WITH_END.findall(text)
