"""Cryptography and transport: TLS verification, hashing, randomness, comparisons."""

from __future__ import annotations

import ast
import hashlib
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.flow import Origin
from backend_skill.check.namewords import first_word, is_test_path
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    const_str,
    cst_keyword,
    cst_remove_keyword,
    is_const,
    keyword,
    name_of,
    name_words,
    target_names,
)
from backend_skill.models import Confidence, Severity

if TYPE_CHECKING:
    import libcst as cst

HTTP_LIBRARIES = ("requests", "httpx", "aiohttp", "urllib3")


class TlsVerificationDisabled(PythonRule):
    id = "BS212"
    name = "tls-verification-disabled"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295,)
    pattern = "security-patterns#tls-verification"
    summary = "TLS certificate verification is switched off (verify=False, unverified contexts)."
    why = (
        "Without certificate verification anyone on the network path can impersonate the server "
        "and read or change the traffic, including credentials. Encryption without "
        "authentication is not secure transport."
    )
    instead = (
        "Keep verification on; for a private CA pass its bundle: `verify='/path/ca.pem'`, or "
        "build the context with `ssl.create_default_context(cafile=...)`."
    )
    message = "TLS certificate verification is disabled; keep it on (pass a CA bundle if needed)."
    fix_description = "Remove verify=False (verification is the default)"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call, ast.Assign)
    valid = (
        Valid("import requests\nrequests.get(url, timeout=10)\n"),
        Valid("import requests\nrequests.get(url, verify='/etc/ssl/ca.pem', timeout=10)\n"),
        Valid("import ssl\nctx = ssl.create_default_context()\n"),
        Valid("def check(verify=False):\n    return verify\n"),
    )
    invalid = (
        Invalid(
            "import requests\nr = requests.get(url, verify=False, timeout=10)\n",
            fixed="import requests\nr = requests.get(url, timeout=10)\n",
        ),
        Invalid(
            "import httpx\nclient = httpx.Client(verify=False)\n",
            fixed="import httpx\nclient = httpx.Client()\n",
        ),
        Invalid(
            "import requests\ns = requests.Session()\ns.post(\n    url,\n    json=body,\n"
            "    verify=False,\n    timeout=5,\n)\n",
            fixed="import requests\ns = requests.Session()\ns.post(\n    url,\n    json=body,\n"
            "    timeout=5,\n)\n",
        ),
        Invalid("import ssl\nctx = ssl._create_unverified_context()\n", fixable=False),
        Invalid(
            "import ssl\nctx = ssl.create_default_context()\nctx.verify_mode = ssl.CERT_NONE\n",
            fixable=False,
        ),
        Invalid(
            "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Assign):
            target = node.targets[0]
            if isinstance(target, ast.Attribute) and (
                (
                    target.attr == "verify_mode"
                    and (ctx.qualname(node.value) or "").endswith("CERT_NONE")
                )
                or (target.attr == "check_hostname" and is_const(node.value, False))
            ):
                ctx.report(self, node, fixable=False)
            return
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node) or ""
        if name in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
            ctx.report(self, node, fixable=False)
            return
        verify = keyword(node, "verify")
        if verify is not None and is_const(verify.value, False) and _is_http_call(node, ctx):
            ctx.report(self, verify.value, fix_node=node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Call) and cst_keyword(node, "verify") is not None:
            return cst_remove_keyword(node, "verify")
        return None


def _is_http_call(node: ast.Call, ctx: FileContext) -> bool:
    """verify= on a call into an HTTP library or on a method of a client/session object."""
    name = ctx.call_name(node) or ""
    if name.split(".", 1)[0] in HTTP_LIBRARIES:
        return True
    return isinstance(node.func, ast.Attribute) and any(ctx.imports(lib) for lib in HTTP_LIBRARIES)


WEAK_HASHES = frozenset({"md5", "sha1", "md4", "md2", "sha"})
HASHLIB_CALLS = frozenset(
    f"hashlib.{name}"
    for name in (
        *hashlib.algorithms_available,
        *hashlib.algorithms_guaranteed,
        "new",
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "md4",
    )
)
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "pass"})


