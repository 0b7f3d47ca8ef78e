"""The check capability's public functions; the CLI and the MCP tools call only these."""

from __future__ import annotations

import math
from pathlib import Path

from backend_skill.check.changes import changed_lines
from backend_skill.check.config import parse_severity
from backend_skill.check.models import (
    CheckResult,
    ProjectPage,
    RuleDoc,
    RuleExample,
    RuleInfo,
    RuleList,
)
from backend_skill.check.registry import all_rules, get_rule
from backend_skill.check.rule import Invalid, Rule
from backend_skill.check.runner import CheckRequest, RunOutput, run_check
from backend_skill.errors import UsageError
from backend_skill.knowledge import section_uri
from backend_skill.roots import confine, resolve_project_root

PAGE_SIZE = 60  # findings per page: keeps an MCP answer well under ~20k tokens
MAX_INLINE = 2_000_000


def check_paths(request: CheckRequest) -> RunOutput:
    return run_check(request)


def check_file(
    path: str | None = None,
    content: str | None = None,
    filename: str | None = None,
    project_root: str | None = None,
) -> CheckResult:
    """One file under the root, or unsaved `content` named by `filename`."""
    root = resolve_project_root(project_root)
    if content is not None:
        name = filename or path
        if not name:
            raise UsageError(
                "Inline content needs a filename (e.g. 'app/db.py') to pick the rules."
            )
        if len(content) > MAX_INLINE:
            raise UsageError(
                f"Inline content is over {MAX_INLINE} characters; save it and pass path."
            )
        rel = _relative(name, root)
        return run_check(
            CheckRequest(paths=[rel], root=root, inline={rel: content}, with_fixes=True)
        ).result
    if not path:
        raise UsageError("Pass path (a file under the project root) or content plus filename.")
    target = _confined_file(path, root)
    return run_check(CheckRequest(paths=[target], root=root, with_fixes=True)).result


def check_project(
    directory: str = ".",
    project_root: str | None = None,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    select: list[str] | None = None,
    min_severity: str | None = None,
) -> ProjectPage:
    """A directory: the summary first, then one page of findings (most severe first)."""
    root = resolve_project_root(project_root)
    rel = _confined_dir(directory, root)
    result = run_check(CheckRequest(paths=[rel], root=root, select=select)).result
    findings = result.findings
    if min_severity:
        threshold = parse_severity(min_severity, "min_severity")
        findings = [f for f in findings if f.severity.at_least(threshold)]
    findings = sorted(findings, key=lambda f: (-f.severity.rank, f.location.path, f.location.line))
    pages = max(1, math.ceil(len(findings) / page_size))
    if page < 1 or page > pages:
        raise UsageError(f"Page {page} does not exist; pages run from 1 to {pages}.")
    chunk = findings[(page - 1) * page_size : page * page_size]
    hint = None
    if page < pages:
        hint = f"Call check_project again with page={page + 1} (of {pages}) for more findings."
    return ProjectPage(
        root=result.root,
        summary=result.summary,
        page=page,
        pages=pages,
        findings=chunk,
        notices=result.notices[:50],
        next_page=hint,
    )


def check_changes(base_ref: str = "HEAD", project_root: str | None = None) -> CheckResult:
    """Only findings on lines changed since `base_ref` (uncommitted work included); untracked
    files count as wholly changed."""
    root = resolve_project_root(project_root)
    changed = changed_lines(root, base_ref)
    if not changed:
        return run_check(CheckRequest(paths=[], root=root, changed_lines={}, inline={})).result
    paths = [p for p in changed if (root / p).is_file()]
    if not paths:
        return run_check(CheckRequest(paths=[], root=root, changed_lines={})).result
    return run_check(
        CheckRequest(paths=paths, root=root, changed_lines=changed, with_fixes=True)
    ).result


def _relative(name: str, root: Path) -> str:
    candidate = Path(name)
    if candidate.is_absolute():
        return confine(candidate, root).relative_to(root).as_posix()
    parts = candidate.as_posix().split("/")
    if ".." in parts:
        raise UsageError(f"Filename {name!r} leaves the project root; use a relative name.")
    return candidate.as_posix()


def _confined_file(path: str, root: Path) -> str:
    given = Path(path) if Path(path).is_absolute() else root / path
    if given.is_symlink():
        raise UsageError(f"{path!r} is a symbolic link; pass the file it points to.")
    resolved = confine(path, root)
    if not resolved.is_file():
        raise UsageError(f"{path!r} is not a file under {root}.")
    return resolved.relative_to(root).as_posix()


def _confined_dir(path: str, root: Path) -> str:
    resolved = confine(path, root)
    if not resolved.is_dir():
        raise UsageError(f"{path!r} is not a directory under {root}.")
    return resolved.relative_to(root).as_posix() or "."


def rule_info(rule: Rule) -> RuleInfo:
    return RuleInfo(**_info_fields(rule))


def _info_fields(rule: Rule) -> dict[str, object]:
    document, _, anchor = rule.pattern.partition("#")
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind,
        "area": rule.area,
        "severity": rule.severity,
        "confidence": rule.confidence,
        "cwe": list(rule.cwe),
        "pattern": rule.pattern,
        "pattern_uri": section_uri(document, anchor),
        "summary": rule.summary,
        "fixable": rule.fixable,
    }


def list_rules() -> RuleList:
    return RuleList(rules=[rule_info(r) for r in all_rules()])


def explain_rule(ref: str) -> RuleDoc:
    rule = get_rule(ref)
    examples = [
        RuleExample(kind="valid", filename=v.filename, code=v.code or _tree(v.files))
        for v in rule.valid
    ]
    for bad in rule.invalid:
        examples.append(
            RuleExample(
                kind="invalid",
                filename=bad.filename,
                code=bad.code or _tree(bad.files),
                fixed=bad.fixed if isinstance(bad, Invalid) else None,
            )
        )
    return RuleDoc(
        **_info_fields(rule),
        why=rule.why,
        instead=rule.instead,
        message=rule.message,
        fix=rule.fix_description,
        examples=examples,
    )


def _tree(files: dict[str, str]) -> str:
    return "\n".join(f"# {path}\n{text}" for path, text in sorted(files.items()))
