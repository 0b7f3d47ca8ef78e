"""Value origins (`check/flow.py`) for the cases the precision audit taught us."""

from __future__ import annotations

import ast

import pytest

from backend_skill.check import flow


def _last_run(function: ast.FunctionDef) -> ast.Call:
    """The last `c.run(...)` call, in source order."""
    calls = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run"
    ]
    return max(calls, key=lambda call: (call.lineno, call.col_offset))


def _origin(source: str) -> flow.Origin:
    """Origin of the argument of the last `c.run(...)` in the last function of `source`."""
    tree = ast.parse(source)
    function = [n for n in tree.body if isinstance(n, ast.FunctionDef)][-1]
    call = _last_run(function)
    return flow.origin(call.args[0], flow.Scope.of(function, flow.Scope.of(tree, None)))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a loop over literals binds each literal in turn (platform.py: `for cmd in ('ver', ...)`)
        (
            "def f(c):\n    for q in ('ver', 'cmd /c ver'):\n        c.run(q)\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c):\n    for q in ['a', 'b']:\n        c.run([q, '--version'])\n",
            flow.Origin.CONSTANT,
        ),
        ("def f(c, x):\n    for q in ('a', x):\n        c.run(q)\n", flow.Origin.PARAMETER),
        ("def f(c, x):\n    for q in (*x, 'a'):\n        c.run(q)\n", flow.Origin.PARAMETER),
        ("def f(c):\n    for q in ():\n        c.run(q)\n", flow.Origin.UNKNOWN),
        # unpacked items, and a name bound only to a literal (zou's migrations:
        # `for table, column in TEXT_COLUMNS: op.execute(f"ALTER TABLE {table} ...")`)
        ("def f(c):\n    for q, r in (('a', 'b'),):\n        c.run(q)\n", flow.Origin.CONSTANT),
        (
            "COLUMNS = [('task', 'text'), ('comment', 'body')]\n"
            "def f(c):\n    for table, column in COLUMNS:\n        c.run(f'{table}.{column}')\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c, x):\n    pairs = (('a', 1), (x, 2))\n"
            "    for q, n in pairs:\n        c.run(q)\n",
            flow.Origin.PARAMETER,
        ),
        ("def f(c, x):\n    for q, r in x:\n        c.run(q)\n", flow.Origin.UNKNOWN),
        ("def f(c):\n    for q, *r in (('a', 'b'),):\n        c.run(q)\n", flow.Origin.UNKNOWN),
        (
            "ROWS = load()\ndef f(c):\n    for table, column in ROWS:\n        c.run(table)\n",
            flow.Origin.UNKNOWN,
        ),
        (
            "def f(c, x):\n    q = x\n    for q in ('a',):\n        c.run(q)\n",
            flow.Origin.PARAMETER,
        ),
    ],
)
def test_loop_over_literals(source: str, expected: flow.Origin) -> None:
    assert _origin(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # psycopg's sql.SQL(template).format(sql.Identifier(x)) is as safe as its template
        (
            "def f(c, t):\n    c.run(sql.SQL('SELECT * FROM {}').format(sql.Identifier(t)))\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c, t):\n    q = sql.SQL('DELETE FROM {}')\n"
            "    c.run(q.format(sql.Identifier(t)))\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c):\n    c.run(sql.SQL(', ').join([sql.Identifier('a'), sql.Literal(1)]))\n",
            flow.Origin.CONSTANT,
        ),
        (
            "def f(c, t):\n    c.run(sql.SQL(t).format(sql.Identifier('x')))\n",
            flow.Origin.PARAMETER,
        ),
        (
            "def f(c, t):\n    c.run(sql.SQL('{}').format(sql.SQL(t)))\n",
            flow.Origin.PARAMETER,
        ),
        # a str.format is still a string built from its arguments
        ("def f(c, t):\n    c.run('SELECT * FROM {}'.format(t))\n", flow.Origin.BUILT),
    ],
)
def test_sql_composition(source: str, expected: flow.Origin) -> None:
    assert _origin(source) == expected


def _sanitized(source: str, sanitizers: frozenset[str]) -> flow.Origin:
    tree = ast.parse(source)
    function = [n for n in tree.body if isinstance(n, ast.FunctionDef)][-1]
    return flow.sanitized_origin(_last_run(function).args[0], function, tree, sanitizers)


