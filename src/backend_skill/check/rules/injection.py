"""Injection: SQL and shell commands built from data, dynamic code, unsafe deserialization,
XML parsers that resolve entities."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check import flow
from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.flow import Origin
from backend_skill.check.namewords import is_test_path
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import is_const, keyword, method_name
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

SQL_METHODS = frozenset({"execute", "executemany", "executescript", "raw"})
SQL_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"}
)


# Safe to splice into SQL text: quoted identifiers (Django's connection.ops.quote_name,
# psycopg2's quote_ident, SQLAlchemy's preparer.quote_identifier), numbers, and the table names
# an ORM derives from model classes (Django's `Model._meta.db_table`, SQLAlchemy's
# `Model.__tablename__` and `Model.__table__.name`).
SQL_SANITIZERS = frozenset(
    {"quote_name", "quote_ident", "quote_identifier", "escape_identifier", "int", "float", "len"}
    | {"_meta.db_table", "__tablename__", "__table__.name"}
)
# Safe to splice into a shell command line: shell-quoted words, and numbers.
SHELL_SANITIZERS = frozenset({"shlex.quote", "shlex.join", "pipes.quote", "int", "float"})


def _dynamic_sql(expr: ast.AST, ctx: FileContext) -> bool:
    if not ctx.is_dynamic_string(expr):
        return False
    sanitized = flow.sanitized_origin(expr, ctx.function, ctx.tree, SQL_SANITIZERS)
    return sanitized in (Origin.BUILT, Origin.REQUEST)


class SqlBuiltFromStrings(PythonRule):
    id = "BS101"
    name = "sql-built-from-strings"
    area = "database"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (89,)
    pattern = "database-patterns#parameterized-queries"
    summary = "SQL text built with an f-string, %, .format or + reaches execute/text()/raw()."
    why = (
        "A query assembled from values lets those values change the query itself: a quote in a "
        "name becomes SQL, and an attacker reads or deletes data (SQL injection). Drivers send "
        "parameters separately from the text, so they can never be parsed as SQL."
    )
    instead = (
        "Keep the SQL text constant with placeholders (`%s`, `?`, `:name`) and pass the values "
        "as parameters: `cur.execute('SELECT ... WHERE id = %s', (user_id,))`."
    )
    message = (
        "SQL text is built from non-constant values; use a constant query with placeholders "
        "and pass the values as parameters."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = SQL_FUNCTIONS
    methods = SQL_METHODS | {"extra"}
    valid = (
        Valid('cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))\n'),
        Valid(
            "TABLE = 'users'\n"
            "def load(cur, user_id):\n"
            "    query = f'SELECT * FROM {TABLE} WHERE id = %s'\n"
            "    cur.execute(query, (user_id,))\n"
        ),
        Valid(
            "def by_ids(cur, ids):\n"
            "    marks = ', '.join(['%s'] * len(ids))\n"
            "    cur.execute(f'SELECT * FROM t WHERE id IN ({marks})', ids)\n"
        ),
        Valid(
            "from sqlalchemy import text\n"
            "stmt = text('SELECT * FROM orders WHERE id = :id')\n"
            "session.execute(stmt, {'id': order_id})\n"
        ),
        Valid("def run(cur, sql):\n    cur.execute(sql)\n"),
        # identifiers quoted by the driver or the ORM, numbers coerced with int()
        Valid(
            "from psycopg2 import sql\n"
            "def purge(cur, table, days):\n"
            "    query = sql.SQL('DELETE FROM {} WHERE age > %s').format(sql.Identifier(table))\n"
            "    cur.execute(query, (days,))\n"
        ),
        Valid(
            "from django.db import connection\n"
            "def describe(cursor, table):\n"
            "    cursor.execute('DESCRIBE %s' % connection.ops.quote_name(table))\n"
        ),
        # the name is reassigned a constant query before it runs (sqlite3/dump.py:76)
        Valid(
            "def sync(cur, table):\n"
            "    q = f'syncing {table}'\n"
            "    log.info(q)\n"
            "    q = 'SELECT id FROM jobs WHERE state = %s'\n"
            "    cur.execute(q, ('ready',))\n"
        ),
        Valid(
            "def page(cur, limit):\n"
            "    cur.execute(f'SELECT id FROM orders ORDER BY id LIMIT {int(limit)}')\n"
        ),
        # table names the ORM derives from models; counters and %d print only numbers
        Valid(
            "from django.db import connection\n"
            "def estimate_rows(model):\n"
            "    t = model._meta.db_table\n"
            "    with connection.cursor() as cursor:\n"
            "        cursor.execute(\"SELECT reltuples FROM pg_class WHERE relname='%s'\" % t)\n"
            "        return cursor.fetchone()\n"
            "def every_nth(cursor, step):\n"
            "    cursor.execute('SELECT id FROM (SELECT id, row_number() OVER () AS n '\n"
            "                   'FROM jobs) t WHERE n %% %d = 1' % step)\n"
        ),
        Valid(
            "from sqlalchemy import and_, text\n"
            "def with_tags(stmt, tag_ids):\n"
            "    clauses = []\n"
            "    for index, tag_id in enumerate(tag_ids):\n"
            "        name = f'tag_{index}'\n"
            "        clauses.append(text(f'tags @> :{name}').bindparams(**{name: tag_id}))\n"
            "    return stmt.where(and_(*clauses))\n"
        ),
        # a test breaking its own schema on purpose
        Valid(
            "from django.db import connection\n"
            "def drop_column(self, column):\n"
            "    with connection.cursor() as cursor:\n"
            "        cursor.execute(f'ALTER TABLE search_entry DROP COLUMN {column}')\n",
            filename="search/tests/test_backends.py",
        ),
        # a migration's DDL over table and column names written out in the migration
        Valid(
            "from alembic import op\n"
            "WIDENED = [('comment', 'body'), ('ticket', 'summary')]\n"
            "def upgrade():\n"
            "    for table, column in WIDENED:\n"
            "        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE text')\n"
        ),
        # SQLAlchemy's join(target, onclause) builds a statement, not a string
        Valid(
            "from sqlalchemy import func, select\n"
            "async def orders_page(db, user_id, limit):\n"
            "    count_stmt = (\n"
            "        select(func.count(Order.id))\n"
            "        .select_from(Order)\n"
            "        .join(User, Order.user_id == User.id)\n"
            "    )\n"
            "    total = (await db.execute(count_stmt)).scalar()\n"
            "    names = select(Order.id, User.name).join(User)\n"
            "    return total, (await db.execute(names)).all()\n"
        ),
    )
    invalid = (
        Invalid(
            "def f(cur, name):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
        ),
        Invalid(
            "def f(cur, user_id):\n"
            "    q = 'SELECT * FROM users WHERE id = %s' % user_id\n"
            "    cur.execute(q)\n"
        ),
        Invalid(
            "from sqlalchemy import text\n"
            "def f(session, col):\n"
            "    session.execute(text('SELECT {} FROM t'.format(col)))\n"
        ),
        Invalid("def f(cur, v):\n    cur.executemany('INSERT INTO t VALUES (' + v + ')', [])\n"),
        Invalid(
            "def view(request):\n"
            "    return User.objects.raw('SELECT * FROM u WHERE n = ' + request.GET['n'])\n"
        ),
        Invalid("def f(qs, order):\n    return qs.extra(where=[f'state = {order}'])\n"),
        Invalid(
            "def sync(cur, table, recent):\n"
            "    q = 'SELECT id FROM jobs'\n"
            "    if recent:\n"
            "        q = f'SELECT id FROM {table}'\n"
            "    cur.execute(q)\n"
        ),
        # %s takes any text, and enumerate's item is data, not the counter
        Invalid(
            "from sqlalchemy import text\n"
            "def f(session, names):\n"
            "    for i, name in enumerate(names):\n"
            "        session.execute(text(\"UPDATE t SET n = '%s' WHERE id = %d\" % (name, i)))\n"
        ),
        # one of the looped-over names comes from the caller
        Invalid(
            "def purge(cur, extra_table):\n"
            "    for table, days in (('sessions', 7), (extra_table, 30)):\n"
            '        cur.execute(f"DELETE FROM {table} WHERE age > {days}")\n'
        ),
        # conditions joined into the text with str.join
        Invalid(
            "def search(cur, filters):\n"
            "    where = ' AND '.join(f\"{k} = '{v}'\" for k, v in filters.items())\n"
            "    cur.execute('SELECT * FROM orders WHERE ' + where)\n"
        ),
        # quoting the table does not make the rest of the text safe
        Invalid(
            "def f(cur, ops, table, name):\n"
            "    cur.execute(f\"SELECT * FROM {ops.quote_name(table)} WHERE n = '{name}'\")\n"
        ),
        Invalid(
            "from psycopg2 import sql\n"
            "def f(cur, request):\n"
            "    cur.execute(sql.SQL(request.args['q']).format(sql.Identifier('t')))\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or is_test_path(ctx.path):
            return  # tests build schema and data they made themselves; no input reaches them
        method = method_name(node)
        query: ast.AST | None = None
        if ctx.call_name(node) in SQL_FUNCTIONS:
            query = node.args[0] if node.args else None
        elif method in SQL_METHODS:
            query = node.args[0] if node.args else _kw_value(node, "sql", "query", "operation")
        elif method == "extra":
            for name in ("where", "select", "tables"):
                value = _kw_value(node, name)
                if isinstance(value, (ast.List, ast.Tuple, ast.Dict)):
                    items = value.values if isinstance(value, ast.Dict) else value.elts
                    for item in items:
                        if item is not None and _dynamic_sql(item, ctx):
                            ctx.report(self, node)
                            return
            return
        if query is not None and _dynamic_sql(query, ctx):
            ctx.report(self, node)


def _kw_value(call: ast.Call, *names: str) -> ast.expr | None:
    for name in names:
        kw = keyword(call, name)
        if kw is not None:
            return kw.value
    return None


class YamlUnsafeLoad(PythonRule):
    id = "BS105"
    name = "yaml-unsafe-load"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (502,)
    pattern = "security-patterns#unsafe-deserialization"
    summary = "yaml.load without a safe loader (or yaml.unsafe_load) can run code from the input."
    why = (
        "PyYAML's full loaders build arbitrary Python objects named in the document, so a YAML "
        "file or request body can execute code. The safe loader builds only plain data."
    )
    instead = "Use `yaml.safe_load(text)` (or `Loader=yaml.SafeLoader`)."
    message = "yaml.load can construct arbitrary objects; use yaml.safe_load."
    fix_description = "Replace with yaml.safe_load"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = frozenset(
        {"yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all"}
    )
    valid = (
        Valid("import yaml\ndata = yaml.safe_load(text)\n"),
        Valid("import yaml\ndata = yaml.load(text, Loader=yaml.SafeLoader)\n"),
        Valid("import yaml\ndata = yaml.load(text, Loader=yaml.CSafeLoader)\n"),
        Valid("import json\ndata = json.load(fh)\n"),
    )
    invalid = (
        Invalid(
            "import yaml\ndata = yaml.load(text)  # config\n",
            fixed="import yaml\ndata = yaml.safe_load(text)  # config\n",
        ),
        Invalid(
            "import yaml\ndata = yaml.load(text, Loader=yaml.Loader)\n",
            fixed="import yaml\ndata = yaml.safe_load(text)\n",
        ),
        Invalid(
            "from yaml import unsafe_load\ndata = unsafe_load(body)\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node)
        if name in {"yaml.unsafe_load", "yaml.full_load", "yaml.unsafe_load_all"}:
            ctx.report(self, node, fixable=isinstance(node.func, ast.Attribute))
            return
        if name not in {"yaml.load", "yaml.load_all"}:
            return
        loader = keyword(node, "Loader")
        loader_node = loader.value if loader else (node.args[1] if len(node.args) > 1 else None)
        loader_name = ctx.qualname(loader_node) if loader_node is not None else None
        if loader_name and loader_name.rsplit(".", 1)[-1] in {"SafeLoader", "CSafeLoader"}:
            return
        ctx.report(self, node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            return None
        attr = node.func.attr.value
        target = {
            "load": "safe_load",
            "load_all": "safe_load_all",
            "unsafe_load": "safe_load",
            "full_load": "safe_load",
            "unsafe_load_all": "safe_load_all",
        }.get(attr)
        if target is None:
            return None
        args = [a for a in node.args if not (a.keyword and a.keyword.value == "Loader")]
        args = [a for a in args if a.keyword is not None or a is node.args[0]]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(func=node.func.with_changes(attr=cst.Name(target)), args=args)


SUBPROCESS_CALLS = frozenset(
    f"subprocess.{name}"
    for name in (
        "run",
        "call",
        "check_call",
        "check_output",
        "Popen",
        "getoutput",
        "getstatusoutput",
    )
)
SHELL_FUNCTIONS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "commands.getoutput",
    }
)


class ShellCommandInjection(PythonRule):
    id = "BS102"
    name = "shell-command-injection"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    pattern = "security-patterns#command-injection"
    summary = "A shell runs a command built from non-constant values (shell=True, os.system)."
    why = (
        "With a shell in between, characters such as `;`, `|` and `$(...)` in a value start "
        "new commands. A file name or form field then runs arbitrary programs on the server."
    )
    instead = (
        "Pass an argument list without a shell: `subprocess.run(['convert', src, dst], "
        "check=True, timeout=30)`; use shlex.quote only when a shell is truly unavoidable."
    )
    message = (
        "Shell command built from non-constant values; pass an argument list without shell=True."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = SUBPROCESS_CALLS | SHELL_FUNCTIONS
    valid = (
        Valid("import subprocess\nsubprocess.run(['ls', '-l', path], check=True)\n"),
        Valid("import subprocess\nsubprocess.run('ls -l /tmp', shell=True, check=True)\n"),
        Valid("import os\nos.system('clear')\n"),
        Valid(
            "import shlex, subprocess\n"
            "def f(name):\n"
            "    subprocess.run(['grep', name, 'log.txt'], shell=False)\n"
        ),
        Valid(
            "import os, shlex\n"
            "def page(path, lines):\n"
            "    os.system('head -n %d %s' % (int(lines), shlex.quote(path)))\n"
        ),
        # each command of a literal list in turn (platform.py, mcp/cli/cli.py)
        Valid(
            "import subprocess\n"
            "def windows_version():\n"
            "    for cmd in ('ver', 'command /c ver', 'cmd /c ver'):\n"
            "        return subprocess.check_output(cmd, shell=True, text=True)\n"
        ),
    )
    invalid = (
        Invalid(
            "import subprocess\n"
            "def convert(name):\n"
            "    subprocess.run(f'convert {name} out.png', shell=True)\n"
        ),
        Invalid("import os\ndef ping(host):\n    os.system('ping -c 1 ' + host)\n"),
        Invalid("import os\ndef f(request):\n    os.popen(request.args['cmd'])\n"),
        Invalid(
            "import subprocess\n"
            "def run_all(extra):\n"
            "    for cmd in ('make', extra):\n"
            "        subprocess.run(cmd, shell=True)\n"
        ),
        Invalid(
            "from subprocess import check_output\n"
            "def f(ref):\n"
            "    cmd = 'git log %s' % ref\n"
            "    return check_output(cmd, shell=True)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not node.args:
            return
        name = ctx.call_name(node)
        if name in SHELL_FUNCTIONS:
            if _dynamic_command(node.args[0], ctx):
                ctx.report(self, node)
            return
        if name in SUBPROCESS_CALLS:
            shell = keyword(node, "shell")
            if shell is None or is_const(shell.value, False):
                return
            if _dynamic_command(node.args[0], ctx):
                ctx.report(self, node)


def _dynamic_command(expr: ast.AST, ctx: FileContext) -> bool:
    if ctx.origin(expr) == Origin.CONSTANT:
        return False
    return flow.sanitized_origin(expr, ctx.function, ctx.tree, SHELL_SANITIZERS) != Origin.CONSTANT


# Library calls that run a string through Python's eval.
PYTHON_EXPRESSION_EVALUATORS = frozenset({"PIL.ImageMath.eval", "PIL.ImageMath.unsafe_eval"})


class DynamicCodeExecution(PythonRule):
    id = "BS103"
    name = "dynamic-code-execution"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (95,)
    pattern = "security-patterns#dynamic-code-execution"
    summary = "eval/exec (or Pillow's ImageMath.eval) runs a non-constant string as code."
    why = (
        "Code evaluated from data runs with the service's permissions: one crafted value reads "
        "secrets, files or the database. There is no safe way to sandbox eval."
    )
    instead = (
        "Parse data as data: `json.loads`, `ast.literal_eval` for Python literals, or a lookup "
        "table of allowed operations."
    )
    message = "eval/exec of a non-constant string runs arbitrary code; parse the data instead."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = frozenset({"eval", "exec"} | PYTHON_EXPRESSION_EVALUATORS)
    valid = (
        Valid("import ast\nvalue = ast.literal_eval(text)\n"),
        Valid("exec('import sys')\n"),
        Valid("result = model.eval()\n"),
        Valid(
            "from PIL import ImageMath\n"
            "def blend(a, b):\n"
            "    return ImageMath.lambda_eval(lambda args: args['a'] + args['b'], a=a, b=b)\n"
        ),
        Valid(
            "from PIL import ImageMath\nout = ImageMath.eval('convert(a + b, \"L\")', a=a, b=b)\n"
        ),
    )
    invalid = (
        Invalid("def calc(expr):\n    return eval(expr)\n"),
        Invalid("def f(request):\n    exec(request.form['code'])\n"),
        Invalid("def f(name):\n    code = f'result = {name}()'\n    exec(code)\n"),
        # Pillow evaluates the expression with Python's eval (CVE-2022-22817, CVE-2023-50447)
        Invalid(
            "from PIL import Image, ImageMath\n"
            "def lab(request):\n"
            "    img = Image.open(request.FILES['file'])\n"
            "    return ImageMath.eval(request.POST.get('function'), img=img)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call) or not node.args:
            return
        if isinstance(node.func, ast.Name):
            if node.func.id not in {"eval", "exec"} or node.func.id in ctx.aliases:
                return
        elif ctx.call_name(node) not in PYTHON_EXPRESSION_EVALUATORS:
            return
        if ctx.origin(node.args[0]) != Origin.CONSTANT:
            ctx.report(self, node)


DESERIALIZERS = frozenset(
    {
        "pickle.load",
        "pickle.loads",
        "pickle.Unpickler",
        "cPickle.load",
        "cPickle.loads",
        "_pickle.load",
        "_pickle.loads",
        "marshal.load",
        "marshal.loads",
        "shelve.open",
        "dill.load",
        "dill.loads",
        "jsonpickle.decode",
        "pandas.read_pickle",
        "joblib.load",
    }
)


SERIALIZERS = frozenset(
    {"pickle.dumps", "cPickle.dumps", "_pickle.dumps", "marshal.dumps", "dill.dumps"}
)


def _round_trip(data: ast.expr, ctx: FileContext) -> bool:
    """`pickle.loads(pickle.dumps(obj))`, or a local only ever bound to such bytes: the data
    was serialized here from the program's own object and crossed no trust boundary."""
    if isinstance(data, ast.Call):
        return ctx.call_name(data) in SERIALIZERS
    if not isinstance(data, ast.Name):
        return False
    scope = ctx.scope()  # built once per function, shared with every rule
    if data.id in scope.parameters or data.id in scope.unknown:
        return False
    values = scope.assignments.get(data.id, [])
    return bool(values) and all(
        isinstance(v, ast.Call) and ctx.call_name(v) in SERIALIZERS for v in values
    )


