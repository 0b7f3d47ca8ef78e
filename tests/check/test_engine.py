"""The engine: value origins, suppression, bad input, cache, parallelism, config, baseline,
fixes. Each test builds a small project in tmp_path and runs the real check on it."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from backend_skill.check import CheckRequest, check_paths, flow
from backend_skill.check.baseline import write as write_baseline
from backend_skill.check.runner import baseline_keys
from backend_skill.errors import UsageError
from backend_skill.models import Severity

SQL_FLAW = (
    "def load(cur, name):\n    q = f\"SELECT * FROM t WHERE n = '{name}'\"\n    cur.execute(q)\n"
)


def run(root: Path, *paths: str, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("use_cache", False)
    return check_paths(CheckRequest(paths=list(paths) or ["."], root=root, **options))  # type: ignore[arg-type]


def rules_found(root: Path, *paths: str, **options: object) -> list[str]:
    return [f.rule_id for f in run(root, *paths, **options).result.findings]


# -- value origins -------------------------------------------------------------------------


def _origin(source: str) -> flow.Origin:
    """Origin of the argument of `c.run(...)` in the last function of `source`."""
    tree = ast.parse(source)
    function = [n for n in tree.body if isinstance(n, ast.FunctionDef)][-1]
    call = next(
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run"
    )
    module = flow.Scope.of(tree, None)
    return flow.origin(call.args[0], flow.Scope.of(function, module))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(c):\n    c.run('SELECT 1')\n", flow.Origin.CONSTANT),
        ("T = 'users'\ndef f(c):\n    c.run(f'SELECT * FROM {T}')\n", flow.Origin.CONSTANT),
        ("def f(c, x):\n    c.run(x)\n", flow.Origin.PARAMETER),
        ("def f(c, x):\n    q = 'a' + x\n    c.run(q)\n", flow.Origin.BUILT),
        ("def f(c, x):\n    q = 'a'\n    q += x\n    c.run(q)\n", flow.Origin.BUILT),
        ("def f(c):\n    q = 'a'\n    q += ' b'\n    c.run(q)\n", flow.Origin.CONSTANT),
        (
            "def f(c, ids):\n    m = ','.join(['%s'] * len(ids))\n    c.run(m)\n",
            flow.Origin.CONSTANT,
        ),
        ("def f(c, x):\n    c.run('{}'.format(x))\n", flow.Origin.BUILT),
        ("def f(c, request):\n    c.run(request.args['q'])\n", flow.Origin.REQUEST),
        ("def f(c, request):\n    c.run('a' + request.args.get('q'))\n", flow.Origin.REQUEST),
        ("def f(c):\n    for q in queries:\n        c.run(q)\n", flow.Origin.UNKNOWN),
    ],
)
def test_value_origins(source: str, expected: flow.Origin) -> None:
    assert _origin(source) == expected


# -- suppression and bad input -------------------------------------------------------------


def test_inline_suppression_by_rule_and_for_all(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import requests, yaml\n"
        "requests.get(u)  # backend-skill: ignore[BS401]\n"
        "requests.get(u)  # backend-skill: ignore[BS105]\n"
        "yaml.load(x)  # backend-skill: ignore\n"
    )
    findings = run(tmp_path).result.findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("BS401", 3)]


def test_form_feeds_and_unicode_separators_do_not_shift_lines(tmp_path: Path) -> None:
    # str.splitlines breaks at \f and \u2028; Python, git and editors do not
    (tmp_path / "app.py").write_text(
        "import os\n\x0c\ndef f(x):\n    os.system(x)  # backend-skill: ignore[BS102]\n"
        "SEP = '\u2028'\n\ndef g(x):\n    os.system(x)\n",
        encoding="utf-8",
    )
    (tmp_path / "client.js").write_text(
        "const sep = '\u2028';\x0c\n"
        "const agent = new https.Agent({ rejectUnauthorized: false });\n",
        encoding="utf-8",
    )
    found = [
        (f.location.path, f.location.line, f.source_line.strip())
        for f in run(tmp_path).result.findings
    ]
    assert found == [
        ("app.py", 8, "os.system(x)"),
        ("client.js", 2, "const agent = new https.Agent({ rejectUnauthorized: false });"),
    ]


def test_fixes_land_on_the_right_line_after_a_form_feed(tmp_path: Path) -> None:
    path = tmp_path / "client.py"
    path.write_text("import requests\n\x0c\n\ndef f(u):\n    return requests.get(u)\n")
    # the per-finding fix (check_file, --show-fixes) splices at offsets counted by line
    [finding] = run(tmp_path, with_fixes=True).result.findings
    assert finding.fix is not None and "timeout=10" in finding.fix.diff
    assert run(tmp_path, fix_mode="write").result.fixed_files == ["client.py"]
    assert path.read_text() == (
        "import requests\n\x0c\n\ndef f(u):\n    return requests.get(u, timeout=10)\n"
    )


def test_syntax_error_is_one_finding_with_position(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("x = 1\ndef f(:\n    pass\n")
    findings = run(tmp_path).result.findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("BS000", 2)]


def test_binary_undecodable_and_large_files_are_skipped_with_notices(tmp_path: Path) -> None:
    (tmp_path / "bin.py").write_bytes(b"\x00\x01\x02import os\n")
    (tmp_path / "latin.py").write_bytes(b"s = '\xe9t\xe9'\n")
    (tmp_path / "big.py").write_text("x = 1\n" * 400_000)
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n")
    result = run(tmp_path).result
    reasons = {n.path: n.reason for n in result.notices}
    assert reasons == {"bin.py": "binary", "latin.py": "undecodable", "big.py": "too-large"}
    assert result.summary.files_checked == 1  # the latin-1 file with a coding cookie is read


def test_symlinks_and_paths_outside_the_root_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "secret.py"
    outside.write_text("import yaml\nyaml.load(x)\n")
    (root / "link.py").symlink_to(outside)
    (root / "dirlink").symlink_to(tmp_path)
    result = run(root).result
    assert result.findings == []
    assert {n.path: n.reason for n in result.notices} == {
        "link.py": "symlink",
        "dirlink": "symlink",
    }
    with pytest.raises(UsageError, match="outside the project root"):
        run(root, str(outside))
    with pytest.raises(UsageError, match="outside the project root"):
        run(root, "../secret.py")


# -- cache and parallelism -----------------------------------------------------------------


def test_unchanged_files_come_from_the_cache(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SQL_FLAW)
    (tmp_path / "b.py").write_text("x = 1\n")
    cache = tmp_path / "cache"
    first = run(tmp_path, use_cache=True, cache_dir=cache).result
    second = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert first.summary.files_from_cache == 0 and second.summary.files_from_cache == 2
    assert second.findings == first.findings
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    (tmp_path / "b.py").write_text("import yaml\nyaml.load(x)\n")
    third = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert third.summary.files_from_cache == 1
    assert sorted(f.rule_id for f in third.findings) == ["BS101", "BS105"]


def _stat_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most: let the stat index trust them."""
    from backend_skill.check import cache

    monkeypatch.setattr(cache, "RACY_SECONDS", 0)


