"""Supported.refuses: an option value a framework cannot honour is a UsageError naming the reason,
and every other value still renders."""

from __future__ import annotations

import pytest

from backend_skill.errors import UsageError
from backend_skill.generate.catalog import IdempotencyKeyOptions, JwtAuthOptions
from backend_skill.generate.core import _check_refusals
from backend_skill.generate.support import Refusal, Supported, Template


def _entry(*refuses: Refusal) -> Supported:
    return Supported(
        files=(Template("a.j2", "a"),), mount="m.j2", test=Template("t.j2", "t"), refuses=refuses
    )


STORE = _entry(Refusal("store", "redis", "no Redis client in the standard library"))
ALGORITHMS = _entry(Refusal("algorithms", "EdDSA", "the JWT library has no EdDSA"))


def test_scalar_value_is_refused_with_the_reason():
    with pytest.raises(UsageError, match=r"store=redis: no Redis client"):
        _check_refusals("idempotency-key", "go", STORE, IdempotencyKeyOptions(store="redis"))
    _check_refusals("idempotency-key", "go", STORE, IdempotencyKeyOptions(store="memory"))


def test_list_member_is_refused():
    with pytest.raises(UsageError, match="algorithms=EdDSA"):
        _check_refusals("jwt-auth", "x", ALGORITHMS, JwtAuthOptions(algorithms=["ES256", "EdDSA"]))
    _check_refusals("jwt-auth", "x", ALGORITHMS, JwtAuthOptions(algorithms=["ES256"]))
