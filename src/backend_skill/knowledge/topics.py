"""List the documents and fetch a document or a section by exact reference or loose name."""

from __future__ import annotations

import difflib

from backend_skill.errors import UsageError
from backend_skill.knowledge.library import SKILL_DOCUMENT, Document, load_documents
from backend_skill.knowledge.markdown import Section, slugify
from backend_skill.knowledge.models import DocumentSummary, PatternList, PatternText, SectionRef
from backend_skill.knowledge.search import search_patterns
from backend_skill.knowledge.uris import URI_SCHEME, document_uri, section_uri

# About 15k tokens of markdown: an agent can take a whole document of that size in one answer;
# a larger one is cut at a section boundary and says how to ask for the rest.
MAX_CONTENT_CHARS = 60_000


def section_ref(document: Document, section: Section) -> SectionRef:
    return SectionRef(
        document=document.id,
        anchor=section.anchor,
        title=section.title,
        level=section.level,
        ref=f"{document.id}#{section.anchor}",
        uri=section_uri(document.id, section.anchor),
    )


def list_patterns() -> PatternList:
    """Every shipped document with its ## sections."""
    return PatternList(
        documents=[
            DocumentSummary(
                id=doc.id,
                path=doc.path,
                title=doc.title,
                summary=doc.summary(),
                uri=document_uri(doc.id),
                lines=len(doc.lines),
                sections=[section_ref(doc, s) for s in doc.top_sections()],
            )
            for doc in load_documents()
        ]
    )


def all_refs() -> list[str]:
    """Every reference get_pattern accepts exactly: document ids and document#anchor."""
    refs: list[str] = []
    for doc in load_documents():
        refs.append(doc.id)
        refs.extend(f"{doc.id}#{s.anchor}" for s in doc.sections)
    return refs


def _find_document(name: str) -> Document | None:
    key = name.strip().lower().removeprefix("./").removeprefix("patterns/").removesuffix(".md")
    documents = load_documents()
    for doc in documents:
        if doc.id.lower() == key:
            return doc
    # Short names: "database" for database-patterns, "twelve-factor" for the cheatsheet.
    prefixed = [doc for doc in documents if doc.id.lower().startswith(key + "-")]
    return prefixed[0] if len(prefixed) == 1 else None


def _loose_section(name: str) -> tuple[Document, Section] | None:
    """The best section for a loose name such as "idempotency" or "N+1 queries"."""
    slug = slugify(name)
    words = [w for w in slug.split("-") if w]
    if not words:
        return None
    # Deep dives before SKILL.md: a loose name wants the detailed treatment.
    documents = sorted(load_documents(), key=lambda d: d.id == SKILL_DOCUMENT)
    tests = (
        lambda s: s.anchor == slug,
        lambda s: s.anchor.startswith(slug),
        lambda s: slug in s.anchor,
        lambda s: all(w in s.anchor.split("-") for w in words),
        lambda s: all(any(part.startswith(w) for part in s.anchor.split("-")) for w in words),
    )
    for test in tests:
        matches = [(doc, s) for doc in documents for s in doc.sections if s.level > 1 and test(s)]
        if matches:
            # Prefer the broadest section (lowest level), then the shortest anchor.
            return min(matches, key=lambda m: (m[1].level, len(m[1].anchor)))
    return None


def _closest(name: str) -> list[str]:
    """Likely meant refs: near-miss anchors first, then search hits, then near-miss refs."""
    refs = all_refs()
    by_anchor: dict[str, str] = {}
    for ref in refs:
        by_anchor.setdefault(ref.partition("#")[2] or ref, ref)
    anchor_part = name.rpartition("#")[2] if "#" in name else name
    suggestions = [
        by_anchor[anchor]
        for anchor in difflib.get_close_matches(slugify(anchor_part), list(by_anchor), n=3)
    ]
    suggestions += (
        [hit.ref for hit in search_patterns(name, limit=3).hits] if _searchable(name) else []
    )
    suggestions += difflib.get_close_matches(name, refs, n=3, cutoff=0.6)
    return list(dict.fromkeys(suggestions))[:6]


def _searchable(name: str) -> bool:
    try:
        search_patterns(name, limit=1)
    except UsageError:
        return False
    return True