def _hash_call(node: ast.Call, ctx: FileContext) -> tuple[str, ast.expr | None] | None:
    """(algorithm, data argument) for hashlib.<alg>(data) and hashlib.new('alg', data)."""
    name = ctx.call_name(node) or ""
    if not name.startswith("hashlib."):
        return None
    algorithm = name.removeprefix("hashlib.")
    args = list(node.args)
    if algorithm == "new":
        first = args[0] if args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return None
        algorithm = first.value.lower().replace("-", "")
        args = args[1:]
    elif algorithm in {"pbkdf2_hmac", "scrypt", "file_digest", "blake2b", "blake2s"}:
        return None
    data = args[0] if args else (keyword(node, "data") or keyword(node, "string"))
    if isinstance(data, ast.keyword):
        data = data.value
    return algorithm, data


def _mentions_password(expr: ast.AST | None) -> bool:
    if expr is None:
        return False
    for node in ast.walk(expr):
        name = (
            node.id
            if isinstance(node, ast.Name)
            else node.attr
            if isinstance(node, ast.Attribute)
            else None
        )
        if name and name_words(name) & PASSWORD_WORDS:
            return True
    return False


class WeakHash(PythonRule):
    id = "BS201"
    name = "weak-hash"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (327, 328)
    pattern = "security-patterns#weak-hashing"
    summary = "MD5 or SHA-1 used where it may protect something (no usedforsecurity=False)."
    why = (
        "MD5 and SHA-1 collisions are cheap to produce, so they cannot protect integrity or "
        "authenticity (signatures, tokens, tamper checks). For a non-security checksum, say so "
        "with usedforsecurity=False so readers and scanners know."
    )
    instead = (
        "Use SHA-256 (hashlib.sha256) or HMAC-SHA256 for integrity; for cache keys and ETags "
        "keep MD5 but pass usedforsecurity=False."
    )
    message = (
        "MD5/SHA-1 is broken for security; use SHA-256, or pass usedforsecurity=False for "
        "a checksum."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = HASHLIB_CALLS
    valid = (
        Valid("import hashlib\ndigest = hashlib.sha256(body).hexdigest()\n"),
        Valid("import hashlib\netag = hashlib.md5(body, usedforsecurity=False).hexdigest()\n"),
        Valid("import hashlib\nh = hashlib.new('sha256', data)\n"),
    )
    invalid = (
        Invalid("import hashlib\nsig = hashlib.md5(secret + body).hexdigest()\n"),
        Invalid("import hashlib\nh = hashlib.new('sha1', data)\n"),
        Invalid("from hashlib import sha1\nh = sha1(data)\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        found = _hash_call(node, ctx)
        if found is None or found[0] not in WEAK_HASHES:
            return
        flag = keyword(node, "usedforsecurity")
        if flag is not None and is_const(flag.value, False):
            return
        if _mentions_password(found[1]):
            return  # BS202 reports password hashing, which is worse
        ctx.report(self, node)


class PasswordFastHash(PythonRule):
    id = "BS202"
    name = "password-fast-hash"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (916,)
    pattern = "security-patterns#password-hashing"
    summary = "A password is hashed with a fast, unsalted digest (md5/sha1/sha256...)."
    why = (
        "Fast hashes let an attacker with the table try billions of guesses per second, and "
        "without a per-user salt one guess tests every account at once. Password storage needs "
        "a slow, salted, memory-hard function."
    )
    instead = (
        "Hash passwords with argon2id (argon2-cffi `PasswordHasher().hash(pw)`) or bcrypt with "
        "cost >= 12; verify with the library's verify function."
    )
    message = "Password hashed with a fast digest; use argon2id or bcrypt (cost >= 12)."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = HASHLIB_CALLS
    valid = (
        Valid("from argon2 import PasswordHasher\nhashed = PasswordHasher().hash(password)\n"),
        Valid("import hashlib\nkey_hash = hashlib.sha256(api_key.encode()).hexdigest()\n"),
        Valid(
            "import hashlib\ndk = hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 600_000)\n"
        ),
    )
    invalid = (
        Invalid("import hashlib\nstored = hashlib.md5(password.encode()).hexdigest()\n"),
        Invalid(
            "import hashlib\n"
            "def hash_pw(user):\n"
            "    return hashlib.sha256(user.password.encode('utf-8')).hexdigest()\n"
        ),
        Invalid("import hashlib\nh = hashlib.new('sha512', (salt + pwd).encode())\n"),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        found = _hash_call(node, ctx)
        if found is not None and _mentions_password(found[1]):
            ctx.report(self, node)


class BcryptLowCost(PythonRule):
    id = "BS203"
    name = "bcrypt-low-cost"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (916,)
    pattern = "security-patterns#password-hashing"
    summary = "bcrypt cost (rounds) below 12."
    why = (
        "Each cost step halves an attacker's guessing rate. Below 12 rounds, bcrypt is fast "
        "enough on current GPUs to make offline cracking of leaked hashes practical."
    )
    instead = "Use `bcrypt.gensalt(rounds=12)` or higher (or argon2id)."
    message = "bcrypt cost below 12; use rounds=12 or more."
    fix_description = "Set the cost to 12"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = frozenset({"bcrypt.gensalt", "passlib.context.CryptContext"})
    methods = frozenset({"using"})
    valid = (
        Valid("import bcrypt\nsalt = bcrypt.gensalt(rounds=12)\n"),
        Valid("import bcrypt\nsalt = bcrypt.gensalt()\n"),
        Valid("from passlib.hash import bcrypt\nh = bcrypt.using(rounds=13).hash(pw)\n"),
    )
    invalid = (
        Invalid(
            "import bcrypt\nsalt = bcrypt.gensalt(rounds=10)\n",
            fixed="import bcrypt\nsalt = bcrypt.gensalt(rounds=12)\n",
        ),
        Invalid(
            "import bcrypt\nsalt = bcrypt.gensalt(8)\n",
            fixed="import bcrypt\nsalt = bcrypt.gensalt(12)\n",
        ),
        Invalid(
            "from passlib.context import CryptContext\n"
            "ctx = CryptContext(schemes=['bcrypt'], bcrypt__rounds=4)\n",
            fixed="from passlib.context import CryptContext\n"
            "ctx = CryptContext(schemes=['bcrypt'], bcrypt__rounds=12)\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node) or ""
        cost: ast.expr | None = None
        if name == "bcrypt.gensalt":
            kw = keyword(node, "rounds")
            cost = kw.value if kw else (node.args[0] if node.args else None)
        elif name.endswith("CryptContext"):
            kw = keyword(node, "bcrypt__rounds") or keyword(node, "bcrypt__default_rounds")
            cost = kw.value if kw else None
        elif name.endswith("bcrypt.using") or name == "passlib.hash.bcrypt.using":
            kw = keyword(node, "rounds")
            cost = kw.value if kw else None
        if isinstance(cost, ast.Constant) and isinstance(cost.value, int) and cost.value < 12:
            ctx.report(self, cost)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if isinstance(node, cst.Integer):
            return node.with_changes(value="12")
        return None


RANDOM_FUNCTIONS = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "sample",
        "getrandbits",
        "uniform",
        "shuffle",
        "randbytes",
    }
)
SECRET_PURPOSE = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "salt",
        "otp",
        "nonce",
        "apikey",
        "csrf",
        "pin",
        "passcode",
        "totp",
        "session",
        "reset",
        "verification",
        "invite",
        "key",
    }
)
SECRETS_EQUIVALENT = {"choice": "choice", "getrandbits": "randbits", "randbytes": "token_bytes"}
_IGNORED_KEY_WORDS = frozenset(
    {
        "sort",
        "cache",
        "dict",
        "primary",
        "foreign",
        "partition",
        "shard",
        "lookup",
        "idempotency",
        "index",
        "hot",
        "public",
    }
)


def _secret_purpose(name: str) -> bool:
    words = name_words(name)
    if "key" in words and words & _IGNORED_KEY_WORDS:
        return False
    if "api" in words and "key" in words:
        return True
    return bool(words & SECRET_PURPOSE) and words != {"key"}


class InsecureRandomness(PythonRule):
    id = "BS204"
    name = "insecure-randomness"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (330, 338)
    pattern = "security-patterns#secure-randomness"
    summary = "The `random` module makes a token, password, salt, OTP or other secret."
    why = (
        "`random` is a Mersenne Twister: after 624 outputs its whole future is predictable, so "
        "reset tokens, session ids and OTPs made with it can be guessed."
    )
    instead = (
        "Use the `secrets` module: `secrets.token_urlsafe(32)`, `secrets.choice(alphabet)`, "
        "`secrets.randbelow(10**6)`."
    )
    message = "`random` is predictable; use the `secrets` module for tokens, passwords and salts."
    fix_description = "Use the secrets module equivalent"
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Call,)
    calls = frozenset(f"random.{name}" for name in RANDOM_FUNCTIONS)
    valid = (
        Valid("import secrets\ntoken = secrets.token_urlsafe(32)\n"),
        Valid("import random\ndelay = random.uniform(0, min(10, 0.1 * 2 ** attempt))\n"),
        Valid("import random\ncache_key = random.choice(keys)\n"),
        Valid("import random\nrandom.shuffle(items)\n"),
    )
    invalid = (
        Invalid(
            "import random\nimport string\n"
            "def make_token():\n"
            "    return ''.join(random.choice(string.ascii_letters) for _ in range(32))\n",
            fixed="import random\nimport string\nimport secrets\n\n\n"
            "def make_token():\n"
            "    return ''.join(secrets.choice(string.ascii_letters) for _ in range(32))\n",
        ),
        Invalid(
            "import random\notp = random.randint(100000, 999999)\n",
            fixable=False,
        ),
        Invalid(
            "import random\nsalt = random.getrandbits(128)\n",
            fixed="import random\nimport secrets\n\nsalt = secrets.randbits(128)\n",
        ),
        Invalid(
            "from random import choice\nuser.reset_code = choice(ALPHABET)\n",
            fixable=False,
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Call):
            return
        name = ctx.call_name(node) or ""
        if not name.startswith("random.") or name[7:] not in RANDOM_FUNCTIONS:
            return
        if not self._for_a_secret(ctx):
            return
        method = name[7:]
        fixable = (
            method in SECRETS_EQUIVALENT
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "random"
        )
        ctx.report(self, node, fixable=fixable)

    @staticmethod
    def _for_a_secret(ctx: FileContext) -> bool:
        for ancestor in reversed(ctx.ancestors):
            if isinstance(ancestor, ast.keyword) and ancestor.arg:
                return _secret_purpose(ancestor.arg)
            if isinstance(ancestor, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                return any(_secret_purpose(n) for n in target_names(ancestor))
            if isinstance(ancestor, ast.Return):
                function = ctx.function
                return (
                    function is not None
                    and not isinstance(function, ast.Lambda)
                    and (_secret_purpose(function.name))
                )
            if isinstance(ancestor, ast.stmt):
                return False
        return False

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return None
        target = SECRETS_EQUIVALENT.get(node.func.attr.value)
        if target is None:
            return None
        ctx.require_import("secrets")
        return node.with_changes(
            func=node.func.with_changes(value=cst.Name("secrets"), attr=cst.Name(target))
        )


# not "hash": comparing content hashes (caches, ETags, file checks) is not a secret check
COMPARED_SECRETS = frozenset(
    {
        "signature",
        "sig",
        "digest",
        "hmac",
        "mac",
        "token",
        "secret",
        "otp",
        "csrf",
        "apikey",
    }
)
# Not "nonce": a nonce is public (sent in the clear), so timing its comparison leaks nothing.

# A name with one of these is not a secret, and nor is whatever it is compared with: a flag
# (`verify != verify_signature`), a case-folded parse token (`value.upper() == upper_token`),
# a cache or page token (`cache_token != current_token`), a POSIX signal (`self._sig_chld`).
FLAG_FIRST_WORDS = frozenset(
    {"verify", "validate", "check", "require", "requires", "use", "is", "has", "should"}
    | {"enable", "allow", "skip", "disable", "include"}
)
NON_SECRET_KIND = frozenset(
    {"upper", "lower", "keyword", "lexer", "parser", "syntax", "grammar"}
    | {"cache", "page", "cursor", "continuation", "pagination"}
    | {"chld", "cld", "hup", "term", "alrm", "usr1", "usr2", "winch", "ign", "dfl", "signum"}
)
# Methods where `==` is an object's own equality, not an authentication decision.
EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__"})


# Words that make a name about a secret rather than the secret itself. A token's issuer and
# audience are public claims; a `mac_address` is a network address, not a message
# authentication code.
DESCRIBES_SECRET = frozenset(
    {"type", "types", "kind", "name", "id", "len", "count", "url", "expires", "alg"}
    | {"algorithm", "prefix", "format", "version", "header", "scheme", "uri", "redirect"}
    | {"issuer", "audience", "address"}
)


def _secret_words(words: set[str]) -> bool:
    if words & DESCRIBES_SECRET:
        return False
    return bool(words & COMPARED_SECRETS) or ("api" in words and "key" in words)


def _secret_operand(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr in {"hexdigest", "digest"}:
            return True
        if expr.func.attr == "get" and expr.args:
            key = const_str(expr.args[0])
            return key is not None and _secret_words(name_words(key))
        return False
    name = name_of(expr)
    return bool(name) and _secret_words(name_words(name or ""))


# SQLAlchemy builds SQL from `Model.token == token` inside these calls: the database compares,
# and hmac.compare_digest cannot run there.
QUERY_BUILDERS = frozenset({"filter", "where", "having", "join", "outerjoin"})
SQL_CONJUNCTIONS = frozenset({"and_", "or_", "not_"})


def _in_query_expression(ctx: FileContext) -> bool:
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.BoolOp, ast.UnaryOp)):
            continue
        if isinstance(ancestor, ast.Call):
            called = name_of(ancestor.func)
            if called in SQL_CONJUNCTIONS:
                continue
            return isinstance(ancestor.func, ast.Attribute) and called in QUERY_BUILDERS
        return False
    return False


def _non_secret_kind(expr: ast.AST) -> bool:
    name = name_of(expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
    if not name:
        return False
    return first_word(name) in FLAG_FIRST_WORDS or bool(name_words(name) & NON_SECRET_KIND)


def _comparable(expr: ast.AST) -> bool:
    """Not a literal, a named constant, a class, or a plain attribute: a secret is compared
    with a value computed or received, not with `START_ELEMENT`, `signal.SIGTERM`, a token
    type like `Punctuation` (pygments lexers) or `self.eof`."""
    if isinstance(expr, (ast.Constant, ast.Tuple, ast.List, ast.Dict, ast.Set)):
        return False
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return False  # a collection built here (`[(p.name, p.kind) for p in params]`)
    name = name_of(expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
    if name is not None and name[:1].isupper():
        return False  # UPPER_CASE constants and CapWords classes or enum members
    if isinstance(expr, ast.Attribute) and not _secret_operand(expr):
        return False
    return not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id in {"len", "type", "isinstance", "bool", "int"}
    )


class NonConstantTimeCompare(PythonRule):
    id = "BS211"
    name = "non-constant-time-compare"
    area = "security"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (208,)
    pattern = "security-patterns#constant-time-comparison"
    summary = "A signature, digest or token is compared with == instead of hmac.compare_digest."
    why = (
        "`==` stops at the first differing byte, so response times reveal how much of a guess "
        "was right; an attacker can recover a valid signature or token byte by byte."
    )
    instead = "Compare secrets with `hmac.compare_digest(a, b)` (both str or both bytes)."
    message = "Secret compared with ==/!= leaks timing; use hmac.compare_digest(a, b)."
    fix_description = "Use hmac.compare_digest"
    fix_is_safe = False  # raises TypeError where a str meets bytes (or non-ASCII str)
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Compare,)
    valid = (
        Valid("import hmac\nok = hmac.compare_digest(signature, expected)\n"),
        Valid("if token is None:\n    raise Unauthorized()\n"),
        Valid("if token_type == 'bearer':\n    pass\n"),
        Valid("if len(signature) == 64:\n    pass\n"),
        Valid("def test_signs(signature, expected):\n    assert signature == expected\n"),
        # a flag about signatures, not a signature (jwt/api_jwt.py)
        Valid(
            "def decode(token, verify=None, options=None):\n"
            "    verify_signature = options.get('verify_signature', True)\n"
            "    if verify is not None and verify != verify_signature:\n"
            "        warn()\n"
        ),
        # a case-folded command token of a parser (redis), a cache token (functools)
        Valid("def token_is(value, upper_token):\n    return value.upper() == upper_token\n"),
        Valid(
            "def colorize(tokens):\n"
            "    for token, value in tokens:\n"
            "        if token == Punctuation and value == '(':\n"
            "            yield token\n"
        ),
        Valid("def dispatch(cache_token, registry):\n    return cache_token != registry.token\n"),
        # a nonce is public; a file format's magic number is a constant
        Valid("def count(self, nonce):\n    if nonce == self.last_nonce:\n        self.nc += 1\n"),
        Valid(
            "stringEndArchive = b'PK\\x05\\x06'\n"
            "def read(sig):\n    return sig != stringEndArchive\n"
        ),
        # an object's own equality, and a comprehension
        Valid(
            "class Auth:\n    def __eq__(self, other):\n"
            "        return self.type == other.type and self.token == other.token\n"
        ),
        Valid("def same(params, signature):\n    return [p.name for p in params] == signature\n"),
        # the database compares: a webhook looked up by its token in a query
        Valid(
            "from sqlalchemy import and_, select\n"
            "async def find_hook(db, hook_id, token):\n"
            "    result = await db.execute(\n"
            "        select(Hook).where(and_(Hook.id == hook_id, Hook.token == token))\n"
            "    )\n"
            "    return result.scalars().first()\n"
            "def by_key(session, api_key):\n"
            "    return session.query(ApiKey).filter(ApiKey.api_key == api_key).first()\n"
        ),
        # public claims and network addresses are not secrets
        Valid(
            "def provider_for(configs, token_issuer):\n"
            "    for name, config in configs.items():\n"
            "        if config.get('issuer') == token_issuer:\n"
            "            return name\n"
            "def moved(before, after):\n"
            "    return after.get('mac_address') != before.get('mac_address')\n"
        ),
        # test code compares signatures to check them, not to authenticate anyone
        Valid(
            "def check(signature, expected):\n    if signature != expected:\n        fail()\n",
            filename="tests/helpers.py",
        ),
    )
    invalid = (
        Invalid(
            "def verify(signature, expected):\n    return signature == expected\n",
            fixed="import hmac\n\n\ndef verify(signature, expected):\n"
            "    return hmac.compare_digest(signature, expected)\n",
        ),
        Invalid(
            "import hmac, hashlib\n"
            "if hmac.new(key, body, hashlib.sha256).hexdigest() != header_sig:\n"
            "    raise Forbidden()\n",
            fixed="import hmac, hashlib\n"
            "if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), "
            "header_sig):\n"
            "    raise Forbidden()\n",
        ),
        # an HMAC challenge answered over the wire (multiprocessing/connection.py:757)
        Invalid(
            "import hmac\n"
            "def deliver_challenge(connection, authkey, message):\n"
            "    digest = hmac.new(authkey, message, 'sha256').digest()\n"
            "    response = connection.recv_bytes(256)\n"
            "    if response == digest:\n"
            "        connection.send_bytes(WELCOME)\n",
            fixed="import hmac\n"
            "def deliver_challenge(connection, authkey, message):\n"
            "    digest = hmac.new(authkey, message, 'sha256').digest()\n"
            "    response = connection.recv_bytes(256)\n"
            "    if hmac.compare_digest(response, digest):\n"
            "        connection.send_bytes(WELCOME)\n",
        ),
        # the debugger's secret against a query parameter (werkzeug/debug/__init__.py:556)
        Invalid(
            "import hmac\n"
            "def handle(self, request):\n"
            "    secret = request.args.get('s')\n"
            "    if secret == self.secret:\n"
            "        return self.pin_auth(request)\n",
            fixed="import hmac\n"
            "def handle(self, request):\n"
            "    secret = request.args.get('s')\n"
            "    if hmac.compare_digest(secret, self.secret):\n"
            "        return self.pin_auth(request)\n",
        ),
        # a Python filter over loaded rows compares in the process, byte by byte
        Invalid(
            "def find_hook(hooks, token):\n"
            "    return list(filter(lambda hook: hook.token == token, hooks))\n",
            fixed="import hmac\n\n\ndef find_hook(hooks, token):\n"
            "    return list(filter(lambda hook: hmac.compare_digest(hook.token, token), hooks))\n",
        ),
        Invalid(
            "def check(claims, token):\n"
            "    if claims.get('token_hmac') != hmac_of(token):\n        raise Forbidden()\n",
            fixed="import hmac\n\n\ndef check(claims, token):\n"
            "    if not hmac.compare_digest(claims.get('token_hmac'), hmac_of(token)):\n"
            "        raise Forbidden()\n",
        ),
        Invalid(
            "if request.headers.get('X-Api-Key') == settings.api_key:\n    pass\n",
            fixed="import hmac\n\nif hmac.compare_digest(request.headers.get('X-Api-Key'), "
            "settings.api_key):\n    pass\n",
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            return
        if not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if not (_comparable(left) and _comparable(right)):
            return
        if not (_secret_operand(left) or _secret_operand(right)):
            return
        if _non_secret_kind(left) or _non_secret_kind(right):
            return
        # A test's `assert sig == expected`, or any comparison in test code, decides nothing an
        # attacker can time.
        if isinstance(ctx.parent, ast.Assert) or is_test_path(ctx.path):
            return
        if _in_query_expression(ctx):
            return
        function = ctx.function
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            function.name in EQUALITY_METHODS
        ):
            return
        # a literal, or a name only ever bound to one (`sig != stringEndArchive64`): a magic
        # number or a fixed value, not a secret received or computed
        if ctx.origin(left) == Origin.CONSTANT or ctx.origin(right) == Origin.CONSTANT:
            return
        ctx.report(self, node)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode | None:
        import libcst as cst

        if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
            return None
        target = node.comparisons[0]
        call = cst.Call(
            func=cst.Attribute(value=cst.Name("hmac"), attr=cst.Name("compare_digest")),
            args=[
                cst.Arg(node.left, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(target.comparator),
            ],
        )
        ctx.require_import("hmac")
        if isinstance(target.operator, cst.NotEqual):
            return cst.UnaryOperation(operator=cst.Not(), expression=call)
        return call.with_changes(lpar=node.lpar, rpar=node.rpar)