def test_sanitizers_are_per_sink() -> None:
    sql = frozenset({"quote_name", "int"})
    shell = frozenset({"shlex.quote"})
    quoted = "def f(c, t):\n    c.run('DROP TABLE %s' % c.ops.quote_name(t))\n"
    assert _sanitized(quoted, sql) == flow.Origin.CONSTANT
    assert _sanitized(quoted, shell) == flow.Origin.BUILT
    shell_quoted = "import shlex\ndef f(c, p):\n    c.run('ls ' + shlex.quote(p))\n"
    assert _sanitized(shell_quoted, shell) == flow.Origin.CONSTANT
    # `quote` from elsewhere (urllib.parse.quote) is not shell quoting
    assert _sanitized("def f(c, p):\n    c.run('ls ' + quote(p))\n", shell) == flow.Origin.BUILT
    mixed = "def f(c, t, n):\n    c.run(f'SELECT * FROM {c.quote_name(t)} WHERE n = {n}')\n"
    assert _sanitized(mixed, sql) == flow.Origin.BUILT


@pytest.mark.parametrize(
    ("source", "safe"),
    [
        # numbers: loop counters and %d conversions
        ("def f(c, xs):\n    for i, x in enumerate(xs):\n        c.run(f'p{i}')\n", True),
        ("def f(c, n):\n    for i in range(n):\n        c.run(f'p{i}')\n", True),
        ("def f(c, xs):\n    for i, x in enumerate(xs):\n        c.run(f'p{x}')\n", False),
        ("def f(c, n):\n    for i in range(n):\n        i = g(i)\n        c.run(f'p{i}')\n", False),
        ("def f(c, n):\n    c.run('LIMIT %d OFFSET %05.1f' % (n, n))\n", True),
        ("def f(c, n):\n    c.run('LIMIT %d -- %s' % (n, n))\n", False),
        ("def f(c, n):\n    c.run('SET x = %c' % n)\n", False),
        # table names the ORM derives from a model
        ("def f(c, m):\n    c.run('TRUNCATE %s' % m._meta.db_table)\n", True),
        ("def f(c, m):\n    c.run(f'TRUNCATE {m.__tablename__}')\n", True),
        ("def f(c, m):\n    c.run(f'TRUNCATE {m.db_table}')\n", False),
    ],
)
def test_numbers_and_orm_tables_are_safe_in_sql(source: str, safe: bool) -> None:
    sql = frozenset({"int", "_meta.db_table", "__tablename__"})
    expected = flow.Origin.CONSTANT if safe else flow.Origin.BUILT
    assert _sanitized(source, sql) == expected
    # for a sink that declares nothing safe, all of them are built text as before
    assert _sanitized(source, frozenset()) == flow.Origin.BUILT


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # the nearest assignment before the use in the same block decides (sqlite3/dump.py:76)
        (
            "def f(c, x):\n    q = 'SELECT ' + x\n    c.run(q)\n    q = 'SELECT 1'\n    c.run(q)\n",
            flow.Origin.CONSTANT,
        ),
        ("def f(c, q):\n    q = 'SELECT 1'\n    c.run(q)\n", flow.Origin.CONSTANT),
        ("def f(c, q):\n    q = q + ' LIMIT 1'\n    c.run(q)\n", flow.Origin.BUILT),
        (
            "def f(c, x):\n    q = 'a'\n    with c:\n        q = 'b'\n        c.run(q)\n",
            flow.Origin.CONSTANT,
        ),
        # anything that may rebind the name in between keeps every assignment in play
        (
            "def f(c, x):\n    q = 'a'\n    if x:\n        q = x\n    c.run(q)\n",
            flow.Origin.PARAMETER,
        ),
        ("def f(c, x):\n    q = 'a'\n    q += x\n    c.run(q)\n", flow.Origin.BUILT),
        (
            "def f(c, x):\n    q = 'a'\n    for i in x:\n        c.run(q)\n        q = 'b' + i\n",
            flow.Origin.BUILT,
        ),
        (
            "def f(c, x):\n    q = 'a'\n    while c.more():\n        c.run(q)\n        q = x\n",
            flow.Origin.PARAMETER,
        ),
        (
            "def f(c, x):\n    q = 'a'\n    try:\n        q = x\n        c.go()\n"
            "    except E:\n        c.run(q)\n",
            flow.Origin.PARAMETER,
        ),
        ("def f(c, x):\n    q = 'a'\n    with x as q:\n        c.run(q)\n", flow.Origin.UNKNOWN),
        ("def f(c, x):\n    q = 'a'\n    if (q := x):\n        c.run(q)\n", flow.Origin.PARAMETER),
        (
            "def f(c, x):\n    q = 'a'\n    def g():\n        return x\n    c.run(q)\n",
            flow.Origin.CONSTANT,
        ),
        ("def f(c, x):\n    q = 'a'\n    c.run([q for q in x])\n", flow.Origin.UNKNOWN),
    ],
)
def test_straight_line_assignments(source: str, expected: flow.Origin) -> None:
    assert _origin(source) == expected
