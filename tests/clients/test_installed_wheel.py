"""From a wheel installed in a fresh venv, outside the checkout: install registers that venv's
entry point, doctor starts it and finds the wheel's documents in place."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # Without hatchling in this environment, pip fetches it from PyPI into an isolated build.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(dist)]
    subprocess.run(
        [*build, str(REPO)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = dist.glob("backend_skill-*.whl")
    target = tmp_path_factory.mktemp("wheel") / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # Unpack as an installer would, borrow our dependencies through a plain directory on the
    # path (the checkout's editable install is not carried), and write the console script the
    # installer would write from [project.scripts].
    zipfile.ZipFile(wheel).extractall(site)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = target / "bin" / "backend-skill"
    script.write_text(
        f"#!{python}\nimport sys\nfrom backend_skill.cli import main\nsys.exit(main())\n"
    )
    script.chmod(0o755)
    return target


def _run(venv_dir: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CLAUDE_PROJECT_DIR")}
    env["HOME"] = str(home)
    return subprocess.run(
        [str(venv_dir / "bin" / "backend-skill"), *args],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
        timeout=120,
        check=False,
    )


def test_install_and_doctor_from_the_installed_wheel(wheel_venv: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    installed = _run(wheel_venv, home, "install", "--client", "all", "--format", "json")
    assert installed.returncode == 0, installed.stderr
    report = json.loads(installed.stdout)
    assert report["server"]["command"] == str(wheel_venv / "bin" / "backend-skill")
    assert str(REPO) not in installed.stdout, "nothing may point into the checkout"
    for config in (home / ".claude.json", home / ".cursor" / "mcp.json"):
        entry = json.loads(config.read_text())["mcpServers"]["backend-skill"]
        assert entry["command"] == str(wheel_venv / "bin" / "backend-skill")
        assert entry["args"] == ["serve"]

    doctor = _run(wheel_venv, home, "doctor", "--format", "json")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    checks = json.loads(doctor.stdout)["checks"]
    started = [c for c in checks if " server in " in c["name"]]
    assert len(started) == 2 and all(c["status"] == "ok" for c in started)
    assert all("list_patterns" in c["message"] for c in started)