def _cached_stamps(cache_dir: Path) -> dict[str, list[object]]:
    (stored,) = cache_dir.glob("results-*.json")
    stamps: dict[str, list[object]] = json.loads(stored.read_text())["stamps"]
    return stamps


def test_a_warm_run_reads_no_unchanged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stat_trusted(monkeypatch)
    (tmp_path / "a.py").write_text(SQL_FLAW)
    (tmp_path / "b.py").write_text("x = 1\n")
    cache = tmp_path / "cache"
    first = run(tmp_path, use_cache=True, cache_dir=cache).result
    read: list[str] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        read.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    second = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert read == [] and second.summary.files_from_cache == 2
    assert second.findings == first.findings  # the offending line is quoted from the cache
    assert second.findings[0].source_line == "    cur.execute(q)"


def test_same_size_edit_with_the_old_mtime_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restoring the modification time cannot hide an edit: the change time moves too."""
    _stat_trusted(monkeypatch)
    target = tmp_path / "a.py"
    target.write_text("x = yaml.load(s)\n")
    cache = tmp_path / "cache"
    assert rules_found(tmp_path, use_cache=True, cache_dir=cache) == ["BS105"]
    before = target.stat()
    target.write_text("x = yaml.safe(s)\n")  # same length
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert rules_found(tmp_path, use_cache=True, cache_dir=cache) == []


def test_recently_modified_files_are_hashed_not_trusted(tmp_path: Path) -> None:
    """A second write in the same timestamp tick keeps size and times: such files are not
    entered in the stat index until they are older than the race window."""
    (tmp_path / "a.py").write_text(SQL_FLAW)
    cache = tmp_path / "cache"
    run(tmp_path, use_cache=True, cache_dir=cache)
    assert _cached_stamps(cache) == {}
    again = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert again.summary.files_from_cache == 1  # found by content hash instead


def test_project_findings_and_fixes_on_files_the_stat_index_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stat_trusted(monkeypatch)
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(
            f"import os\nimport requests\n{name.upper()} = os.getenv('{name.upper()}')\n"
            "requests.get(URL)\n"
        )
    cache = tmp_path / "cache"
    cold = run(tmp_path, use_cache=True, cache_dir=cache).result
    warm = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert warm.summary.files_from_cache == 2 and len(_cached_stamps(cache)) == 2
    assert {f.rule_id for f in cold.findings} >= {"BS701", "BS401"}
    assert warm.findings == cold.findings
    assert all(f.source_line for f in warm.findings)
    fixed = run(tmp_path, use_cache=True, cache_dir=cache, fix_mode="write").result
    assert sorted(fixed.fixed_files) == ["a.py", "b.py"]
    assert "timeout=" in (tmp_path / "a.py").read_text()
    after = run(tmp_path, use_cache=True, cache_dir=cache).result
    assert "BS401" not in {f.rule_id for f in after.findings}
    assert all(f.source_line for f in after.findings)


def test_the_cache_file_stays_the_size_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every edit adds a result under a new content key; results no file points at any more
    are dropped once they pass the slack, and so are the stamps of deleted files."""
    from backend_skill.check import cache as cache_module

    _stat_trusted(monkeypatch)
    monkeypatch.setattr(cache_module, "PRUNE_SLACK", 3)
    cache = tmp_path / "cache"
    project = tmp_path / "project"
    project.mkdir()
    (project / "kept.py").write_text("x = 1\n")
    sizes = []
    for version in range(30):
        (project / "edited.py").write_text(f"x = {version}\n")
        (project / f"gone{version}.py").write_text(f"y = {version}\n")
        run(project, use_cache=True, cache_dir=cache)
        (project / f"gone{version}.py").unlink()
        (stored,) = cache.glob("results-*.json")
        data = json.loads(stored.read_text())
        sizes.append((len(data["results"]), len(data["stamps"])))
    # 3 files a run: at most 3 + slack stamps, and the results they and this run use + slack
    assert max(stamps for _, stamps in sizes) <= 3 + 3
    assert max(results for results, _ in sizes) <= 3 + (3 + 3) + 3
    assert str(project / "kept.py") in data["stamps"]
    warm = run(project, use_cache=True, cache_dir=cache).result
    assert warm.summary.files_from_cache == 2


