"""The shipped documents, loaded once from the installed package.

An installed wheel carries them under `backend_skill/docs/`; a source checkout (an editable
install) reads them from the repository's top level, where people edit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backend_skill.knowledge.markdown import Section, split_sections

SKILL_DOCUMENT = "SKILL"


def docs_root() -> Path:
    """The folder holding SKILL.md, patterns/ and twelve-factor-cheatsheet.md."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "docs"
    if (installed / "SKILL.md").is_file():
        return installed
    checkout = package.parent.parent
    if (checkout / "SKILL.md").is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(
        f"backend-skill's documents are missing: looked in {installed} and {checkout}. "
        "Reinstall the package."
    )


def document_paths(root: Path) -> list[Path]:
    """SKILL.md first, then the deep dives in name order."""
    paths = [root / "SKILL.md", *sorted((root / "patterns").glob("*.md"))]
    cheatsheet = root / "twelve-factor-cheatsheet.md"
    if cheatsheet.is_file():
        paths.append(cheatsheet)
    return [path for path in paths if path.is_file()]


@dataclass(frozen=True)
class Document:
    id: str  # file stem, "SKILL" for SKILL.md
    path: str  # relative to the docs root, forward slashes
    text: str
    lines: list[str]
    sections: list[Section]

    @property
    def title(self) -> str:
        for section in self.sections:
            if section.level == 1:
                return section.title
        return self.id

    def section(self, anchor: str) -> Section | None:
        for section in self.sections:
            if section.anchor == anchor:
                return section
        return None

    def top_sections(self) -> list[Section]:
        """The ## sections, or the top level there is when a document has no ##."""
        levels = sorted({s.level for s in self.sections if s.level > 1})
        return [s for s in self.sections if levels and s.level == levels[0]]

    def text_of(self, section: Section, *, own_body_only: bool = False) -> str:
        end = section.body_end if own_body_only else section.end
        return "\n".join(self.lines[section.start : end]).strip() + "\n"

    def summary(self) -> str:
        """The first paragraph after the title, skipping frontmatter."""
        body = self.lines
        if body and body[0].strip() == "---":
            closing = next((i for i, line in enumerate(body[1:], 1) if line.strip() == "---"), 0)
            body = body[closing + 1 :]
        paragraph: list[str] = []
        for line in body:
            stripped = line.strip()
            if stripped.startswith("#") or not stripped:
                if paragraph:
                    break
                continue
            paragraph.append(stripped)
        return " ".join(paragraph)


def _load(path: Path, root: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    stem = path.stem
    return Document(
        id=stem,
        path=path.relative_to(root).as_posix(),
        text=text,
        lines=lines,
        sections=split_sections(lines),
    )


@cache
def load_documents() -> tuple[Document, ...]:
    """All documents, parsed once per process."""
    root = docs_root()
    return tuple(_load(path, root) for path in document_paths(root))


def frontmatter(document: Document) -> str:
    """The raw YAML frontmatter of a document, or an empty string."""
    if not document.lines or document.lines[0].strip() != "---":
        return ""
    for index, line in enumerate(document.lines[1:], 1):
        if line.strip() == "---":
            return "\n".join(document.lines[1:index])
    return ""
