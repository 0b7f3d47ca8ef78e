"""Code written for a newer Python is checked, not skipped: libcst's tree is translated into the
`ast` that Python would produce, and the rules run on it unchanged.

The translation is held to `ast` itself: on this interpreter's grammar (every construct, and a
sample of the standard library) the two must agree node for node and position for position; on
3.12/3.13 syntax it must agree with dumps a real Python 3.13 wrote (`*.ast.json`, made by
`ast_shape.py`); 3.14 and 3.15 syntax is checked against the shapes their documentation gives.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from backend_skill.check import CheckRequest, check_paths
from backend_skill.check.newer_grammar import parse_python
from backend_skill.check.newer_grammar.translate import translate
from tests.check.ast_shape import shape

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "check" / "newer_grammar"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Modules that between them hold most of the grammar: match statements, except*, f-strings
# (concatenated, nested specs), semicolons, PEP 646 stars, NFKC identifiers, odd layouts.
STDLIB_SAMPLE = [
    "json/decoder.py",
    "datetime.py",
    "dataclasses.py",
    "typing.py",
    "argparse.py",
    "asyncio/tasks.py",
    "email/_header_value_parser.py",
    "test/test_patma.py",
    "test/test_fstring.py",
    "test/test_exception_group.py",
    "test/test_weakset.py",
    "test/test_unicode_identifiers.py",
    "test/test_typing.py",
    "idlelib/redirector.py",
    "lib2to3/tests/data/py3_test_grammar.py",
]
# The oldest Python whose `ast` reads each fixture.
NEEDS = {
    "pep701_fstrings.py": (3, 12),
    "pep695_generics.py": (3, 12),
    "pep696_defaults.py": (3, 13),
    "py314_syntax.py": (3, 14),
    "py315_syntax.py": (3, 15),
}


def translated(source: str) -> ast.Module:
    return translate(source).tree


def dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True, indent=1)


# -- the running interpreter's grammar: the translation must equal ast.parse ---------------


def test_every_construct_translates_exactly_as_ast_parses_it() -> None:
    source = (FIXTURES / "every_construct_311.py").read_text(encoding="utf-8")
    assert dump(translated(source)) == dump(ast.parse(source))


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_translate_as_ast_reads_them(newline: str) -> None:
    # the tokenizer reads universal newlines: a CRLF inside a triple-quoted string is "\n"
    source = (FIXTURES / "every_construct_311.py").read_text(encoding="utf-8")
    source = source.replace("\n", newline)
    assert dump(translated(source)) == dump(ast.parse(source))


@pytest.mark.parametrize("module", STDLIB_SAMPLE)
def test_standard_library_translates_exactly_as_ast_parses_it(module: str) -> None:
    path = STDLIB / module
    if not path.exists():
        pytest.skip(f"{module} is not installed with this Python")
    source = path.read_text(encoding="utf-8")
    assert dump(translated(source)) == dump(ast.parse(source))


def test_the_core_of_the_sample_is_always_there() -> None:
    # the parametrized test above may skip the test/ modules, never these
    assert all((STDLIB / m).exists() for m in STDLIB_SAMPLE[:7])


# -- 3.12 and 3.13 syntax: the translation must equal what Python 3.13 parses -----------------


GOLDEN = sorted(FIXTURES.glob("*.ast.json"))


def test_reference_dumps_cover_the_312_and_313_fixtures() -> None:
    assert [p.name for p in GOLDEN] == [
        "pep695_generics.ast.json",
        "pep696_defaults.ast.json",
        "pep701_fstrings.ast.json",
    ]


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name.removesuffix(".ast.json"))
def test_newer_syntax_translates_to_what_python_3_13_parses(golden: Path) -> None:
    source_path = golden.with_name(golden.name.removesuffix(".ast.json") + ".py")
    source = source_path.read_text(encoding="utf-8")
    if sys.version_info < NEEDS[source_path.name]:
        with pytest.raises(SyntaxError):
            ast.parse(source)  # so the check really needs the translation for this file
    assert shape(translated(source)) == json.loads(golden.read_text(encoding="utf-8"))


def _newer_pythons() -> list[str]:
    """Interpreters of 3.13 or later on this machine (pyenv's included), to remake the dumps."""
    found = []
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(str(p) for p in pyenv.glob("3.1[3-9]*/bin/python3"))
    candidates += [c for c in (shutil.which(f"python3.{m}") for m in (13, 14, 15)) if c]
    for candidate in candidates:
        check = "import sys; sys.exit(sys.version_info < (3, 13))"
        done = subprocess.run(
            [candidate, "-c", check], check=False, capture_output=True, timeout=30
        )
        if done.returncode == 0:
            found.append(candidate)
    return found


def test_reference_dumps_are_what_a_real_newer_python_writes(tmp_path: Path) -> None:
    pythons = _newer_pythons()
    if not pythons:
        pytest.skip("no Python >= 3.13 on this machine to remake the reference dumps")
    for name in NEEDS:
        shutil.copy(FIXTURES / name, tmp_path / name)
    script = Path(__file__).with_name("ast_shape.py")
    subprocess.run([pythons[0], str(script), str(tmp_path)], check=True, timeout=120)
    for golden in GOLDEN:
        assert (tmp_path / golden.name).read_text() == golden.read_text(), golden.name


# -- 3.14 and 3.15 syntax: the shapes their documentation gives --------------------------------


def test_template_strings_and_except_without_parentheses() -> None:
    tree = parse_python((FIXTURES / "py314_syntax.py").read_text(encoding="utf-8"))
    template = tree.body[1]
    assert isinstance(template, ast.Assign)
    assert type(template.value).__name__ == "TemplateStr"  # a Template, never a str
    parts = template.value.values  # type: ignore[attr-defined]
    assert [type(p).__name__ for p in parts] == [
        "Constant",
        "Interpolation",
        "Constant",
        "Interpolation",
        "Constant",
    ]
    hello, first, label, second, tail = parts
    assert (hello.value, label.value, tail.value) == ("Hello ", " name=", " {braces}")
    assert (first.str, first.conversion, second.conversion) == ("name", ord("r"), ord("r"))
    assert [c.value for c in first.format_spec.values] == [">10"]
    assert isinstance(first.value, ast.Name) and first.value.col_offset == 20
    for statement, kind in ((tree.body[2], ast.Try), (tree.body[3], ast.TryStar)):
        assert isinstance(statement, kind)
        handler = statement.handlers[0]  # type: ignore[attr-defined]
        assert isinstance(handler.type, ast.Tuple)
    plain, star = (s.handlers[0].type for s in tree.body[2:4])  # type: ignore[attr-defined]
    assert [e.id for e in plain.elts] == ["ValueError", "TypeError"]
    assert (plain.lineno, plain.col_offset, plain.end_col_offset) == (6, 7, 28)
    assert [e.id for e in star.elts] == ["OSError", "KeyError"]
    assert (star.lineno, star.col_offset, star.end_col_offset) == (10, 8, 25)


def test_lazy_imports_and_unpacking_in_comprehensions() -> None:
    tree = parse_python((FIXTURES / "py315_syntax.py").read_text(encoding="utf-8"))
    lazy, lazy_from, merged, flat = tree.body
    assert isinstance(lazy, ast.Import) and getattr(lazy, "is_lazy", 0) == 1
    assert [(a.name, a.asname) for a in lazy.names] == [("json.decoder", "decoder")]
    assert isinstance(lazy_from, ast.ImportFrom) and lazy_from.module == "os"
    assert isinstance(merged, ast.Assign) and isinstance(merged.value, ast.DictComp)
    assert isinstance(merged.value.key, ast.Name) and merged.value.value is None
    assert isinstance(flat, ast.Assign) and isinstance(flat.value, ast.ListComp)
    assert isinstance(flat.value.elt, ast.Starred)


# -- the check on newer code -------------------------------------------------------------------


def _check(root: Path, **options: object):  # type: ignore[no-untyped-def]
    request = CheckRequest(paths=["."], root=root, use_cache=False, **options)  # type: ignore[arg-type]
    return check_paths(request)


SERVICE_312 = """\
import os
import sqlite3
from string.templatelib import Template

type UserId = int


class Users[T]:
    def find(self, conn: sqlite3.Connection, user: dict[str, str]) -> list[T]:
        return conn.execute(f"SELECT * FROM users WHERE name = '{user["name"]}'").fetchall()

    def safe(self, name: str) -> Template:
        return t"SELECT * FROM users WHERE name = {name}"


def run[T: str](command: T) -> None:
    os.system(f"{command} --verbose")  # backend-skill: ignore[BS999]
"""


def test_rules_fire_in_code_written_for_newer_pythons(tmp_path: Path) -> None:
    (tmp_path / "service.py").write_text(SERVICE_312, encoding="utf-8")
    result = _check(tmp_path).result
    assert result.notices == []
    assert [(f.rule_id, f.location.line, f.location.column) for f in result.findings] == [
        ("BS101", 10, 16),  # SQL built by a 3.12 f-string
        ("BS102", 17, 5),  # shell command in a generic function
    ]  # the t-string query is how SQL is built safely: not flagged


def test_suppression_and_non_ascii_columns_in_newer_code(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import os\n"
        "type Path = str\n"
        'café = f"{os.environ["HOME"]}"; os.system(café)  # backend-skill: ignore[BS102]\n'
        'naïve = f"{os.environ["HOME"]}"; os.system(naïve)\n',
        encoding="utf-8",
    )
    findings = _check(tmp_path).result.findings
    found = [(f.rule_id, f.location.line, f.location.column) for f in findings]
    assert found == [("BS102", 4, 34)]  # columns count characters, not UTF-8 bytes


def test_fixes_apply_to_code_written_for_newer_pythons(tmp_path: Path) -> None:
    path = tmp_path / "client.py"
    path.write_text(
        "import requests\n\n\n"
        "def fetch[T](url: str, names: dict[str, str]) -> T:\n"
        '    print(f"fetching {names["a"]}")\n'
        "    return requests.get(url).json()\n",
        encoding="utf-8",
    )
    output = _check(tmp_path, fix_mode="write")
    assert output.result.fixed_files == ["client.py"]
    assert path.read_text(encoding="utf-8").splitlines()[3:] == [
        "def fetch[T](url: str, names: dict[str, str]) -> T:",
        '    print(f"fetching {names["a"]}")',
        "    return requests.get(url, timeout=10).json()",
    ]


def test_deeply_nested_format_specs_are_newer_syntax_not_errors(tmp_path: Path) -> None:
    # 3.11 refuses a third level of nesting ("expressions nested too deeply"); 3.12 allows it
    (tmp_path / "report.py").write_text(
        "import os\n\n\ndef show(value, width, digits):\n"
        '    os.system(f"echo {value:{width}.{digits:{1}}}")\n',
        encoding="utf-8",
    )
    result = _check(tmp_path).result
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("BS102", 5)]


def test_a_file_with_newer_syntax_and_a_real_error_is_a_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text("type X = int\nvalue = (1,\n", encoding="utf-8")
    result = _check(tmp_path).result
    assert [f.rule_id for f in result.findings] == ["BS000"]
    assert result.notices == []


def test_newer_code_the_translation_cannot_read_is_a_notice(tmp_path: Path) -> None:
    # libcst's position pass recurses once per implicitly concatenated string
    parts = " ".join(f'"part {i} "' for i in range(3000))
    (tmp_path / "huge.py").write_text(f"type X = int\nHELP = ({parts})\n", encoding="utf-8")
    result = _check(tmp_path).result
    assert result.findings == []
    [notice] = result.notices
    assert notice.reason == "newer-syntax" and "RecursionError" in notice.message
