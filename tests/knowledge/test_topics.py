import pytest

from backend_skill import knowledge
from backend_skill.errors import UsageError
from backend_skill.knowledge.library import load_documents

EXPECTED_DOCUMENTS = {
    "SKILL",
    "api-design-patterns",
    "database-patterns",
    "observability-patterns",
    "resilience-patterns",
    "security-patterns",
    "testing-patterns",
    "twelve-factor-cheatsheet",
}


def test_every_document_is_listed_with_its_sections():
    listing = knowledge.list_patterns()
    assert {d.id for d in listing.documents} == EXPECTED_DOCUMENTS
    assert listing.documents[0].id == "SKILL"
    for document in listing.documents:
        assert document.sections, document.id
        assert document.summary, document.id
        for section in document.sections:
            assert section.level == 2
            assert section.ref == f"{document.id}#{section.anchor}"
            assert section.uri == f"pattern://{document.id}/{section.anchor}"


@pytest.mark.parametrize(
    ("topic", "ref"),
    [
        ("api-design-patterns#idempotency-keys", "api-design-patterns#idempotency-keys"),
        ("patterns/database-patterns.md#migrations", "database-patterns#migrations"),
        (
            "pattern://database-patterns/parameterized-queries",
            "database-patterns#parameterized-queries",
        ),
        ("idempotency", "api-design-patterns#idempotency-keys"),
        ("Cursor pagination", "api-design-patterns#cursor-pagination"),
        ("circuit breaker", "resilience-patterns#circuit-breakers"),
        ("N+1 queries", "database-patterns#n1-queries"),
        ("#webhook-signatures", "security-patterns#webhook-signatures"),
    ],
)
def test_sections_are_found_by_exact_ref_and_by_loose_name(topic, ref):
    assert knowledge.get_pattern(topic).ref == ref


@pytest.mark.parametrize(
    ("topic", "document"),
    [
        ("database-patterns", "database-patterns"),
        ("patterns/security-patterns.md", "security-patterns"),
        ("database", "database-patterns"),
        ("twelve-factor", "twelve-factor-cheatsheet"),
        ("skill", "SKILL"),
        ("pattern://SKILL", "SKILL"),
    ],
)
def test_whole_documents_by_id_path_or_short_name(topic, document):
    result = knowledge.get_pattern(topic)
    assert result.document == document
    assert result.anchor is None


def test_section_text_starts_at_its_heading_and_stops_before_the_next_peer():
    text = knowledge.get_pattern("database-patterns#migrations").content
    assert text.startswith("## Migrations")
    assert "\n## Connection pooling" not in text


def test_unknown_topic_is_a_usage_error_with_close_matches():
    with pytest.raises(UsageError) as caught:
        knowledge.get_pattern("database-patterns#migration")
    assert "database-patterns#migrations" in caught.value.suggestions
    with pytest.raises(UsageError) as caught:
        knowledge.get_pattern("idempotensy")
    assert caught.value.suggestions[0] == "api-design-patterns#idempotency-keys"
    with pytest.raises(UsageError) as caught:
        knowledge.get_pattern("circut breakr")
    assert "resilience-patterns#circuit-breakers" in caught.value.suggestions
    assert "Did you mean" in str(caught.value)


@pytest.mark.parametrize("topic", ["", "   ", "database-patterns#", "nosuchdoc#migrations"])
def test_malformed_topics_are_usage_errors(topic):
    with pytest.raises(UsageError):
        knowledge.get_pattern(topic)


def test_long_document_is_cut_at_a_section_boundary_with_a_hint():
    document = max(load_documents(), key=lambda d: len(d.text))
    budget = len(document.text) // 3
    result = knowledge.get_pattern(document.id, max_chars=budget)
    assert result.truncated
    assert len(result.content) <= budget + 1
    assert result.omitted_sections
    assert result.hint and result.omitted_sections[0].ref in result.hint
    # Everything left out can be fetched by its ref.
    for section in result.omitted_sections:
        assert knowledge.get_pattern(section.ref).content.startswith("#")
    # What was kept ends on a section boundary: the first omitted section is not in it.
    assert f"\n## {result.omitted_sections[0].title}\n" not in result.content


def test_every_answer_fits_an_agents_budget():
    # About 20k tokens: no document or section answer may exceed 80k characters.
    for document in load_documents():
        assert len(knowledge.get_pattern(document.id).content) <= 80_000
        for section in document.sections:
            ref = f"{document.id}#{section.anchor}"
            assert len(knowledge.get_pattern(ref).content) <= 80_000


def test_completion_offers_documents_then_anchors():
    values = knowledge.complete_names("data")
    assert values[0] == "database-patterns"
    assert all(v.startswith("data") for v in values)
    assert "idempotency-keys" in knowledge.complete_names("idem")
