from backend_skill.knowledge.markdown import fenced_blocks, slugify, split_sections


def test_slugify_follows_github():
    assert slugify("Cursor pagination") == "cursor-pagination"
    assert slugify("N+1 queries") == "n1-queries"
    assert slugify("Real-time: SSE versus WebSocket") == "real-time-sse-versus-websocket"
    assert slugify("V. Build, release, run") == "v-build-release-run"
    assert slugify("X. Dev/prod parity") == "x-devprod-parity"
    assert slugify("The `Retry-After` header") == "the-retry-after-header"
    assert slugify("[Linked](http://x) title") == "linked-title"


def test_sections_nest_and_end_at_the_next_peer():
    lines = [
        "# Title",
        "intro",
        "## One",
        "one body",
        "### One A",
        "a body",
        "## Two",
        "```python",
        "# not a heading",
        "```",
        "two body",
    ]
    sections = split_sections(lines)
    titles = [(s.title, s.level, s.start, s.end, s.body_end) for s in sections]
    assert titles == [
        ("Title", 1, 0, 11, 2),
        ("One", 2, 2, 6, 4),
        ("One A", 3, 4, 6, 6),
        ("Two", 2, 6, 11, 11),
    ]
    assert [c.title for c in sections[1].children] == ["One A"]


def test_duplicate_headings_get_numbered_anchors_like_github():
    sections = split_sections(["## Example", "x", "## Example", "y", "## Example"])
    assert [s.anchor for s in sections] == ["example", "example-1", "example-2"]


def test_tilde_fences_and_longer_fences_hide_headings():
    lines = ["~~~", "# no", "~~~", "````md", "```", "# no", "```", "````", "## Yes"]
    assert [s.title for s in split_sections(lines)] == ["Yes"]


def test_fenced_blocks_report_info_and_line():
    text = "intro\n```python sketch\nx = 1\n```\n\n```json\n{}\n```\n"
    assert fenced_blocks(text) == [("python sketch", "x = 1\n", 2), ("json", "{}\n", 6)]
