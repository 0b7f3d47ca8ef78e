"""Changed lines since a git ref, read from a real git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backend_skill.check.api import check_changes
from backend_skill.check.changes import changed_lines, diff_path
from backend_skill.errors import UsageError

UNSAFE_LOAD = "import yaml\ny = yaml.load(s)\n"


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, timeout=30, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    return tmp_path


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("b/app.py", "b/app.py"),
        ("/dev/null", None),
        ("b/with space.py\t", "b/with space.py"),
        ('"b/caf\\303\\251 app.py"\t', "b/café app.py"),
        ('"b/quote\\"d\\\\back\\tslash.py"', 'b/quote"d\\back\tslash.py'),
    ],
)
def test_diff_header_paths_are_unquoted(header: str, path: str | None) -> None:
    assert diff_path(header) == path


def test_names_git_quotes_are_still_checked(repo: Path) -> None:
    """Non-ASCII names and names with spaces come C-quoted in diff headers; missing them would
    silently report a changed file as clean."""
    for name in ("café app.py", "with space.py", "plain.py"):
        (repo / name).write_text("x = 1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    for name in ("café app.py", "with space.py", "plain.py"):
        (repo / name).write_text("x = 1\n" + UNSAFE_LOAD)
    assert changed_lines(repo, "HEAD") == {
        "café app.py": {2, 3},
        "with space.py": {2, 3},
        "plain.py": {2, 3},
    }
    found = check_changes("HEAD", str(repo))
    assert sorted(f.location.path for f in found.findings) == [
        "café app.py",
        "plain.py",
        "with space.py",
    ]


def test_a_repository_without_commits_treats_every_file_as_new(repo: Path) -> None:
    (repo / "staged.py").write_text(UNSAFE_LOAD)
    git(repo, "add", "staged.py")
    (repo / "untracked.py").write_text(UNSAFE_LOAD)
    (repo / ".gitignore").write_text("ignored.py\n")
    (repo / "ignored.py").write_text(UNSAFE_LOAD)
    assert changed_lines(repo, "HEAD") == {
        ".gitignore": None,
        "staged.py": None,
        "untracked.py": None,
    }
    found = check_changes("HEAD", str(repo))
    assert sorted(f.location.path for f in found.findings) == ["staged.py", "untracked.py"]
    with pytest.raises(UsageError, match="'main' is not a commit"):
        changed_lines(repo, "main")


def test_subdirectory_root_sees_paths_relative_to_itself(repo: Path) -> None:
    service = repo / "services" / "orders"
    service.mkdir(parents=True)
    (service / "app.py").write_text("x = 1\n")
    (repo / "other.py").write_text("x = 1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    (service / "app.py").write_text(UNSAFE_LOAD)
    (repo / "other.py").write_text(UNSAFE_LOAD)
    assert changed_lines(service, "HEAD") == {"app.py": {1, 2}}


def test_not_a_repository_and_bad_refs_are_usage_errors(
    tmp_path_factory: pytest.TempPathFactory, repo: Path
) -> None:
    outside = tmp_path_factory.mktemp("not-a-repo")
    with pytest.raises(UsageError, match="not usable as a git repository"):
        changed_lines(outside, "HEAD")
    for ref in ("", "--output=/tmp/x", "HEAD main"):
        with pytest.raises(UsageError, match="is not a git ref"):
            changed_lines(repo, ref)
