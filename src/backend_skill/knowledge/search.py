"""Keyword search over sections: BM25 on each section's own text, titles weighted up."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from backend_skill.errors import UsageError
from backend_skill.knowledge.library import Document, load_documents
from backend_skill.knowledge.markdown import Section
from backend_skill.knowledge.models import SearchHit, SearchResults
from backend_skill.knowledge.uris import section_uri

_WORD = re.compile(r"[a-z0-9]+(?:[+#][a-z0-9+#]*)?")
_STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "i"}
    | {"in", "is", "it", "no", "not", "of", "on", "or", "should", "that", "the", "this", "to"}
    | {"use", "what", "when", "with", "you", "your"}
)
_TITLE_WEIGHT = 3
_K1, _B = 1.4, 0.75
SNIPPET_CHARS = 220


def _stem(word: str) -> str:
    # Enough to meet "retries"/"retry", "keys"/"key", "headers"/"header" halfway.
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ed", "")):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    return word


def tokenize(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


@dataclass(frozen=True)
class _Entry:
    document: Document
    section: Section
    body: str
    terms: Counter[str]
    length: int


@cache
def _index() -> tuple[tuple[_Entry, ...], dict[str, int], float]:
    entries: list[_Entry] = []
    for doc in load_documents():
        for section in doc.sections:
            if section.level == 1:
                continue
            body = doc.text_of(section, own_body_only=True)
            terms = Counter(tokenize(body))
            for term in tokenize(section.title):
                terms[term] += _TITLE_WEIGHT
            entries.append(_Entry(doc, section, body, terms, sum(terms.values())))
    frequency: Counter[str] = Counter()
    for entry in entries:
        frequency.update(entry.terms.keys())
    average = sum(e.length for e in entries) / max(len(entries), 1)
    return tuple(entries), dict(frequency), average


def _snippet(body: str, terms: set[str]) -> str:
    lines = [line for line in body.splitlines()[1:] if line.strip() and not line.startswith("```")]
    text = " ".join(line.strip() for line in lines)
    lowered = text.lower()
    first = min(
        (m.start() for m in _WORD.finditer(lowered) if _stem(m.group()) in terms),
        default=0,
    )
    start = max(0, first - SNIPPET_CHARS // 3)
    piece = text[start : start + SNIPPET_CHARS].strip()
    return ("..." if start else "") + piece + ("..." if start + SNIPPET_CHARS < len(text) else "")


def search_patterns(query: str, limit: int = 10) -> SearchResults:
    """Sections ranked by BM25 relevance to the query's words."""
    if limit < 1 or limit > 50:
        raise UsageError(f"limit must be between 1 and 50, got {limit}.")
    terms = set(tokenize(query))
    if not terms:
        raise UsageError(
            f"The query {query!r} has no searchable words; use keywords such as "
            "'idempotency key' or 'connection pool size'."
        )
    entries, frequency, average = _index()
    count = len(entries)
    scored: list[tuple[float, _Entry]] = []
    for entry in entries:
        score = 0.0
        for term in terms:
            tf = entry.terms.get(term, 0)
            if not tf:
                continue
            idf = math.log(1 + (count - frequency[term] + 0.5) / (frequency[term] + 0.5))
            score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * entry.length / average))
        if score > 0:
            scored.append((score, entry))
    scored.sort(key=lambda item: (-item[0], item[1].document.id, item[1].section.start))
    hits = [
        SearchHit(
            ref=f"{e.document.id}#{e.section.anchor}",
            uri=section_uri(e.document.id, e.section.anchor),
            document=e.document.id,
            anchor=e.section.anchor,
            title=e.section.title,
            score=round(score, 3),
            snippet=_snippet(e.body, terms),
        )
        for score, e in scored[:limit]
    ]
    return SearchResults(query=query, total=len(scored), hits=hits)
