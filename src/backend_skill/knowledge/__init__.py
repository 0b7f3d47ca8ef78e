"""knowledge: the shipped documents as topics, sections and a searchable index."""

from backend_skill.knowledge.search import search_patterns
from backend_skill.knowledge.topics import (
    all_refs,
    complete_names,
    get_pattern,
    list_patterns,
    resolve,
)
from backend_skill.knowledge.uris import document_uri, section_uri

__all__ = [
    "all_refs",
    "complete_names",
    "document_uri",
    "get_pattern",
    "list_patterns",
    "resolve",
    "search_patterns",
    "section_uri",
]
