"""The one error type the faces know how to show: a problem with the user's input."""

from __future__ import annotations


class UsageError(Exception):
    """Input we cannot act on. The message says what was wrong and what is accepted.

    The MCP face turns it into a ToolError, the CLI into a message and exit code 2; neither shows
    a traceback, because the fix is in the user's hands, not ours.
    """

    def __init__(self, message: str, *, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        full = message
        if self.suggestions:
            full += " Did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(full)
