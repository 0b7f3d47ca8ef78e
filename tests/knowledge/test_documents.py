"""The shipped documents keep their promises: valid skill frontmatter, required sections,
links and anchors that resolve, and python examples that run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import PurePosixPath

import pytest
import yaml

from backend_skill.knowledge.library import frontmatter, load_documents
from backend_skill.knowledge.markdown import fenced_blocks

DOCUMENTS = {d.path: d for d in load_documents()}
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE_SPAN = re.compile(r"`[^`]*`")


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """Lines outside fenced code, with code spans removed (links there are not links)."""
    result, fence = [], None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence is None:
            result.append((number, _CODE_SPAN.sub("", line)))
    return result


def _links():
    for path, document in DOCUMENTS.items():
        for number, line in _prose_lines(document.text):
            for target in _LINK.findall(line):
                yield pytest.param(path, target, id=f"{path}:{number}:{target}")


@pytest.mark.parametrize(("source", "target"), list(_links()))
def test_every_link_and_anchor_resolves(source, target):
    if target.startswith(("http://", "https://", "mailto:")):
        assert target.startswith("https://") or target.startswith("mailto:"), "use https links"
        return
    file_part, _, anchor = target.partition("#")
    if file_part:
        resolved = str(PurePosixPath(source).parent.joinpath(file_part))
        parts: list[str] = []
        for part in resolved.split("/"):
            if part == "..":
                assert parts, f"{target} leaves the skill folder"
                parts.pop()
            elif part != ".":
                parts.append(part)
        resolved = "/".join(parts)
        assert resolved in DOCUMENTS, f"{source} links to missing {resolved}"
    else:
        resolved = source
    if anchor:
        anchors = {s.anchor for s in DOCUMENTS[resolved].sections}
        assert anchor in anchors, f"{source} links to missing anchor {resolved}#{anchor}"


def _python_blocks():
    for path, document in DOCUMENTS.items():
        for info, code, line in fenced_blocks(document.text):
            words = info.split()
            if words and words[0] in ("python", "py", "python3"):
                yield pytest.param(words, code, id=f"{path}:{line}")


@pytest.mark.parametrize(("info", "code"), list(_python_blocks()))
def test_python_examples_run_or_are_marked_as_sketches(info, code, tmp_path):
    if "sketch" in info[1:]:
        assert code.lstrip().startswith("# Sketch:"), "a sketch says so in its first line"
        return
    assert info == ["python"], f"unknown info string {info}: use 'python' or 'python sketch'"
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_skill_frontmatter_is_what_the_skill_validator_accepts():
    skill = DOCUMENTS["SKILL.md"]
    meta = yaml.safe_load(frontmatter(skill))
    assert set(meta) <= {
        "name",
        "description",
        "license",
        "compatibility",
        "metadata",
        "allowed-tools",
    }
    assert meta["name"] == "developing-backend-services"
    assert re.fullmatch(r"[a-z0-9-]{1,64}", meta["name"])
    description = meta["description"]
    assert 0 < len(description) <= 1024
    assert "<" not in description and ">" not in description
    for needed in ("REST", "gRPC", "webhook", "queue", "review"):
        assert needed.lower() in description.lower(), needed
    assert meta["metadata"]["version"]
    body = skill.text.split("---", 2)[2]
    assert len(body.splitlines()) < 500


REQUIRED_SKILL_SECTIONS = [
    "api-design",
    "authentication-and-authorization",
    "configuration",
    "database",
    "observability",
    "health-checks-and-lifecycle",
    "resilience",
    "rate-limiting-and-caching",
    "message-queues",
    "webhooks",
    "real-time-sse-versus-websocket",
    "error-handling",
    "testing",
    "security",
    "new-service-workflow",
    "validation-loop",
    "deep-dive-documents",
    "using-the-backend-skill-tools",
]


def test_skill_covers_every_practice_area():
    anchors = {s.anchor for s in DOCUMENTS["SKILL.md"].sections}
    assert set(REQUIRED_SKILL_SECTIONS) <= anchors, set(REQUIRED_SKILL_SECTIONS) - anchors
    text = DOCUMENTS["SKILL.md"].text
    for tool in ("check_file", "check_changes", "generate_middleware", "run_validation_loop"):
        assert tool in text, tool
    for deep_dive in DOCUMENTS:
        if deep_dive != "SKILL.md":
            assert deep_dive in text, f"SKILL.md never tells when to open {deep_dive}"


@pytest.mark.parametrize("path", sorted(DOCUMENTS))
def test_long_documents_open_with_a_table_of_contents(path):
    document = DOCUMENTS[path]
    if len(document.lines) <= 300:
        return
    anchors = [s.anchor for s in document.sections]
    assert "contents" in anchors, f"{path} has {len(document.lines)} lines and no Contents"
    contents = document.text_of(document.section("contents"))
    for top in document.top_sections():
        if top.anchor != "contents":
            assert f"(#{top.anchor})" in contents, f"Contents of {path} misses {top.anchor}"


def test_decided_contradictions_are_written_once_and_consistently():
    every = "\n".join(d.text for d in DOCUMENTS.values())
    assert '"next_cursor"' in every and '"has_more"' in every
    assert '"request_id"' in every and '"details"' in every
    for delay in ("1s", "5s", "25s", "125s", "625s"):
        assert delay.replace("s", " s") in every or delay in every
    assert "40001" in every and "40P01" in every
    assert "X-Webhook-Signature" in every and "X-Webhook-Timestamp" in every