class UnsafeDeserialization(PythonRule):
    id = "BS104"
    name = "unsafe-deserialization"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (502,)
    pattern = "security-patterns#unsafe-deserialization"
    summary = "pickle, marshal, shelve (and kin) deserialize data that can run code."
    why = (
        "Unpickling calls constructors named by the data, so a crafted payload executes code. "
        "Anything that crossed a trust boundary (a request, a queue, a cache, an upload) must "
        "not be unpickled."
    )
    instead = (
        "Use a data-only format (JSON, MessagePack, protobuf) validated by a schema; sign and "
        "verify with HMAC if a binary format must round-trip through untrusted storage."
    )
    message = (
        "Deserializing with pickle/marshal/shelve can execute code; use JSON or another "
        "data-only format."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = DESERIALIZERS
    valid = (
        Valid("import json\ndata = json.loads(body)\n"),
        Valid("import pickle\nblob = pickle.dumps(obj)\n"),
        # a round trip of the program's own object (a copy, a picklability check)
        Valid("import pickle\ndef clone(obj):\n    return pickle.loads(pickle.dumps(obj))\n"),
        Valid(
            "import pickle\n"
            "def check(obj, proto):\n"
            "    data = pickle.dumps(obj, proto)\n"
            "    assert pickle.loads(data) == obj\n"
        ),
    )
    invalid = (
        Invalid("import pickle\ndef load(raw):\n    return pickle.loads(raw)\n"),
        Invalid("import shelve\ndb = shelve.open('cache')\n"),
        Invalid("from marshal import loads\nobj = loads(data)\n"),
        # bytes that come back from a cache are not a round trip
        Invalid(
            "import pickle\n"
            "def cached(key, obj):\n"
            "    data = redis.get(key)\n"
            "    if data is None:\n"
            "        data = pickle.dumps(obj)\n"
            "    return pickle.loads(data)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call) and ctx.call_name(node) in DESERIALIZERS:
            if node.args and _round_trip(node.args[0], ctx):
                return
            ctx.report(self, node)


XML_PARSERS = frozenset(
    {
        f"xml.etree.ElementTree.{n}"
        for n in ("parse", "fromstring", "XML", "iterparse", "XMLParser", "fromstringlist")
    }
    | {f"xml.etree.cElementTree.{n}" for n in ("parse", "fromstring", "XML", "iterparse")}
    | {
        "xml.dom.minidom.parse",
        "xml.dom.minidom.parseString",
        "xml.dom.pulldom.parse",
        "xml.dom.pulldom.parseString",
        "xml.sax.parse",
        "xml.sax.parseString",
        "xml.sax.make_parser",
        "xml.dom.expatbuilder.parse",
        "lxml.etree.parse",
        "lxml.etree.fromstring",
        "lxml.etree.XML",
    }
)


# Parsers whose first argument is the document itself (not a file or a stream).
XML_STRING_PARSERS = frozenset(
    name
    for name in XML_PARSERS
    if name.rsplit(".", 1)[-1] in {"fromstring", "XML", "fromstringlist", "parseString"}
)


class XmlStdlibParser(PythonRule):
    id = "BS106"
    name = "xml-unsafe-parser"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (611,)
    pattern = "security-patterns#xml-parsing"
    summary = "XML parsed with the stdlib (or lxml) parsers instead of defusedxml."
    why = (
        "The standard parsers expand entities: a small document can exhaust memory (billion "
        "laughs), and lxml resolves external entities, which reads local files or reaches "
        "internal hosts (XXE)."
    )
    instead = (
        "Parse untrusted XML with defusedxml: `from defusedxml.ElementTree import fromstring`."
    )
    message = "XML parsed with a stdlib/lxml parser; use defusedxml for untrusted input."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = XML_PARSERS
    valid = (
        Valid("from defusedxml.ElementTree import fromstring\nroot = fromstring(body)\n"),
        Valid("import xml.etree.ElementTree as ET\nroot = ET.Element('feed')\n"),
        # a document written in the code is not input: nobody else can add entities to it
        Valid(
            "import xml.etree.ElementTree as ET\nroot = ET.fromstring('<feed><entry/></feed>')\n"
        ),
        Valid(
            "from xml.dom import minidom\n"
            "ENVELOPE = '<Envelope><Body/></Envelope>'\n"
            "def envelope():\n    return minidom.parseString(ENVELOPE)\n"
        ),
    )
    invalid = (
        Invalid("import xml.etree.ElementTree as ET\nroot = ET.fromstring(body)\n"),
        Invalid("from xml.dom import minidom\ndoc = minidom.parseString(payload)\n"),
        Invalid("from lxml import etree\ntree = etree.parse(upload)\n"),
        Invalid(
            "import xml.etree.ElementTree as ET\n"
            "def feed(name):\n    return ET.fromstring(f'<feed title=\"{name}\"/>')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node)
        if name not in XML_PARSERS:
            return
        if name in XML_STRING_PARSERS and node.args and ctx.origin(node.args[0]) == Origin.CONSTANT:
            return
        ctx.report(self, node)
