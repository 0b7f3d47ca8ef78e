"""Hardcoded secrets: secret-named literals, credentials inside URLs, known key formats."""

from __future__ import annotations

import ast
import re
from typing import ClassVar

from backend_skill.check.context import FileContext
from backend_skill.check.namewords import is_test_path as shared_is_test_path
from backend_skill.check.namewords import words
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import (
    SECRET_WORDS,
    const_str,
    is_prose_string,
    is_secret_name,
    name_of,
    name_words,
    target_names,
)
from backend_skill.models import Confidence, Severity

PLACEHOLDER = re.compile(
    r"^(|x+|\*+|\.+|-+|changeme|change[-_ ]?me.*|replace[-_ ]?me.*|todo|fixme|none|null|"
    r"secret|password|passwd|token|dummy|example.*|sample.*|test.*|fake.*|placeholder.*|"
    r"your[-_ ].*|<.*>|\$\{.*\}|\{\{.*\}\}|\{.*\}|%\(.*\)s|\$[A-Z_]+)$",
    re.IGNORECASE,
)
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")  # the name of a variable, not its value
# Letters-only words joined by `_`, `-`, `.` or `:`: the shape of an identifier, a header, a
# session key or a URL segment (`_password_reset_token`, `Access-Control-Allow-Credentials`).
NAME_SHAPED = re.compile(r"^[_.]?[A-Za-z][a-z]*(?:[_.:-][A-Za-z][a-z]*)+$")
# Words that only dress up a typed-in secret (`super-secret-key`, `my-dev-password`): a value
# made of these and secret words is a weak secret, not the name of one.
FILLER_WORDS = frozenset(
    {"super", "my", "our", "dev", "development", "local", "insecure", "very", "really", "top"}
    | {"default", "some", "not", "so", "app", "shh", "prod", "production", "staging"}
)
SECRET_VOCABULARY = frozenset(
    {"secret", "secrets", "key", "keys", "password", "passwords", "passwd", "pass", "pwd"}
    | {"passphrase", "token", "tokens", "credential", "credentials", "apikey", "api", "signing"}
    | {"private", "auth"}
)
# A regular expression or character set (`[-!#$%&'*+.^_`|~0-9a-zA-Z]+`), not a value.
REGEX_SYNTAX = re.compile(r"\[[^\]]*(?:a-z|A-Z|0-9)[^\]]*\]|\\[dwsDWS]|\(\?[:P=!<]")
KEY_FORMATS = re.compile(
    r"(?P<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"
    r"|(?P<github>\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b)"
    r"|(?P<slack>\bxox[baprs]-[A-Za-z0-9-]{10,}\b)"
    r"|(?P<stripe>\b[sr]k_live_[0-9A-Za-z]{20,}\b)"
    r"|(?P<google>\bAIza[0-9A-Za-z_-]{35}\b)"
    r"|(?P<private_key>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----)"
)
# What follows a PEM header when a key is really there: optional `Proc-Type:`/`DEK-Info:` lines,
# then base64. A header followed by `...` or prose only names the format.
PEM_BODY = re.compile(r"\s*(?:[A-Za-z-]+:[^\n]*\n\s*)*[A-Za-z0-9+/=]{40}")
KEY_PREFIXES = (
    "AKIA",
    "ASIA",
    "gh",
    "github_pat_",
    "xox",
    "sk_live_",
    "rk_live_",
    "AIza",
    "-----BEGIN",
)
URL_CREDENTIALS = re.compile(
    r"\b[a-z][a-z0-9+.-]*://(?P<user>[^\s:/@]+):(?P<password>[^\s/@]+)@(?P<host>[^\s/:?#]+)",
    re.IGNORECASE,
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"})  # noqa: S104


def is_test_path(path: str) -> bool:
    """Test code, or the fixtures it reads: fake credentials live there on purpose."""
    return shared_is_test_path(path) or "fixtures" in path.split("/")[:-1]


def looks_like_secret_value(value: str, name: str | None = None) -> bool:
    """Could `value`, stored under `name`, be a secret? Not when it is a placeholder, or
    reads as a name: the name itself (`apiKey = "apiKey"`), or words naming a secret
    (`reset_url_token = "set-password"`), as secret scanners skip word-like values (gitleaks'
    entropy floor, detect-secrets' gibberish filter). Secrets have digits, symbols or no
    separators: `Sup3rS3cret!`, `hunter2hunter2`, `django-insecure-8f#k2@p!x0z`, or are only
    secret words and filler typed in as the secret: `super-secret-key`."""
    text = value.strip()
    if len(text) < 6 or " " in text or ("/" in text and "://" in text):
        return False
    if PLACEHOLDER.match(text) or ENV_NAME.match(text):
        return False
    if name is not None and words(text) == words(name):
        return False
    if (
        NAME_SHAPED.match(text)
        and SECRET_WORDS.search(text)
        and not words(text) <= FILLER_WORDS | SECRET_VOCABULARY
    ):
        return False
    # punctuation only (a charset), or regex syntax: scanners require alphanumerics too
    return any(c.isalnum() for c in text) and not REGEX_SYNTAX.search(text)


class HardcodedSecret(PythonRule):
    id = "BS205"
    name = "hardcoded-secret"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798,)
    pattern = "security-patterns#secrets-management"
    summary = "A password, token, API key or signing key is written as a literal in code."
    why = (
        "A secret in code is in every clone, backup, CI log and container image, and cannot be "
        "rotated without a deploy. Leaked repositories are scanned for keys within minutes."
    )
    instead = (
        "Read secrets from the environment or a secret manager through the typed settings "
        "object (`settings.jwt_secret`), validated at startup."
    )
    message = "Hardcoded secret; load it from the environment or a secret manager via settings."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (
        ast.Assign,
        ast.AnnAssign,
        ast.Call,
        ast.Dict,
        ast.Compare,
    )
    valid = (
        Valid("import os\nSECRET_KEY = os.environ['SECRET_KEY']\n"),
        Valid(
            "def login(user, password):\n"
            "    if password == '' or user.password_hash == '!':\n        return None\n"
            "    return hasher.verify(user.password_hash, password)\n"
        ),
        Valid(
            "import os\napp.secret_key = os.environ['SECRET_KEY']\napp.config['SECRET_KEY'] = ''\n"
        ),
        Valid("password = ''\napi_key = '<your-api-key>'\ntoken = '${TOKEN}'\n"),
        Valid("PASSWORD_FIELD = 'password'\nTOKEN_URL = 'https://auth.example.com/token'\n"),
        Valid("secret_env_var = 'APP_SECRET'\nerror = {'password': 'must be 12+ characters'}\n"),
        Valid("db.connect(host='db', password=settings.db_password)\n"),
        Valid("password = 'correct-horse-battery'\n", filename="tests/test_login.py"),
        # the bound name is `grant_type`, not the `token_data` it is stored in
        Valid("token_data['grant_type'] = 'client_credentials'\n"),
        # names, not secrets: the value is the name, or words naming a secret
        Valid("apiKey = 'apiKey'\nrequires_csrf_token.__name__ = 'requires_csrf_token'\n"),
        Valid("reset_url_token = 'set-password'\nRESET_SESSION_TOKEN = '_password_reset_token'\n"),
        Valid("ACL_CREDENTIALS = 'Access-Control-Allow-Credentials'\n"),
        Valid("_ENVIRON_TOKEN = 'opentelemetry-flask.token'\n"),
        Valid("client.register(token_endpoint_auth_method='client_secret_post')\n"),
        # words that hold a secret word: `bypass`, `tokenizer`, a package named passlib
        Valid("bypass_reason = 'maintenance'\ntokenizer = 'bert-base-uncased'\n"),
        Valid("STUB_PACKAGES = {'passlib': 'types-passlib2', 'passpy': 'types-passpy2'}\n"),
        # a character set and a regular expression
        Valid('TOKEN_SPECIALS = r"!#$%&\'*+-.^_`|~"\ntoken = r"[-!#$%&\'*+.^_`|~0-9a-zA-Z]+"\n'),
        # Django settings naming models, and the alphabet secrets are drawn from
        Valid(
            "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'oauthapp.AccessToken'\n"
            "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = 'oauthapp.RefreshToken'\n"
            "INVITE_TOKEN_CHARSET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'\n"
        ),
        # an LLM option renamed for another backend: a count of tokens
        Valid("OPTION_ALIASES = {'max_tokens': 'num_predict', 'stop': 'stop_sequences'}\n"),
        # translated mail subjects and titles about passwords
        Valid(
            "MAIL_TEXT = {\n"
            "    'password_reset_subject': 'Wachtwoordherstel',\n"
            "    'password_changed_title': '\u30d1\u30b9\u30ef\u30fc\u30c9\u5909\u66f4',\n"
            "}\n"
        ),
        # the settings module a test run uses
        Valid(
            "DATABASES = {'default': {'USER': 'shop', 'PASSWORD': 'shop-ci-db'}}\n",
            filename="shop/configuration_testing.py",
        ),
    )
    invalid = (
        Invalid("SECRET_KEY = 'django-insecure-8f#k2@p!x0z'\n"),
        Invalid("conn = psycopg.connect(host='db', user='app', password='Sup3rS3cret!')\n"),
        Invalid("config = {'api_key': 'a8f5f167f44f4964e6c998dee827110c'}\n"),
        Invalid("class Settings:\n    jwt_secret: str = 'hunter2hunter2'\n"),
        Invalid("import jwt\ntoken = jwt.encode(claims, 'my-signing-key', algorithm='HS256')\n"),
        # word-like, but no word names a secret: a passphrase
        Invalid("password = 'correct-horse-battery-staple'\n"),
        Invalid("db_password = 'Winter2024'\n"),
        Invalid("bypass_password = 'Winter2024'\nDBPASS = 'x8Kq2mZt'\n", count=2),
        # secret words dressed up, typed in as the secret itself
        Invalid("app.secret_key = 'super-secret-key'\n"),
        Invalid("JWT_SECRET = 'my-dev-secret'\n"),
        # the same database block in the settings production reads
        Invalid(
            "DATABASES = {'default': {'USER': 'shop', 'PASSWORD': 'shop-pr0d-db'}}\n",
            filename="shop/settings.py",
        ),
        # a placeholder in the framework's signing-key slot is the key every session is signed with
        Invalid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "app.secret_key = 'your-secret-key-here'\n"
        ),
        Invalid("app.config['SECRET_KEY'] = 'your-secret-key-here'\n"),
        # a password checked against one written in the code
        Invalid(
            "def login(request):\n"
            "    username, password = request.POST['username'], request.POST['password']\n"
            "    if username == 'admin' and password == 'P@$$w0rd':\n"
            "        return grant(username)\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Compare):
            literal = _password_literal(node)
            if literal is not None and not is_test_path(ctx.path):
                ctx.report(
                    self,
                    literal,
                    "Hardcoded password compared in code; check the "
                    "stored hash with a password hasher instead.",
                )
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = const_str(node.value)
            if (
                value is not None
                and not is_test_path(ctx.path)
                and (
                    any(
                        is_secret_name(n) and looks_like_secret_value(value, n)
                        for n in target_names(node)
                    )
                    or (_signing_key_slot(node) and _shipped_key(value))
                )
            ):
                ctx.report(self, node)
        elif isinstance(node, ast.Dict):
            if is_test_path(ctx.path):
                return
            for dict_key, item in zip(node.keys, node.values, strict=True):
                text, key = const_str(item), const_str(dict_key)
                if text is not None and is_secret_name(key) and looks_like_secret_value(text, key):
                    ctx.report(self, item)
        elif isinstance(node, ast.Call):
            if not node.keywords and len(node.args) < 2:
                return
            if is_test_path(ctx.path):
                return
            for kw in node.keywords:
                text = const_str(kw.value)
                if (
                    text is not None
                    and kw.arg
                    and is_secret_name(kw.arg)
                    and looks_like_secret_value(text, kw.arg)
                ):
                    ctx.report(self, kw.value)
            name = ctx.call_name(node) or ""
            if name in {"jwt.encode", "jwt.decode"} and len(node.args) >= 2:
                signing_key = const_str(node.args[1])
                if signing_key and not PLACEHOLDER.match(signing_key):
                    ctx.report(
                        self, node.args[1], "Hardcoded JWT signing key; load it from settings."
                    )


# Words naming a password, for comparisons (`pass` alone names other things: `pass_through`).
PASSWORD_NAME_WORDS = frozenset({"password", "passwd", "pwd", "passphrase"})


def _password_literal(node: ast.Compare) -> ast.expr | None:
    """`password == "P@$$w0rd"`: a password checked against one written in the code, a
    credential anyone with the source (or the image) can log in with."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return None
    left, right = node.left, node.comparators[0]
    for side, other in ((left, right), (right, left)):
        text = const_str(other)
        if text is None:
            continue
        if isinstance(side, ast.Subscript):
            name = const_str(side.slice)
        elif isinstance(side, (ast.Name, ast.Attribute)):
            name = name_of(side)
        else:
            name = None
        if (
            name is not None
            and name_words(name) & PASSWORD_NAME_WORDS
            and is_secret_name(name)
            and looks_like_secret_value(text, name)
        ):
            return other
    return None


def _signing_key_slot(statement: ast.Assign | ast.AnnAssign) -> bool:
    """`app.secret_key = ...` or `app.config["SECRET_KEY"] = ...`: the key the framework signs
    sessions and cookies with, whatever the value looks like."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    for target in targets:
        if isinstance(target, ast.Attribute) and target.attr == "secret_key":
            return True
        if (
            isinstance(target, ast.Subscript)
            and const_str(target.slice) == "SECRET_KEY"
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "config"
        ):
            return True
    return False


def _shipped_key(value: str) -> bool:
    """A literal written into the signing-key slot is the key in use, placeholder or not
    (`your-secret-key-here` signs every session); only an empty or trivially short one is left
    for the framework to refuse."""
    text = value.strip()
    return len(text) >= 6 and " " not in text


class CredentialsInUrl(PythonRule):
    id = "BS206"
    name = "credentials-in-url"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (798,)
    pattern = "security-patterns#secrets-management"
    summary = "A connection URL literal carries a password (scheme://user:password@host)."
    why = (
        "Connection strings with passwords end up in logs, error pages and process lists as "
        "well as in the repository; rotating the password then needs a code change."
    )
    instead = (
        "Read the whole URL from the environment (`DATABASE_URL`) through typed settings; keep "
        "only password-free defaults for local development."
    )
    message = "Connection URL with an embedded password; read it from the environment."
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Constant,)
    valid = (
        Valid("import os\nDATABASE_URL = os.environ['DATABASE_URL']\n"),
        Valid("DEFAULT = 'postgresql://app:app@localhost:5432/app'\n"),
        Valid("URL = 'postgresql://${DB_USER}:${DB_PASSWORD}@db/app'\n"),
        Valid("URL = 'redis://cache:6379/0'\n"),
        Valid(
            "def parse(url):\n"
            '    """Split a URL: `https://jo:s3cr3t@example.com/` -> (jo, s3cr3t)."""\n'
            "    return urlsplit(url)\n"
        ),
    )
    invalid = (
        Invalid("DATABASE_URL = 'postgresql://orders:pr0d-Pa55@db.internal:5432/orders'\n"),
        Invalid("broker = 'amqp://svc:Xk29fLq8@rabbit.prod.example.com//'\n"),
        Invalid(
            "def connect():\n"
            '    """Open the orders database."""\n'
            "    return create_engine('postgresql://orders:pr0d-Pa55@db.internal/orders')\n"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            return
        text = node.value
        if "://" not in text or "@" not in text or is_test_path(ctx.path):
            return
        if is_prose_string(node, ctx.parent):
            return  # a docstring's example URL documents the format; it connects nowhere
        match = URL_CREDENTIALS.search(text)
        if match is None:
            return
        password = match.group("password")
        if match.group("host").lower() in LOCAL_HOSTS or PLACEHOLDER.match(password):
            return
        if password == match.group("user"):
            return  # user:user@ is a local-development convention, not a secret
        ctx.report(self, node)


class KnownKeyFormat(PythonRule):
    id = "BS207"
    name = "known-key-format"
    area = "security"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (798,)
    pattern = "security-patterns#secrets-management"
    summary = (
        "A string literal matches a real key format (AWS, GitHub, Slack, Stripe, Google, PEM)."
    )
    why = (
        "These formats are issued by providers and are live credentials; bots harvest them from "
        "public code within minutes. A committed key must be treated as leaked."
    )
    instead = (
        "Revoke and rotate the key now, then load it from a secret manager or the environment."
    )
    message = (
        "Live-looking credential ({kind}) in code; revoke it and load it from the environment."
    )
    node_types: ClassVar[tuple[type[ast.AST], ...]] = (ast.Constant,)
    valid = (
        Valid("PREFIX = 'AKIA'\nPATTERN = r'AKIA[0-9A-Z]{16}'\n"),
        Valid("key = os.environ['AWS_ACCESS_KEY_ID']\n"),
        # the header names a format: an upload endpoint's documented body, a format check
        Valid(
            "def upload(self, data):\n"
            '    """Upload a certificate.\n\n'
            '    Body: {"body": "...", "privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}\n'
            '    """\n'
            "def is_rsa(pem):\n"
            "    return pem.startswith('-----BEGIN RSA PRIVATE KEY-----')\n"
        ),
        # a throwaway key a test signs its certificates with
        Valid(
            "TEST_CA_KEY = '''-----BEGIN RSA PRIVATE KEY-----\n"
            "MIIEpAIBAAKCAQEAwJ7m1vQZk3cL0pXh9eR2tYbN6uF8sD4aG5jK1lM3nO7pQ9rS\n"
            "-----END RSA PRIVATE KEY-----'''\n",
            filename="certs/tests/vectors.py",
        ),
    )
    invalid = (
        Invalid("AWS_KEY = 'AKIAIOSFODNN7QWERTY1'\n"),
        Invalid("token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n"),
        Invalid(
            "KEY = '''-----BEGIN RSA PRIVATE KEY-----\n"
            "MIIEpAIBAAKCAQEAwJ7m1vQZk3cL0pXh9eR2tYbN6uF8sD4aG5jK1lM3nO7pQ9rS\n"
            "-----END RSA PRIVATE KEY-----'''\n"
        ),
        # an encrypted key: its headers come before the base64
        Invalid(
            "KEY = '''-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
            "DEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
            "xT6pC3mL0eDq9vR2bN8sK4fY1hJ7uZ5wA0gM6iO3tP9lS2nQ8rE1cV4kB7yH5jU\n'''\n"
        ),
        # a provider's token is live wherever it is written, tests included
        Invalid(
            "STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'\n", filename="billing/tests/test_pay.py"
        ),
    )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            return
        text = node.value
        if len(text) < 20 or not any(prefix in text for prefix in KEY_PREFIXES):
            return
        match = KEY_FORMATS.search(text)
        if match is not None and match.lastgroup == "private_key":
            if not PEM_BODY.match(text, match.end()):
                return  # a header alone names the format; no key follows it
            if is_test_path(ctx.path):
                return  # tests embed throwaway key pairs to sign their certificates with
        if match is not None:
            kind = (match.lastgroup or "key").replace("_", " ")
            ctx.report(self, node, self.message.format(kind=kind))
