import pytest

from backend_skill import knowledge
from backend_skill.errors import UsageError


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("idempotency key replay", "api-design-patterns#idempotency-keys"),
        ("connection pool size", "database-patterns#connection-pooling"),
        ("retry backoff jitter", "resilience-patterns#retries-with-backoff-and-jitter"),
        ("histogram buckets latency", "observability-patterns#histogram-buckets"),
        ("HMAC webhook signature timestamp", "security-patterns#webhook-signatures"),
        ("SQLSTATE 40001 serialization", "database-patterns#serialization-failures-and-retries"),
    ],
)
def test_the_right_section_ranks_in_the_top_three(query, expected):
    hits = knowledge.search_patterns(query, limit=3).hits
    assert expected in [h.ref for h in hits], [h.ref for h in hits]


def test_hits_are_ranked_with_snippets_that_show_a_query_word():
    result = knowledge.search_patterns("circuit breaker half-open", limit=5)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert result.total >= len(result.hits)
    assert len(result.hits[0].snippet) <= 230
    assert any(w in result.hits[0].snippet.lower() for w in ("circuit", "breaker", "half"))


def test_nonsense_finds_nothing_and_empty_queries_are_refused():
    assert knowledge.search_patterns("zzyzx qwxv").hits == []
    with pytest.raises(UsageError):
        knowledge.search_patterns("the of and")
    with pytest.raises(UsageError):
        knowledge.search_patterns("retry", limit=0)
