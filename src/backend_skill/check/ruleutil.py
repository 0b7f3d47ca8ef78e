"""Small helpers rules share: reading calls in `ast`, and editing calls in libcst."""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

SECRET_WORDS = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|token|api_?key|apikey|private_?key|credential|"
    r"auth_?key|access_?key|signing_?key|client_?secret)",
    re.IGNORECASE,
)
# Names that merely mention a secret without holding one.
NOT_A_SECRET = re.compile(
    r"(_?(name|names|field|fields|url|uri|path|file|header|headers|type|types|len|length|"
    r"id|ids|env|var|key_name|prefix|regex|pattern|label|policy|hint|min|max|count|endpoint|"
    r"expiry|expires|ttl|lifetime|timeout|algorithm|algorithms|format|kind|param|column|"
    r"attr|class|cls|validator|reset|changed|required|strength|"
    # a Django model reference (`OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL`), the alphabet a secret is
    # drawn from, and human text about a secret (a mail subject, a form label)
    r"model|charset|alphabet|chars|title|subject|message|msg|description|help_text)$|"
    # flags, and counts or limits of tokens (`max_tokens`, an LLM parameter)
    r"^(is|has|use|should|max|min|num)_)",
    re.IGNORECASE,
)


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_splat(call: ast.Call) -> bool:
    """`**kwargs` may carry any keyword, so absence of one cannot be proven."""
    return any(kw.arg is None for kw in call.keywords)


def is_const(node: ast.AST | None, value: object) -> bool:
    return (
        isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value
    )


def const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_prose_string(node: ast.AST, parent: ast.AST | None) -> bool:
    """A string that is a statement of its own: a docstring, or a bare string used as a comment.

    Its text is documentation (`postgres://user:secret@host/db` as an example), never a value.
    """
    return (
        isinstance(parent, ast.Expr)
        and isinstance(node, ast.Constant)
        and isinstance(node.value, str)
    )


def name_of(node: ast.AST) -> str | None:
    """The last identifier of a Name/Attribute/Subscript chain: `self.api_token` -> api_token."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = const_str(node.slice)
        return key if key is not None else name_of(node.value)
    return None


# Words that contain a secret word without meaning one: `bypass`, `passenger`, `passlib`,
# `tokenizer`, `secretary`. SECRET_WORDS matches inside words on purpose (`dbpass`, `adminpwd`).
HOLDS_SECRET_WORD = re.compile(
    r"(by|com|sur|tres)pass|pass(enger|age|ive|port|through|thru|lib|py)|tokeni[sz]|secretar",
    re.IGNORECASE,
)


def is_secret_name(name: str | None) -> bool:
    if not name or NOT_A_SECRET.search(name):
        return False
    return bool(SECRET_WORDS.search(HOLDS_SECRET_WORD.sub("", name)))


def method_name(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def receiver(call: ast.Call) -> ast.expr | None:
    return call.func.value if isinstance(call.func, ast.Attribute) else None


# -- libcst editing (imported lazily: only fixes pay for libcst) ----------------------------


def cst_keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def cst_add_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    """Append `name=value` after the last argument, keeping the call's own formatting."""
    import libcst as cst

    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        # a trailing comma (usually one argument per line): the new one goes on its own line
        previous = args[-2].comma if len(args) >= 2 else None
        separator = (
            previous
            if isinstance(previous, cst.Comma)
            else cst.Comma(whitespace_after=call.whitespace_before_args)
        )
        args[-1] = last.with_changes(comma=separator)
        args.append(new_arg.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(new_arg)
    return call.with_changes(args=args)


def cst_remove_keyword(call: cst.Call, name: str) -> cst.Call:
    import libcst as cst

    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == name)]
    if args and len(args) < len(call.args):
        original_last = call.args[-1]
        if args[-1] is not original_last:
            args[-1] = args[-1].with_changes(comma=original_last.comma)
            if isinstance(original_last.comma, cst.MaybeSentinel):
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def name_words(name: str) -> set[str]:
    """`apiKey`, `api_key`, `X-Api-Key` -> {"api", "key"} (lower-case parts)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return {part for part in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if part}


def target_names(statement: ast.AST) -> list[str]:
    """The names an assignment-like statement binds (`self.token = ...` -> ["token"]).

    Only the bound name counts, not the object it hangs on: `check_token.__name__ = ...` binds
    `__name__`, and `token_data["grant_type"] = ...` binds `grant_type`.
    """
    targets: list[ast.AST] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        targets = [statement.target]
    names = []
    while targets:
        target = targets.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            targets.extend(target.elts)
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
        else:
            name = name_of(target)
            if name:
                names.append(name)
    return names


def own_nodes(body: list[ast.stmt], *, stop_at: tuple[type[ast.AST], ...] = ()) -> list[ast.AST]:
    """Nodes of a block, not descending into nested functions, classes or lambdas (nor into
    the kinds in `stop_at`, which are listed themselves)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if stop_at and isinstance(node, stop_at):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def decorated_route_path(function: ast.AST | None, decorators: frozenset[str]) -> str | None:
    """The literal path of the first `@x.<decorator>("/path")` on a function, if any."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in decorators
            and decorator.args
        ):
            path = const_str(decorator.args[0])
            if path is not None and path.startswith("/"):
                return path
    return None
