"""Option validation: injection strings never reach a snippet, ranges hold, CLI --set parses."""

from __future__ import annotations

from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from backend_skill.errors import UsageError
from backend_skill.generate import parse_options, parse_set_pairs
from backend_skill.generate.catalog import CATALOG, ConfigField

INJECTIONS = [
    '"; import os; os.system("id"); x = "',
    "'; import os #",
    "`rm -rf /`",
    "${process.exit(1)}",
    '")\nfmt.Println("pwned',
    "value\nimport os",
    "a\\",
    "{{ 7*7 }}",
    "{% raw %}",
    "X-Header\r\nInjected: yes",
    "</script><script>alert(1)</script>",
    "x\u2028y",
    "\x00",
]


def _string_fields(model: type[BaseModel]) -> list[tuple[str, bool]]:
    """Fields that accept text: (name, is_list)."""
    found = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        is_list = get_origin(annotation) is list
        inner = get_args(annotation)[0] if is_list else annotation
        if _accepts_text(inner):
            found.append((name, is_list))
    return found


def _accepts_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    return any(_accepts_text(arg) for arg in get_args(annotation))


CASES = [
    (middleware, name, is_list)
    for middleware, spec in CATALOG.items()
    for name, is_list in _string_fields(spec.options)
]


def test_every_middleware_with_text_options_is_covered():
    covered = {middleware for middleware, _, _ in CASES}
    # Every middleware has a text-valued option except those with only numbers and choices.
    numeric_only = {"retry", "circuit-breaker", "cursor-pagination", "etag"}
    assert covered >= set(CATALOG) - numeric_only


@pytest.mark.parametrize(("middleware", "name", "is_list"), CASES)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_are_refused(middleware, name, is_list, payload):
    value = [payload] if is_list else payload
    with pytest.raises(UsageError, match=name):
        parse_options(middleware, {name: value})


@pytest.mark.parametrize("payload", INJECTIONS)
def test_config_field_names_and_defaults_refuse_injection(payload):
    with pytest.raises(UsageError):
        parse_options("config", {"fields": [{"name": payload, "default": "x"}]})
    with pytest.raises(UsageError):
        parse_options("config", {"fields": [{"name": "ok", "default": payload}]})


def test_defaults_are_valid_and_follow_the_decisions():
    for spec in CATALOG.values():
        spec.options()
    assert parse_options("rate-limit", {}).trusted_proxies == []
    assert parse_options("circuit-breaker", {}).model_dump() == {
        "failure_threshold": 5,
        "recovery_timeout_seconds": 30,
        "half_open_max": 3,
    }
    assert parse_options("webhook-sender", {}).retry_delays_seconds == [1, 5, 25, 125, 625]
    assert parse_options("cursor-pagination", {}).model_dump() == {
        "default_limit": 25,
        "max_limit": 100,
    }
    assert parse_options("cors", {}).max_age == 600
    assert parse_options("webhook-signature", {}).tolerance_seconds == 300


@pytest.mark.parametrize(
    ("middleware", "raw", "fragment"),
    [
        ("rate-limit", {"limit": 0}, "limit"),
        ("rate-limit", {"trusted_proxies": ["10.0.0.300"]}, "trusted_proxies"),
        ("rate-limit", {"store": "memcached"}, "store"),
        ("cors", {"allow_origins": ["*"], "allow_credentials": True}, "credentials"),
        ("cors", {"allow_origins": ["https://a.example/path"]}, "allow_origins"),
        ("jwt-auth", {"algorithms": ["none"]}, "algorithms"),
        ("jwt-auth", {"algorithms": ["HS256", "RS256"]}, "key confusion"),
        ("cursor-pagination", {"default_limit": 200, "max_limit": 100}, "default_limit"),
        ("red-metrics", {"buckets": [1, 0.5]}, "increasing"),
        ("idempotency-key", {"unknown": 1}, "unknown"),
        ("config", {"fields": [{"name": "a", "required": True, "default": 1}]}, "required"),
        ("config", {"fields": [{"name": "k", "type": "secret", "default": "s"}]}, "secret"),
    ],
)
def test_bad_values_are_usage_errors(middleware, raw, fragment):
    with pytest.raises(UsageError, match=fragment):
        parse_options(middleware, raw)


def test_set_pairs_split_lists_parse_json_and_reject_unknown_keys():
    raw = parse_set_pairs(
        "cors", ["allow_origins=https://a.example, https://b.example:8443", "max-age=60"]
    )
    assert raw == {
        "allow_origins": ["https://a.example", "https://b.example:8443"],
        "max_age": "60",
    }
    assert parse_options("cors", raw).max_age == 60
    raw = parse_set_pairs("config", ['fields=[{"name": "port", "type": "int", "default": 1}]'])
    assert parse_options("config", raw).fields == [ConfigField(name="port", type="int", default=1)]
    with pytest.raises(UsageError, match="Did you mean: limit"):
        parse_set_pairs("rate-limit", ["limt=5"])
    with pytest.raises(UsageError, match="key=value"):
        parse_set_pairs("rate-limit", ["limit"])
    with pytest.raises(UsageError, match="invalid JSON"):
        parse_set_pairs("rate-limit", ["trusted_proxies=[1,"])
