"""`backend-skill check`, `rules` and `rule` as a user runs them (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend_skill.check.models import CheckResult
from backend_skill.check.registry import all_rules

FLAWED = (
    "import requests\n"
    "def load(cur, name):\n"
    "    cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"
    "    return requests.get('https://example.com')\n"
)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend_skill", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(FLAWED)
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def test_exit_codes_and_text_output(project: Path) -> None:
    found = cli("check", "--no-cache", cwd=project)
    assert found.returncode == 1
    assert "app.py\n" in found.stdout
    assert "BS101" in found.stdout and 'cur.execute(f"SELECT' in found.stdout
    assert "2 findings" in found.stdout
    assert cli("check", "clean.py", "--no-cache", cwd=project).returncode == 0
    assert cli("check", "--fail-on", "critical", "--no-cache", cwd=project).returncode == 0
    usage = cli("check", "--select", "BS9999", cwd=project)
    assert usage.returncode == 2 and "matches no rule" in usage.stderr
    assert cli("check", "/etc", cwd=project).returncode == 2
    assert cli("check", "--fail-on", "severe", cwd=project).returncode == 2


def test_json_is_the_shared_model(project: Path) -> None:
    plain = CheckResult.model_validate_json(cli("check", "-f", "json", cwd=project).stdout)
    assert all(f.fix is None for f in plain.findings)  # fixes cost a libcst parse: on request
    out = cli("check", "-f", "json", "--show-fixes", "--no-cache", cwd=project)
    result = CheckResult.model_validate_json(out.stdout)
    assert result.summary.by_rule == {"BS101": 1, "BS401": 1}
    fix = next(f.fix for f in result.findings if f.rule_id == "BS401")
    assert fix is not None and "timeout=10" in fix.diff


def test_sarif_has_what_github_code_scanning_reads(project: Path) -> None:
    out = cli("check", "-f", "sarif", "--show-fixes", "--no-cache", cwd=project)
    assert out.returncode == 1
    sarif = json.loads(out.stdout)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["markdown"] and rule["helpUri"].startswith("https://")
        assert "#" in rule["helpUri"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    sql = next(r for r in rules if r["id"] == "BS101")
    assert "external/cwe/cwe-89" in sql["properties"]["tags"]
    assert float(sql["properties"]["security-severity"]) >= 7.0
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"BS101", "BS401"}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"} and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "app.py"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    timeout = next(r for r in results if r["ruleId"] == "BS401")
    change = timeout["fixes"][0]["artifactChanges"][0]
    replacement = change["replacements"][0]
    assert replacement["deletedRegion"]["startLine"] == 4
    assert "timeout=10" in replacement["insertedContent"]["text"]


def test_sarif_validates_against_the_object_model(project: Path) -> None:
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    out = cli("check", "-f", "sarif", "--show-fixes", "--no-cache", cwd=project)
    sarif_pydantic.Sarif.model_validate_json(out.stdout)


def test_fix_diff_and_baseline(project: Path) -> None:
    diff = cli("check", "--diff", "--no-cache", cwd=project)
    assert diff.returncode == 1  # a fix is waiting, and the SQL finding remains
    assert "+    return requests.get('https://example.com', timeout=10)" in diff.stdout
    assert "timeout" not in (project / "app.py").read_text()
    written = cli("check", "--write-baseline", "bs.json", "--no-cache", cwd=project)
    assert written.returncode == 0 and (project / "bs.json").exists()
    assert cli("check", "--baseline", "bs.json", "--no-cache", cwd=project).returncode == 0
    fixed = cli("check", "--fix", "--no-cache", cwd=project)
    assert fixed.returncode == 1  # the SQL finding has no automatic fix
    assert "timeout=10" in (project / "app.py").read_text()


def test_diff_fails_while_a_fix_waits_and_passes_once_applied(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text("import requests\nrequests.get('https://example.com')\n")
    waiting = cli("check", "--diff", "--no-cache", cwd=tmp_path)
    assert waiting.returncode == 1 and "timeout=10" in waiting.stdout
    assert cli("check", "--fix", "--no-cache", cwd=tmp_path).returncode == 0
    done = cli("check", "--diff", "--no-cache", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr.strip()) == (0, "", "No fixes to apply.")


def test_changed_since_reports_only_changed_lines(project: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, timeout=30, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init")
    with (project / "app.py").open("a") as out:
        out.write("def again(url):\n    return requests.post(url)\n")
    (project / "new.py").write_text("import yaml\nyaml.load(x)\n")
    out = cli("check", "--changed-since", "HEAD", "-f", "json", "--no-cache", cwd=project)
    result = CheckResult.model_validate_json(out.stdout)
    assert sorted((f.location.path, f.location.line) for f in result.findings) == [
        ("app.py", 6),
        ("new.py", 2),
    ]
    bad = cli("check", "--changed-since", "no-such-ref", cwd=project)
    assert bad.returncode == 2


def test_changed_since_keeps_to_the_paths_given(project: Path) -> None:
    def git(*args: str) -> None:
        identity = ["-c", "user.email=t@example.com", "-c", "user.name=t"]
        subprocess.run(
            ["git", *identity, *args], cwd=project, check=True, timeout=30, capture_output=True
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "init")
    (project / "svc").mkdir()
    (project / "svc" / "new.py").write_text("import yaml\nyaml.load(x)\n")
    (project / "other.py").write_text("import yaml\nyaml.load(x)\n")
    out = cli("check", "svc", "--changed-since", "HEAD", "-f", "json", "--no-cache", cwd=project)
    result = CheckResult.model_validate_json(out.stdout)
    assert [f.location.path for f in result.findings] == ["svc/new.py"]


def test_relative_paths_are_relative_to_the_current_directory(project: Path) -> None:
    """As in every shell tool; --root only sets the project the paths must stay inside."""
    (project / "svc").mkdir()
    (project / "svc" / "app.py").write_text(FLAWED)
    out = cli("check", "app.py", "--root", "..", "-f", "json", "--no-cache", cwd=project / "svc")
    result = CheckResult.model_validate_json(out.stdout)
    assert {f.location.path for f in result.findings} == {"svc/app.py"}
    outside = cli("check", "../..", "--root", "..", "--no-cache", cwd=project / "svc")
    assert outside.returncode == 2 and "outside the project root" in outside.stderr


def test_rules_and_rule(project: Path) -> None:
    listing = cli("rules", cwd=project)
    assert listing.returncode == 0 and "BS101" in listing.stdout
    assert f"{len(all_rules())} rules" in listing.stdout
    explained = cli("rule", "BS401", cwd=project)
    assert "Why is this bad?" in explained.stdout and "timeout=10" in explained.stdout
    unknown = cli("rule", "BS4O1", cwd=project)
    assert unknown.returncode == 2 and "BS401" in unknown.stderr
