"""A check run: discover files, reuse cached results, analyse the rest (in parallel when it
pays), run project rules, then filter (selection, per-file ignores, changed lines, baseline),
attach or apply fixes, and build the result model."""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from backend_skill.check import baseline as baselines
from backend_skill.check.cache import ResultCache, Stamp, content_key, default_cache_dir
from backend_skill.check.config import Config, find_config
from backend_skill.check.context import RawFinding
from backend_skill.check.engine import Dispatch, FileResult, analyze_python, analyze_text
from backend_skill.check.files import Discovery, FileKind, Target, decode, discover
from backend_skill.check.lines import split_lines
from backend_skill.check.models import CheckFinding, CheckResult, Notice, Summary
from backend_skill.check.project import ProjectView
from backend_skill.check.registry import all_rules, select_rules
from backend_skill.check.rule import ProjectRule, Rule
from backend_skill.knowledge import section_uri
from backend_skill.models import Fix, Location, Severity

# Below these, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 40
PARALLEL_MIN_BYTES = 1_500_000


@dataclass
class CheckRequest:
    paths: list[str]
    root: Path
    select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: Severity | None = None
    baseline: Path | None = None
    with_fixes: bool = False  # attach each finding's fix as a diff
    fix_mode: str = "none"  # "none" | "diff" (compute, do not write) | "write"
    unsafe_fixes: bool = False
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None
    changed_lines: dict[str, set[int] | None] | None = None  # path -> lines (None: whole file)
    inline: dict[str, str] = field(default_factory=dict)  # unsaved content by relative path


@dataclass
class RunOutput:
    result: CheckResult
    diffs: dict[str, str] = field(default_factory=dict)  # path -> unified diff of all fixes
    config: Config | None = None


def run_check(request: CheckRequest) -> RunOutput:
    root = request.root
    first = request.paths[0] if request.paths else "."
    config = find_config((root / first).resolve() if not request.inline else root, root)
    selected = select_rules(
        request.select or config.select or None, [*config.ignore, *(request.ignore or [])]
    )
    every_rule = all_rules()
    by_id = {r.id: r for r in every_rule}
    fail_on = request.fail_on or config.fail_on

    if request.inline:
        found = Discovery(
            targets=[Target(rel, root / rel, _kind(rel)) for rel in request.inline],
            all_files=list(request.inline),
        )
    else:
        found = discover(request.paths or ["."], root, config)
    notices = [
        Notice(path=p, reason="symlink", message="refused: symbolic links are not followed")
        for p in found.symlinks
    ]

    cache_dir = None
    if request.use_cache and not request.inline:
        cache_dir = request.cache_dir or default_cache_dir(root)
    cache = ResultCache(cache_dir)
    results, sources, from_cache = _analyse(found.targets, request, cache, config)
    cache.save()

    raw = _collect(results, found, every_rule, notices)
    selected_ids = {r.id for r in selected} | {"BS000"}
    raw = [
        (p, f)
        for p, f in raw
        if f.rule_id in selected_ids and not _file_ignored(p, f, config, root)
    ]
    if request.changed_lines is not None:
        raw = [(p, f) for p, f in raw if _changed(p, f, request.changed_lines)]

    output = RunOutput(result=CheckResult(root=str(root), summary=Summary()), config=config)
    if request.fix_mode != "none":
        raw = _apply_fixes(
            raw, sources=sources, request=request, by_id=by_id, root=root, output=output
        )

    quoted = _Quoted(results, sources)
    findings = [_dress(p, f, by_id[f.rule_id], quoted.line(p, f.span.line)) for p, f in raw]
    findings, suppressed = _without_baseline(findings, request.baseline or config.baseline)
    if request.with_fixes:
        _attach_fixes(findings, raw, sources, by_id)
    findings.sort(key=lambda f: (f.location.path, f.location.line, f.location.column, f.rule_id))
    notices.sort(key=lambda n: n.path)
    failed = any(f.severity.at_least(fail_on) for f in findings)
    output.result = CheckResult(
        root=str(root),
        summary=Summary(
            files_checked=len(results) - sum(1 for r in results.values() if r.notice),
            files_from_cache=from_cache,
            files_skipped=len(notices),
            findings=len(findings),
            by_severity=dict(Counter(f.severity.value for f in findings).most_common()),
            by_rule=dict(sorted(Counter(f.rule_id for f in findings).items())),
            suppressed_by_baseline=suppressed,
            fail_on=fail_on,
            failed=failed,
        ),
        findings=findings,
        notices=notices,
        fixed_files=output.result.fixed_files,
    )
    return output


def _collect(
    results: dict[str, FileResult],
    found: Discovery,
    every_rule: tuple[Rule, ...],
    notices: list[Notice],
) -> list[tuple[str, RawFinding]]:
    """File findings and notices, then the project rules over the facts (directories only)."""
    raw: list[tuple[str, RawFinding]] = []
    facts: dict[str, dict[str, list[object]]] = {}
    for rel, result in results.items():
        if result.notice:
            reason, message = result.notice
            notices.append(
                Notice.model_validate({"path": rel, "reason": reason, "message": message})
            )
        raw.extend((rel, f) for f in result.findings)
        if result.facts:
            facts[rel] = result.facts
    if found.directories:
        project = ProjectView(found.directories, found.all_files, facts)
        for rule in every_rule:
            if isinstance(rule, ProjectRule):
                rule.check_project(project)
        raw.extend(project.findings)
    return raw


