"""Cryptography and transport: TLS verification, hashing, randomness, comparisons."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from backend_skill.check.context import FileContext, FixContext
from backend_skill.check.rule import Invalid, PythonRule, Valid
from backend_skill.check.ruleutil import cst_keyword, cst_remove_keyword, is_const, keyword
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
