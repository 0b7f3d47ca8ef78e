"""Plain-text rendering of a check result: grouped by file, each finding with its line."""

from __future__ import annotations

from itertools import groupby

from backend_skill.check.models import CheckResult

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}


def render(result: CheckResult, *, color: bool = False, fixable_hint: bool = True) -> str:
    """The report as text; with `color`, rich markup (the CLI prints it through rich)."""
    out: list[str] = []

    def style(text: str, name: str) -> str:
        return f"[{name}]{_escape(text)}[/]" if color else text

    plain = _escape if color else (lambda s: s)
    for path, group in groupby(result.findings, key=lambda f: f.location.path):
        out.append(style(path, "bold underline"))
        for finding in group:
            loc = finding.location
            sev = finding.severity.value
            out.append(
                f"  {loc.line}:{loc.column}  {style(finding.rule_id, 'bold')} "
                f"{style(sev, SEVERITY_STYLE[sev])}  {plain(finding.message)}"
            )
            if finding.source_line.strip():
                gutter = f"{loc.line:>6} | "
                out.append(style(gutter, "dim") + plain(finding.source_line))
            if finding.fix is not None:
                out.append(style(f"         fix: {finding.fix.description}", "green"))
            out.append(style(f"         see: {finding.pattern} ({finding.rule_name})", "dim"))
        out.append("")
    for notice in result.notices:
        out.append(style(f"notice: {notice.path}: {notice.message}", "dim"))
    summary = result.summary
    if summary.findings:
        counts = ", ".join(f"{n} {sev}" for sev, n in summary.by_severity.items())
        line = (
            f"{summary.findings} finding{'s' if summary.findings != 1 else ''} ({counts}) "
            f"in {len({f.location.path for f in result.findings})} file(s); "
            f"{summary.files_checked} checked"
        )
    else:
        line = f"No findings in {summary.files_checked} checked file(s)."
    if summary.files_from_cache:
        line += f" ({summary.files_from_cache} from cache)"
    if summary.suppressed_by_baseline:
        line += f"; {summary.suppressed_by_baseline} known from the baseline"
    if result.fixed_files:
        line += f"; fixed {len(result.fixed_files)} file(s)"
    out.append(style(line, "bold"))
    return "\n".join(out)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")
