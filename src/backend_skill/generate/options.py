"""Option value types whose every accepted value is safe to place in generated code.

Each type is a constrained `str`/number. Validation happens before rendering, and templates then
emit values only through literal-producing filters (see render.py), so a value can neither break
out of a string literal nor smuggle code in: two independent fences.
"""

from __future__ import annotations

import ipaddress
import keyword
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# RFC 7230 token: the characters a header field name may contain.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")
_ORIGIN = re.compile(
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,5})?$"
)
_URL = re.compile(
    r"^[a-z][a-z0-9+.-]{0,15}://[A-Za-z0-9._~%!$&'()*+,;=:@-]{1,255}"
    r"(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]{0,255})?$"
)
_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*)?$")
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_USER_AGENT = re.compile(r"^[A-Za-z0-9._/+-]{1,64}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
_TEXT = re.compile(r"^[A-Za-z0-9 .,:;!?()'/_-]{1,200}$")
# Header values we emit (CSP, Permissions-Policy): printable ASCII without quotes that end
# literals in any of our target languages (" ` \) and without control characters.
_HEADER_VALUE = re.compile(r"^[A-Za-z0-9 '=;:,./*()_+-]{1,1024}$")


def _matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def _not_keyword(value: str) -> str:
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise ValueError(f"{value!r} is a Python keyword")
    return value


def _ip_or_network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or CIDR network") from None


Identifier = Annotated[
    str,
    _matching(_IDENTIFIER, "an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64 characters)"),
    AfterValidator(_not_keyword),
]
HeaderName = Annotated[str, _matching(_TOKEN, "a header name (an RFC 7230 token)")]
Origin = Annotated[
    str, _matching(_ORIGIN, "an origin (scheme://host[:port], no path), e.g. https://a.example")
]
Url = Annotated[str, _matching(_URL, "a URL such as redis://localhost:6379/0")]
UrlPath = Annotated[str, _matching(_PATH, "a URL path such as /health")]
SafeToken = Annotated[str, _matching(_SAFE_TOKEN, "a token of [A-Za-z0-9._:-] (1-64 chars)")]
UserAgent = Annotated[str, _matching(_USER_AGENT, "a product token such as my-app/1.2")]
EnvName = Annotated[str, _matching(_ENV_NAME, "an environment variable name ([A-Z_][A-Z0-9_]*)")]
Text = Annotated[str, _matching(_TEXT, "plain text (letters, digits, spaces, .,:;!?()'/_-)")]
HeaderValue = Annotated[
    str, _matching(_HEADER_VALUE, "a header value of [A-Za-z0-9 '=;:,./*()_+-]")
]
IpNetwork = Annotated[str, AfterValidator(_ip_or_network)]
HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
Store = Literal["memory", "redis"]
Seconds = Annotated[int, Field(ge=1, le=7 * 24 * 3600)]


class Options(BaseModel):
    """Base of every middleware's options: unknown keys are an error, values are checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
