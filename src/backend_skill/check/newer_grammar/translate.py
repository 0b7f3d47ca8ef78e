"""libcst Module -> the `ast.Module` a Python that knows the file's grammar would produce."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_skill.check.newer_grammar.expressions import Expressions
from backend_skill.check.newer_grammar.patterns import Patterns
from backend_skill.check.newer_grammar.statements import Statements
from backend_skill.check.newer_grammar.strings import Strings

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class Translation:
    tree: ast.Module
    newer_features: set[str]  # the features this interpreter's `ast` does not know


class _Translator(Statements, Expressions, Strings, Patterns):
    pass


def translate(source: str, module: cst.Module) -> Translation:
    translator = _Translator(source, module)
    tree = ast.Module(body=translator.module_body(module), type_ignores=[])
    return Translation(tree, translator.newer_features)
