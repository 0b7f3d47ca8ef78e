"""The wheel carries the documents: built, installed into a fresh venv, read from there."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from backend_skill.knowledge.library import load_documents


@pytest.fixture(scope="module")
def wheel(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(repo_root),
        ],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("backend_skill-*.whl")
    return built


def test_wheel_holds_every_document(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for document in load_documents():
        assert f"backend_skill/docs/{document.path}" in names, document.path


def test_installed_package_serves_documents_without_a_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # Unpack the wheel as an installer would (no network needed), and borrow our dependencies
    # (mcp, pydantic, ...) through a .pth line that adds a plain directory: it does not carry
    # the editable install of the checkout, so only the wheel's backend_skill is importable.
    zipfile.ZipFile(wheel).extractall(site)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = (
        "import json, backend_skill, backend_skill.knowledge as k\n"
        "from backend_skill.knowledge.library import docs_root\n"
        "print(json.dumps({'module': backend_skill.__file__, 'root': str(docs_root()),"
        " 'ref': k.get_pattern('database-patterns#migrations').ref}))\n"
    )
    result = subprocess.run(
        [str(python), "-I", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["module"].startswith(str(site))
    assert seen["root"] == str(site / "backend_skill" / "docs")
    assert seen["ref"] == "database-patterns#migrations"
