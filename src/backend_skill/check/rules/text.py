"""Language-agnostic rules over any text file the check reads (JS/TS, Go, Java, YAML, .env,
Dockerfile, ...). They look only at code lines (comment lines are skipped) and at quoted or
assigned values, so prose and documentation stay quiet."""

from __future__ import annotations

import re

from backend_skill.check.context import TextContext
from backend_skill.check.files import CODE_SUFFIXES
from backend_skill.check.rule import Invalid, TextRule, Valid
from backend_skill.check.rules.secrets import KEY_FORMATS, KEY_PREFIXES, looks_like_secret_value
from backend_skill.models import Confidence, Severity

COMMENT = re.compile(r"^\s*(#|//|/\*|\*|<!--|--|;|REM\b)")
EXAMPLE_FILE = re.compile(r"(example|sample|template|dist|\.tpl)", re.IGNORECASE)
SECRET_ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+|const\s+|let\s+|var\s+|final\s+|private\s+|public\s+|static\s+|"""
    r"""String\s+)*["']?(?P<name>[\w.-]*?(?:password|passwd|secret|token|api[_-]?key|"""
    r"""apikey|private[_-]?key|client[_-]?secret|access[_-]?key)[\w-]*)["']?\s*"""
    r"""(?::=|=|:)\s*(?P<quote>["'`]?)(?P<value>[^"'`\s,;#]+)(?P=quote)\s*[,;]?\s*(?:#.*|//.*)?$""",
    re.IGNORECASE,
)
NOT_SECRET_NAME = re.compile(
    r"(_?(file|path|url|uri|env|name|field|header|length|ttl|expiry|ref|reference|id|arn|"
    r"key_?ref|secret_?name|policy|prompt|hint)$)",
    re.IGNORECASE,
)
REFERENCE = re.compile(
    r"^(process\.env|os\.Getenv|System\.getenv|env\(|ENV\[|\$|%|\{\{|secrets\.|vault:|"
    r"ref\+|!Ref|arn:|true$|false$|null$|nil$|none$|\d+$)",
    re.IGNORECASE,
)


def code_lines(ctx: TextContext) -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(ctx.lines, 1) if not COMMENT.match(line)]


class SecretInTextFile(TextRule):
    id = "BS901"
    name = "secret-in-text-file"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798,)
    pattern = "security-patterns#secrets-management"
    summary = "A secret (or a live key format) is written in a config, env or source file."
    why = (
        "Files in the repository are copied everywhere: every clone, image and CI log. A "
        "password or key there is leaked, and rotating it needs a commit."
    )
    instead = (
        "Inject secrets at run time (environment, secret manager, orchestrator secrets); "
        "commit only placeholders such as `.env.example` with empty values."
    )
    message = "Hardcoded secret '{name}'; inject it at run time from a secret store."
    valid = (
        Valid("DATABASE_PASSWORD=\nAPI_KEY=${API_KEY}\n", filename=".env"),
        Valid("password: {{ .Values.db.password }}\n", filename="deploy.yaml"),
        Valid("const apiKey = process.env.API_KEY;\n", filename="client.js"),
        Valid("# set API_TOKEN=your-token before running\n", filename="run.sh"),
        Valid("The token: use a strong password everywhere.\n", filename="notes.yaml"),
        Valid("DB_PASSWORD=s3cr3t-Pa55\n", filename=".env.example"),
    )
    invalid = (
        Invalid("DB_PASSWORD=s3cr3t-Pa55w0rd\n", filename=".env"),
        Invalid("db:\n  password: Xk29fLq8zQ\n", filename="config.yaml"),
        Invalid("const stripeSecret = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';\n", filename="pay.ts"),
        Invalid('var token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n', filename="main.go"),
        Invalid("ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7QWERTY1\n", filename="Dockerfile"),
    )

    def check_text(self, ctx: TextContext) -> None:
        example = bool(EXAMPLE_FILE.search(ctx.path.rsplit("/", 1)[-1]))
        for number, line in enumerate(ctx.lines, 1):
            if any(prefix in line for prefix in KEY_PREFIXES):
                match = KEY_FORMATS.search(line)
                if match is not None and not example:
                    kind = (match.lastgroup or "key").replace("_", " ")
                    ctx.report_at(
                        self,
                        number,
                        match.start(),
                        match.end(),
                        f"Live-looking credential ({kind}); revoke it and inject it at run time.",
                    )
                    continue
            if example or COMMENT.match(line):
                continue
            assignment = SECRET_ASSIGNMENT.match(line)
            if assignment is None:
                continue
            name, value = assignment.group("name"), assignment.group("value")
            code_file = ctx.path.endswith(CODE_SUFFIXES)
            if code_file and not assignment.group("quote"):
                continue  # in code, an unquoted value is an expression, not a literal
            if NOT_SECRET_NAME.search(name) or REFERENCE.match(value):
                continue
            if looks_like_secret_value(value, name):
                start = assignment.start("value")
                ctx.report_at(
                    self, number, start, start + len(value), self.message.format(name=name)
                )