def _without_baseline(
    findings: list[CheckFinding], baseline_path: Path | None
) -> tuple[list[CheckFinding], int]:
    if baseline_path is None:
        return findings, 0
    known = baselines.load(baseline_path)
    kept = []
    for finding in findings:
        key = (finding.rule_id, finding.location.path, finding.fingerprint)
        if known[key] > 0:
            known[key] -= 1
        else:
            kept.append(finding)
    return kept, len(findings) - len(kept)


def baseline_keys(result: CheckResult) -> list[baselines.Key]:
    return [(f.rule_id, f.location.path, f.fingerprint) for f in result.findings]


def _kind(rel: str) -> FileKind:
    return "python" if rel.endswith(".py") else "text"


class Sources:
    """The decoded text of each checked file. Files the cache vouched for by their stat are
    not read during analysis; fixes, and project findings on them, read them on first use."""

    def __init__(self, paths: dict[str, Path], config: Config) -> None:
        self.texts: dict[str, str] = {}
        self.paths = paths
        self.max_size = config.max_file_size
        self.fixed: set[str] = set()  # rewritten by a fix: the analysis quotes are stale

    def get(self, rel: str) -> str | None:
        text = self.texts.get(rel)
        if text is None and rel in self.paths:
            try:
                data = self.paths.pop(rel).read_bytes()
            except OSError:
                return None
            text, _notice = decode(data, _kind(rel), self.max_size)
            if text is not None:
                self.texts[rel] = text
        return text

    def replace(self, rel: str, fixed_text: str) -> None:
        self.texts[rel] = fixed_text
        self.fixed.add(rel)


def _analyse(
    targets: list[Target], request: CheckRequest, cache: ResultCache, config: Config
) -> tuple[dict[str, FileResult], Sources, int]:
    results: dict[str, FileResult] = {}
    sources = Sources({}, config)
    pending: list[tuple[str, FileKind, str, str]] = []  # rel, kind, key, text
    from_cache = 0
    now = time.time_ns()
    for target in targets:
        stamp: Stamp | None = None
        if target.rel in request.inline:
            data = request.inline[target.rel].encode("utf-8")
        else:
            try:
                info = target.path.stat()
                stamp = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
                known = cache.key_for(str(target.path), stamp)
                cached = cache.get(known) if known is not None else None
                if cached is not None:
                    results[target.rel] = cached
                    sources.paths[target.rel] = target.path
                    from_cache += 1
                    continue
                data = target.path.read_bytes()
            except OSError as error:
                results[target.rel] = FileResult(
                    notice=["unreadable", f"skipped: {error.strerror}"]
                )
                continue
        text, notice = decode(data, target.kind, config.max_file_size)
        if text is None:
            results[target.rel] = FileResult(notice=notice)
            continue
        sources.texts[target.rel] = text
        key = content_key(target.rel, data)
        if stamp is not None:
            cache.remember(str(target.path), stamp, key, now)
        cached = cache.get(key)
        if cached is not None:
            results[target.rel] = cached
            from_cache += 1
        else:
            pending.append((target.rel, target.kind, key, text))
    for (rel, _, key, _), result in zip(pending, _run_all(pending, request.jobs), strict=True):
        results[rel] = result
        cache.put(key, result)
    return results, sources, from_cache


def _run_all(pending: list[tuple[str, FileKind, str, str]], jobs: int | None) -> list[FileResult]:
    work = [(rel, kind, text) for rel, kind, _key, text in pending]
    size = sum(len(text) for *_, text in work)
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(work) < PARALLEL_MIN_FILES or size < PARALLEL_MIN_BYTES:
        return [_analyse_one(item) for item in work]
    from concurrent.futures import ProcessPoolExecutor  # only cold runs of big trees need it

    # biggest first, so one large file does not finish last on its own
    order = sorted(range(len(work)), key=lambda i: -len(work[i][2]))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(_analyse_one, [work[i] for i in order], chunksize=8))
    results: list[FileResult] = [FileResult()] * len(work)
    for index, result in zip(order, done, strict=True):
        results[index] = result
    return results


_DISPATCH: Dispatch | None = None


def _analyse_one(item: tuple[str, FileKind, str]) -> FileResult:
    global _DISPATCH  # noqa: PLW0603  # one table per process
    if _DISPATCH is None:
        _DISPATCH = Dispatch(all_rules())
    rel, kind, text = item
    # Trees are acyclic and short-lived: the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if kind == "python":
            return analyze_python(rel, text, _DISPATCH)
        return analyze_text(rel, text, _DISPATCH)
    except RecursionError:
        return FileResult(notice=["parser", "not analysed: nesting too deep to walk"])
    finally:
        if collecting:
            gc.enable()


