"""Writing never loses a file: refuse, or replace with a backup; atomic; confined."""

from __future__ import annotations

import pytest

from backend_skill.errors import UsageError
from backend_skill.generate import generate_middleware, write_generated
from backend_skill.generate.results import GeneratedFile


@pytest.fixture
def result():
    return generate_middleware("request-id", "fastapi")


def test_creates_files_and_directories(tmp_path, result):
    report = write_generated(result, tmp_path / "new", force=False)
    assert [f.action for f in report.files] == ["created", "created"]
    for file in result.files:
        assert (tmp_path / "new" / file.path).read_text() == file.content


def test_refuses_to_overwrite_and_writes_nothing(tmp_path, result):
    (tmp_path / "request_id.py").write_text("mine\n")
    with pytest.raises(UsageError, match="--force"):
        write_generated(result, tmp_path, force=False)
    assert (tmp_path / "request_id.py").read_text() == "mine\n"
    assert not (tmp_path / "tests").exists(), "nothing is written when one file exists"


def test_force_keeps_a_backup(tmp_path, result):
    (tmp_path / "request_id.py").write_text("mine\n")
    report = write_generated(result, tmp_path, force=True)
    assert report.files[0].action == "replaced"
    assert report.files[0].backup == "request_id.py.bak"
    assert (tmp_path / "request_id.py.bak").read_text() == "mine\n"
    assert (tmp_path / "request_id.py").read_text() == result.files[0].content
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_paths_stay_inside_the_directory(tmp_path, result):
    escaping = result.model_copy(
        update={"files": [GeneratedFile(path="../escape.py", content="x", role="middleware")]}
    )
    with pytest.raises(UsageError, match="outside"):
        write_generated(escaping, tmp_path / "d", force=True)
    assert not (tmp_path / "escape.py").exists()
    (tmp_path / "outside").mkdir()
    (tmp_path / "d" / "link").symlink_to(tmp_path / "outside")
    linked = result.model_copy(
        update={"files": [GeneratedFile(path="link/x.py", content="x", role="middleware")]}
    )
    with pytest.raises(UsageError, match="outside"):
        write_generated(linked, tmp_path / "d", force=True)


def test_a_file_as_directory_is_a_usage_error(tmp_path, result):
    (tmp_path / "f").write_text("")
    with pytest.raises(UsageError, match="not a directory"):
        write_generated(result, tmp_path / "f", force=False)


def test_backups_are_never_overwritten(tmp_path, result):
    target = tmp_path / "request_id.py"
    target.write_text("original\n")
    write_generated(result, tmp_path, force=True)
    target.write_text("edited again\n")
    report = write_generated(result, tmp_path, force=True)
    assert report.files[0].backup == "request_id.py.bak.1"
    assert (tmp_path / "request_id.py.bak").read_text() == "original\n"
    assert (tmp_path / "request_id.py.bak.1").read_text() == "edited again\n"


def test_identical_files_are_left_alone_without_force(tmp_path, result):
    write_generated(result, tmp_path, force=False)
    report = write_generated(result, tmp_path, force=False)
    assert [f.action for f in report.files] == ["unchanged", "unchanged"]
    assert not list(tmp_path.glob("*.bak*"))
