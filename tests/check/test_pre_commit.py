"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit on a real git repository.

pre-commit would build a Python environment for `language: python` by installing this package
from an index, which the tests cannot reach; so each hook runs as a `repo: local` hook with the
same entry, files pattern and serial setting, on the `backend-skill` installed here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend_skill.check.files import TEXT_SUFFIXES, kind_of

HOOKS_FILE = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
FLAWED = "import requests\n\n\ndef load(url):\n    return requests.get(url)\n"


def hooks() -> dict[str, dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in loaded}


def test_the_files_pattern_matches_what_the_check_reads() -> None:
    names = ["app.py", "deploy/Dockerfile", "Dockerfile.prod", ".env", "config/.env.local"]
    names += [f"src/file{suffix}" for suffix in sorted(TEXT_SUFFIXES)]
    skipped = ["README.md", "notes.txt", "image.png", "setup.py.orig", "docs/env.md"]
    for hook in hooks().values():
        pattern = re.compile(hook["files"])
        for name in names:
            assert kind_of(name.rsplit("/", 1)[-1]) is not None, name
            assert pattern.search(name), f"{hook['id']} misses {name}"
        for name in skipped:
            assert kind_of(name.rsplit("/", 1)[-1]) is None, name
            assert not pattern.search(name), f"{hook['id']} takes {name}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is required")
    local = []
    for hook in hooks().values():
        command, *args = hook["entry"].split()
        assert command == "backend-skill" and hook["language"] == "python"
        local.append(
            {
                **hook,
                "entry": " ".join([str(BIN / command), *args]),
                "language": "unsupported",
                "stages": ["manual"],  # run only when named
            }
        )
    root = tmp_path / "repo"
    root.mkdir()
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "app.py").write_text(FLAWED, encoding="utf-8")
    (root / "README.md").write_text("password = 'hunter2hunter2'\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    return root


def _git(root: Path, *args: str) -> None:
    identity = ["-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, timeout=30, capture_output=True)


def _pre_commit(root: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(root.parent),
        "PRE_COMMIT_HOME": str(root.parent / "pre-commit-home"),
        "BACKEND_SKILL_CACHE_DIR": str(root.parent / "cache"),
    }
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", "--hook-stage", "manual", hook, "--all-files"],
        cwd=root,
        env={**env, "LANG": os.environ.get("LANG", "C.UTF-8")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_hook_fails_on_a_finding_and_passes_once_fixed(repo: Path) -> None:
    failed = _pre_commit(repo, "backend-skill-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "BS401" in failed.stdout and "app.py" in failed.stdout
    assert "README.md" not in failed.stdout  # prose is not passed to the check

    fixed = _pre_commit(repo, "backend-skill-fix")
    assert fixed.returncode == 1  # pre-commit fails a run that modified files
    assert "files were modified by this hook" in fixed.stdout
    assert "requests.get(url, timeout=10)" in (repo / "app.py").read_text(encoding="utf-8")

    _git(repo, "add", ".")
    clean = _pre_commit(repo, "backend-skill-check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
