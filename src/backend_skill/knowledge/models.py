"""Result models of the knowledge capability: documents, sections, texts and search hits."""

from __future__ import annotations

from pydantic import Field

from backend_skill.models import Model


class SectionRef(Model):
    """A section of a document, addressed as `document#anchor`."""

    document: str = Field(description="Document id, for example database-patterns.")
    anchor: str = Field(description="Stable anchor: the GitHub slug of the heading.")
    title: str
    level: int = Field(description="Heading level, 1 to 6.")
    ref: str = Field(description="document#anchor, accepted by get_pattern.")
    uri: str = Field(description="MCP resource URI of the section.")


class DocumentSummary(Model):
    """A shipped document and its top-level sections."""

    id: str = Field(description="Document id, accepted by get_pattern.")
    path: str = Field(description="Path inside the skill folder, for example patterns/x.md.")
    title: str
    summary: str = Field(description="The document's opening paragraph.")
    uri: str
    lines: int
    sections: list[SectionRef] = Field(description="The document's ## sections.")


class PatternList(Model):
    """Every shipped document with its sections."""

    documents: list[DocumentSummary]


class PatternText(Model):
    """The markdown of a whole document or of one section."""

    document: str
    anchor: str | None = Field(description="None when the whole document was asked for.")
    title: str
    ref: str
    uri: str
    content: str = Field(description="Markdown text.")
    truncated: bool = Field(
        default=False, description="True when the text was cut to keep the answer small."
    )
    omitted_sections: list[SectionRef] = Field(
        default_factory=list, description="Sections left out of `content`; ask for them by ref."
    )
    hint: str | None = Field(default=None, description="How to ask for the rest, when truncated.")


class SearchHit(Model):
    """A section that matches a query, with a short snippet around the first match."""

    ref: str
    uri: str
    document: str
    anchor: str
    title: str
    score: float
    snippet: str


class SearchResults(Model):
    """Sections ranked by how well they match the query."""

    query: str
    total: int = Field(description="How many sections matched at all.")
    hits: list[SearchHit]
