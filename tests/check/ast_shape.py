"""A version-neutral dump of an `ast` tree, to compare our translation with a real newer Python.

Run under Python 3.12+ to write the reference dumps of the fixtures that interpreter can parse:

    python3.13 tests/check/ast_shape.py tests/fixtures/check/newer_grammar

Standard library only: it runs under an interpreter without this project installed.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

# Since 3.12 the parts of an f-string carry their own positions; on 3.11 (and in our
# translation, which follows 3.11) they carry the whole literal's. Their positions are left out.
_FSTRING_PARTS = ("Constant", "FormattedValue", "Interpolation", "JoinedStr")


def shape(node: Any, *, part: bool = False) -> Any:
    if isinstance(node, ast.AST):
        kind = type(node).__name__
        out: dict[str, Any] = {"_type": kind}
        fields = list(node._fields)
        if hasattr(node, "type_params") and "type_params" not in fields:
            fields.append("type_params")  # set by our translation on 3.11's FunctionDef/ClassDef
        for name in fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.expr_context):
                out[name] = type(value).__name__
            elif kind in ("JoinedStr", "TemplateStr") and name == "values":
                out[name] = [shape(v, part=True) for v in value]
            elif kind in ("FormattedValue", "Interpolation") and name == "format_spec":
                out[name] = shape(value, part=True)
            else:
                out[name] = shape(value)
        if hasattr(node, "lineno") and not (part and kind in _FSTRING_PARTS):
            out["_at"] = [node.lineno, node.col_offset, node.end_lineno, node.end_col_offset]
        return out
    if isinstance(node, list):
        return [shape(item) for item in node]
    if isinstance(node, (bytes, complex)) or node is Ellipsis:
        return {"_literal": repr(node)}
    return node


def main(folder: str) -> int:
    written = 0
    for path in sorted(Path(folder).glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # needs a newer Python than this one
        target = path.with_suffix(".ast.json")
        target.write_text(json.dumps(shape(tree), indent=1) + "\n", encoding="utf-8")
        print(f"{target} (Python {sys.version.split()[0]})")
        written += 1
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