def _file_ignored(path: str, finding: RawFinding, config: Config, root: Path) -> bool:
    if not config.per_file_ignores:
        return False
    try:
        rel = (root / path).relative_to(config.base).as_posix()
    except ValueError:
        rel = path
    ignored = config.ignored_rules_for(rel)
    return any(finding.rule_id.startswith(i.upper()) or i.upper() == "ALL" for i in ignored)


def _changed(path: str, finding: RawFinding, changed: dict[str, set[int] | None]) -> bool:
    if path not in changed:
        return False
    lines = changed[path]
    if lines is None:
        return True
    return any(n in lines for n in range(finding.span.line, finding.span.end_line + 1))


class _Quoted:
    """The text of a finding's line: from the file's result when analysis quoted it, else from
    the source (project findings, and findings left after a fix), split once per file."""

    def __init__(self, results: dict[str, FileResult], sources: Sources) -> None:
        self.results = results
        self.sources = sources
        self.split: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        result = self.results.get(path)
        if result is not None and number in result.lines and path not in self.sources.fixed:
            return result.lines[number]
        lines = self.split.get(path)
        if lines is None:
            source = self.sources.get(path)
            lines = self.split[path] = split_lines(source) if source is not None else []
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _dress(path: str, finding: RawFinding, rule: Rule, line_text: str) -> CheckFinding:
    document, _, anchor = rule.pattern.partition("#")
    span = finding.span
    return CheckFinding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=rule.severity,
        confidence=rule.confidence,
        message=finding.message,
        location=Location(
            path=path,
            line=span.line,
            column=span.column + 1,
            end_line=span.end_line,
            end_column=max(span.end_column, 0) + 1,
        ),
        cwe=list(rule.cwe),
        pattern=rule.pattern,
        pattern_uri=section_uri(document, anchor),
        source_line=line_text.rstrip("\r\n"),
        fingerprint=baselines.fingerprint(rule.id, path, line_text),
    )


def _attach_fixes(
    findings: list[CheckFinding],
    raw: list[tuple[str, RawFinding]],
    sources: Sources,
    by_id: dict[str, Rule],
) -> None:
    from backend_skill.check.fixes import fix_each, fixable, unified_diff

    by_position = {(p, f.rule_id, f.span.line, f.span.column + 1): f for p, f in raw}
    per_file: dict[str, list[tuple[CheckFinding, RawFinding]]] = {}
    for finding in findings:
        key = (
            finding.location.path,
            finding.rule_id,
            finding.location.line,
            finding.location.column,
        )
        raw_finding = by_position.get(key)
        if raw_finding is not None and fixable(raw_finding, by_id, unsafe=True):
            per_file.setdefault(finding.location.path, []).append((finding, raw_finding))
    for path, pairs in per_file.items():
        source = sources.get(path)
        if source is None:
            continue
        fixed = fix_each(path, source, [r for _, r in pairs], by_id)
        for index, (finding, _raw) in enumerate(pairs):
            if index in fixed:
                rule = by_id[finding.rule_id]
                description = rule.fix_description or "Fix"
                if not rule.fix_is_safe:
                    description += " (unsafe: review before applying; --unsafe-fixes)"
                finding.fix = Fix(
                    description=description, diff=unified_diff(path, source, fixed[index])
                )


def _apply_fixes(
    raw: list[tuple[str, RawFinding]],
    *,
    sources: Sources,
    request: CheckRequest,
    by_id: dict[str, Rule],
    root: Path,
    output: RunOutput,
) -> list[tuple[str, RawFinding]]:
    """Fix each file; findings of fixed files are replaced by those of the fixed source."""
    from backend_skill.check.fixes import fix_all, fixable, unified_diff

    per_file: dict[str, list[RawFinding]] = {}
    for path, finding in raw:
        per_file.setdefault(path, []).append(finding)
    selected = {f.rule_id for _, f in raw}
    dispatch = Dispatch(all_rules())
    kept: list[tuple[str, RawFinding]] = []
    for path, findings in per_file.items():
        source = sources.get(path)
        if (
            source is None
            or not path.endswith(".py")
            or not any(fixable(f, by_id, request.unsafe_fixes) for f in findings)
        ):
            kept.extend((path, f) for f in findings)
            continue
        outcome = fix_all(path, source, findings, by_id, request.unsafe_fixes)
        if not outcome.applied:
            kept.extend((path, f) for f in findings)
            continue
        output.diffs[path] = unified_diff(path, source, outcome.source)
        if request.fix_mode == "write":
            _write_atomic(root, path, outcome.source)
            output.result.fixed_files.append(path)
        sources.replace(path, outcome.source)
        remaining = analyze_python(path, outcome.source, dispatch).findings
        kept.extend((path, f) for f in remaining if f.rule_id in selected)
    return kept


def _write_atomic(root: Path, rel: str, text: str) -> None:
    """Never outside the root; same directory temp file, then rename over the original."""
    target = (root / rel).resolve()
    if root not in target.parents or target.is_symlink():
        return
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        Path(temp).chmod(target.stat().st_mode & 0o7777)
        Path(temp).replace(target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