WILDCARD_ORIGIN = re.compile(
    r"""(origin\s*:\s*["'`]\*["'`]|Access-Control-Allow-Origin["']?\s*[:,]\s*["']?\*|"""
    r"""AllowedOrigins\s*:\s*\[\]string\{\s*"\*"|AllowOrigins\s*:\s*\[\]string\{\s*"\*"|"""
    r"""cors-allow-origin["']?\s*:\s*["']\*["']|allowedOrigins\(\s*"\*"|allow_origins?\s*[:=]\s*\[?\s*["']\*)""",
    re.IGNORECASE,
)
CREDENTIALS_ON = re.compile(
    r"""(credentials\s*:\s*true|Access-Control-Allow-Credentials["']?\s*[:,]\s*["']?true|"""
    r"""AllowCredentials\s*:\s*true|cors-allow-credentials["']?\s*:\s*["']true|"""
    r"""allowCredentials\(\s*true|allow_credentials\s*[:=]\s*true)""",
    re.IGNORECASE,
)


class CorsWildcardInText(TextRule):
    id = "BS902"
    name = "cors-wildcard-credentials-config"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (942,)
    pattern = "security-patterns#cors"
    summary = "CORS allows origin `*` together with credentials (JS, Go, Java, ingress YAML)."
    why = (
        "Allowing every origin while sending cookies or Authorization lets any site a user "
        "visits call the API as that user; libraries reflect the caller's origin to make it work."
    )
    instead = "Configure an explicit list of allowed origins; never combine `*` with credentials."
    message = "CORS allows any origin together with credentials; list the allowed origins."
    valid = (
        Valid(
            "app.use(cors({ origin: ['https://app.example.com'], credentials: true }));\n",
            filename="server.js",
        ),
        Valid("app.use(cors({ origin: '*' }));\n", filename="public.js"),
        Valid("// never use origin: '*' with credentials: true\n", filename="notes.ts"),
    )
    invalid = (
        Invalid(
            "app.use(cors({\n  origin: '*',\n  credentials: true,\n}));\n", filename="server.js"
        ),
        Invalid(
            'handler := cors.New(cors.Options{\n\tAllowedOrigins: []string{"*"},\n'
            "\tAllowCredentials: true,\n})\n",
            filename="main.go",
        ),
        Invalid(
            "metadata:\n  annotations:\n"
            '    nginx.ingress.kubernetes.io/cors-allow-origin: "*"\n'
            '    nginx.ingress.kubernetes.io/cors-allow-credentials: "true"\n',
            filename="ingress.yaml",
        ),
    )

    def check_text(self, ctx: TextContext) -> None:
        lines = code_lines(ctx)
        if not any(CREDENTIALS_ON.search(line) for _, line in lines):
            return
        for number, line in lines:
            match = WILDCARD_ORIGIN.search(line)
            if match is not None:
                ctx.report_at(self, number, match.start(), match.end())


TLS_OFF = re.compile(
    r"""(rejectUnauthorized["']?\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED["']?\s*[=:]\s*["']?0|"""
    r"""InsecureSkipVerify\s*:\s*true|strictSSL["']?\s*:\s*false|"""
    r"""\b(ssl_verify|verify_ssl|sslverify|tls_verify|verify_tls|tls-verify)"""
    r"""["']?\s*[:=]\s*["']?(false|0|no)\b|"""
    r"""\binsecure[_-]?skip[_-]?(tls[_-]?)?verify["']?\s*[:=]\s*["']?true\b|"""
    r"""setHostnameVerifier\(\s*(NoopHostnameVerifier|\(.*\)\s*->\s*true)|"""
    r"""TrustAllCerts|trustAllCertificates)""",
    re.IGNORECASE,
)