def resolve(topic: str) -> tuple[Document, Section | None]:
    """A document (section None) or a section for any accepted form of topic.

    Accepted: a document id or path (`database-patterns`, `patterns/database-patterns.md`,
    `database`), `document#anchor`, a resource URI (`pattern://database-patterns/migrations`),
    or a loose name (`idempotency`).
    """
    text = topic.strip()
    if not text:
        raise UsageError("The topic is empty; pass a document id, document#anchor or a keyword.")
    if text.startswith(URI_SCHEME):
        text = text.removeprefix(URI_SCHEME).replace("/", "#", 1)
    doc_part, _, anchor = text.partition("#")
    if "#" in text and not anchor:
        raise UsageError(f"{topic!r} has an empty anchor after '#'; use document#anchor.")
    if doc_part.endswith(".md") and "/" in doc_part and not anchor:
        doc_part = doc_part.rsplit("/", 1)[-1]
    document = _find_document(doc_part) if doc_part else None
    if anchor and doc_part and document is None:
        known = ", ".join(doc.id for doc in load_documents())
        raise UsageError(
            f"No document {doc_part!r}; the documents are: {known}.", suggestions=_closest(topic)
        )
    if anchor:
        for doc in [document] if document else load_documents():
            section = doc.section(anchor) or doc.section(slugify(anchor))
            if section is not None:
                return doc, section
        raise UsageError(
            f"No section {anchor!r} in {doc_part or 'any document'}.", suggestions=_closest(topic)
        )
    if document is not None:
        return document, None
    loose = _loose_section(text)
    if loose is not None:
        return loose
    raise UsageError(
        f"No document or section matches {topic!r}. Use list_patterns for the documents and "
        "their sections, or search_patterns for keywords.",
        suggestions=_closest(topic),
    )


def get_pattern(topic: str, *, max_chars: int = MAX_CONTENT_CHARS) -> PatternText:
    """The markdown of a document or section, cut at section boundaries when too long."""
    document, section = resolve(topic)
    if section is None:
        return _whole_document(document, max_chars)
    content = document.text_of(section)
    ref = f"{document.id}#{section.anchor}"
    text = PatternText(
        document=document.id,
        anchor=section.anchor,
        title=section.title,
        ref=ref,
        uri=section_uri(document.id, section.anchor),
        content=content,
    )
    if len(content) <= max_chars:
        return text
    # A very long section: give its own body and point at its subsections.
    own = document.text_of(section, own_body_only=True)[:max_chars]
    return text.model_copy(
        update={
            "content": own,
            "truncated": True,
            "omitted_sections": [section_ref(document, s) for s in section.children],
            "hint": "The section is long; ask for each subsection by its ref.",
        }
    )


def _whole_document(document: Document, max_chars: int) -> PatternText:
    base = PatternText(
        document=document.id,
        anchor=None,
        title=document.title,
        ref=document.id,
        uri=document_uri(document.id),
        content=document.text,
    )
    if len(document.text) <= max_chars:
        return base
    tops = document.top_sections()
    kept_until = tops[0].start if tops else len(document.lines)
    omitted: list[SectionRef] = []
    used = len("\n".join(document.lines[:kept_until]))
    for top in tops:
        size = len(document.text_of(top))
        if not omitted and used + size <= max_chars:
            used += size
            kept_until = top.end
        else:
            omitted.append(section_ref(document, top))
    return base.model_copy(
        update={
            "content": "\n".join(document.lines[:kept_until]).strip()[:max_chars] + "\n",
            "truncated": True,
            "omitted_sections": omitted,
            "hint": (
                f"{document.path} is longer than one answer; ask for the omitted sections by "
                f"ref, for example get_pattern('{omitted[0].ref}')."
                if omitted
                else None
            ),
        }
    )


def complete_names(prefix: str, limit: int = 100) -> list[str]:
    """Completion values for the pattern://{name} template: document ids, then anchors."""
    key = prefix.lower()
    names = [doc.id for doc in load_documents()]
    names += sorted({s.anchor for doc in load_documents() for s in doc.sections if s.level > 1})
    return [name for name in names if name.lower().startswith(key)][:limit]