def test_parallel_run_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend_skill.check import runner

    for i in range(50):
        (tmp_path / f"m{i}.py").write_text(
            SQL_FLAW if i % 2 else "import requests\nrequests.get(u)\n"
        )
    serial = run(tmp_path, jobs=1).result
    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    parallel = run(tmp_path, jobs=2).result
    assert parallel.findings == serial.findings and len(serial.findings) == 50


# -- configuration -------------------------------------------------------------------------


def test_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.backend-skill]\n"
        "ignore = ['BS105']\n"
        "exclude = ['generated']\n"
        "fail-on = 'high'\n"
        "[tool.backend-skill.per-file-ignores]\n"
        "'scripts/*' = ['BS401']\n"
    )
    (tmp_path / "scripts").mkdir()
    (tmp_path / "generated").mkdir()
    (tmp_path / "scripts" / "fetch.py").write_text("import requests\nrequests.get(u)\n")
    (tmp_path / "generated" / "q.py").write_text(SQL_FLAW)
    (tmp_path / "app.py").write_text("import yaml, requests\nyaml.load(x)\nrequests.get(u)\n")
    result = run(tmp_path).result
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("BS401", "app.py")]
    assert result.summary.fail_on is Severity.HIGH and result.summary.failed is False


def test_select_and_unknown_rules(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SQL_FLAW + "import requests\nrequests.get(u)\n")
    assert rules_found(tmp_path, select=["BS4"]) == ["BS401"]
    assert rules_found(tmp_path, ignore=["sql-built-from-strings"]) == ["BS401"]
    with pytest.raises(UsageError, match="matches no rule"):
        run(tmp_path, select=["BS999"])


def test_bad_configuration_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.backend-skill]\nselekt = ['BS1']\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(UsageError, match="Unknown key"):
        run(tmp_path)


# -- baseline ------------------------------------------------------------------------------


def test_baseline_hides_known_findings_across_line_shifts(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SQL_FLAW)
    known = run(tmp_path).result
    baseline = tmp_path / "baseline.json"
    write_baseline(baseline, baseline_keys(known))
    (tmp_path / "a.py").write_text(
        "import os\n\n\n" + SQL_FLAW + "import requests\nrequests.get(u)\n"
    )
    result = run(tmp_path, baseline=baseline).result
    assert [f.rule_id for f in result.findings] == ["BS401"]
    assert result.summary.suppressed_by_baseline == 1
    assert json.loads(baseline.read_text())["version"] == 1


# -- fixes ---------------------------------------------------------------------------------


def test_fix_writes_verified_fixes_and_is_idempotent(tmp_path: Path) -> None:
    source = (
        "import requests\n\n\ndef get(url):\n    # keep this comment\n"
        "    return requests.get(url)\n"
    )
    target = tmp_path / "client.py"
    target.write_text(source)
    os.chmod(target, 0o640)
    diff = run(tmp_path, fix_mode="diff")
    assert target.read_text() == source  # --diff writes nothing
    assert "+    return requests.get(url, timeout=10)" in diff.diffs["client.py"]
    fixed = run(tmp_path, fix_mode="write")
    assert fixed.result.fixed_files == ["client.py"] and fixed.result.findings == []
    assert target.read_text() == source.replace("get(url)\n", "get(url, timeout=10)\n")
    assert "# keep this comment" in target.read_text()
    assert target.stat().st_mode & 0o777 == 0o640
    again = run(tmp_path, fix_mode="write")
    assert again.result.fixed_files == [] and again.diffs == {}


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "def ok(signature, expected):\n    return signature == expected\n"
    )
    assert run(tmp_path, fix_mode="diff").diffs == {}
    diffs = run(tmp_path, fix_mode="diff", unsafe_fixes=True).diffs
    assert "hmac.compare_digest(signature, expected)" in diffs["a.py"]