class TlsOffInText(TextRule):
    id = "BS903"
    name = "tls-verification-off-config"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295,)
    pattern = "security-patterns#tls-verification"
    summary = (
        "TLS verification switched off outside Python (rejectUnauthorized: false, "
        "InsecureSkipVerify)."
    )
    why = (
        "Turning off certificate checks lets anyone on the path impersonate the server and read "
        "credentials; it is usually added for a test and then shipped."
    )
    instead = (
        "Keep verification on and trust a private CA explicitly (`ca: "
        "fs.readFileSync(...)`, `RootCAs`)."
    )
    message = "TLS certificate verification switched off; keep it on and configure the CA."
    valid = (
        Valid(
            "const agent = new https.Agent({ ca: fs.readFileSync('ca.pem') });\n",
            filename="client.ts",
        ),
        Valid("// do not set rejectUnauthorized: false\n", filename="client.js"),
        Valid("tls_verify: true\n", filename="config.yaml"),
    )
    invalid = (
        Invalid(
            "const agent = new https.Agent({ rejectUnauthorized: false });\n", filename="client.ts"
        ),
        Invalid("cfg := &tls.Config{InsecureSkipVerify: true}\n", filename="client.go"),
        Invalid("ENV NODE_TLS_REJECT_UNAUTHORIZED=0\n", filename="Dockerfile"),
        Invalid(
            "scrape:\n  tls_config:\n    insecure_skip_verify: true\n", filename="prometheus.yml"
        ),
    )

    def check_text(self, ctx: TextContext) -> None:
        for number, line in code_lines(ctx):
            match = TLS_OFF.search(line)
            if match is not None:
                ctx.report_at(self, number, match.start(), match.end())


WEAK_PASSWORD_HASH = re.compile(
    r"""(\b(md5|sha1|sha256|sha512|Md5|Sha1|MD5|SHA1)\s*\(|createHash\(\s*["'](md5|sha1|sha256|sha512)["']|"""
    r"""MessageDigest\.getInstance\(\s*"(MD5|SHA-?1|SHA-?256)"|\b(md5|sha1|sha256)\.(New|Sum\w*)\()""",
    re.IGNORECASE,
)
PASSWORD_WORD = re.compile(r"pass(word|wd)?\b|pwd", re.IGNORECASE)


class WeakPasswordHashInText(TextRule):
    id = "BS904"
    name = "weak-password-hash-code"
    area = "security"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (916,)
    pattern = "security-patterns#password-hashing"
    summary = "A password is hashed with MD5/SHA-1/SHA-2 in JS, Go, Java or other code."
    why = (
        "General-purpose hashes are built to be fast; GPUs test billions of password guesses "
        "per second against them. Passwords need argon2id or bcrypt."
    )
    instead = "Use argon2id (argon2, golang.org/x/crypto/argon2) or bcrypt with cost >= 12."
    message = "Password hashed with a fast digest; use argon2id or bcrypt (cost >= 12)."
    valid = (
        Valid("const hash = await argon2.hash(password);\n", filename="auth.js"),
        Valid(
            "const etag = createHash('sha256').update(body).digest('hex');\n", filename="etag.ts"
        ),
        Valid("// never md5(password)\n", filename="auth.js"),
    )
    invalid = (
        Invalid(
            "const h = crypto.createHash('md5').update(password).digest('hex');\n",
            filename="auth.js",
        ),
        Invalid("sum := sha256.Sum256([]byte(user.Password))\n", filename="auth.go"),
        Invalid(
            'MessageDigest md = MessageDigest.getInstance("SHA-256"); '
            "md.update(password.getBytes());\n",
            filename="Auth.java",
        ),
    )

    def check_text(self, ctx: TextContext) -> None:
        if not ctx.path.endswith(CODE_SUFFIXES):
            return
        for number, line in code_lines(ctx):
            match = WEAK_PASSWORD_HASH.search(line)
            if match is not None and PASSWORD_WORD.search(line[match.start() :]):
                ctx.report_at(self, number, match.start(), match.end())
