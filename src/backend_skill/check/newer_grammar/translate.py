"""Source -> libcst Module -> the `ast.Module` a Python that knows the file's grammar would
produce."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from backend_skill.check.newer_grammar.expressions import Expressions
from backend_skill.check.newer_grammar.patterns import Patterns
from backend_skill.check.newer_grammar.statements import Statements
from backend_skill.check.newer_grammar.strings import Strings

# Python reads source with universal newlines: a CRLF inside a triple-quoted string is "\n".
_NEWLINE = re.compile(r"\r\n?")


class Unreadable(Exception):
    """libcst's parser does not accept the source either."""


@dataclass
class Translation:
    tree: ast.Module
    newer_features: set[str]  # the features this interpreter's `ast` does not know


class _Translator(Statements, Expressions, Strings, Patterns):
    pass


def translate(source: str) -> Translation:
    """Raises Unreadable when libcst cannot parse the source; any other exception means a
    construct the translation does not know."""
    import libcst

    text = _NEWLINE.sub("\n", source)  # same lines, same columns
    try:
        module = libcst.parse_module(text)
    except Exception as error:
        raise Unreadable(str(error)) from error
    translator = _Translator(text, module)
    tree = ast.Module(body=translator.module_body(module), type_ignores=[])
    return Translation(tree, translator.newer_features)
