"""Text for people: what install/uninstall changed (diffs on --dry-run) and doctor's checks."""

from __future__ import annotations

from backend_skill.clients.models import Action, CheckStatus, DoctorReport, InstallReport

_VERBS = {
    Action.create: "create",
    Action.update: "update",
    Action.remove: "remove",
    Action.unchanged: "unchanged",
    Action.kept: "kept",
}


def render_install(report: InstallReport) -> str:
    out: list[str] = []
    would = "would " if report.dry_run else ""
    server = " ".join([report.server.command, *report.server.args])
    out.append(f"backend-skill {report.version} {report.operation}; server command: {server}")
    for target in report.targets:
        out.append(f"\n{target.client.value} ({target.scope.value})")
        changed = [c for c in target.changes if c.action is not Action.unchanged]
        unchanged = len(target.changes) - len(changed)
        for change in changed:
            detail = f"  ({change.detail})" if change.detail else ""
            out.append(f"  {would}{_VERBS[change.action]:<9} {change.path}{detail}")
            if change.backup:
                out.append(f"            backup: {change.backup}")
        if unchanged:
            out.append(f"  {unchanged} already up to date")
        if report.dry_run:
            out.extend(change.diff.rstrip("\n") for change in changed if change.diff)
    if report.notes:
        out.append("\nleft alone:")
        out.extend(f"  {note}" for note in report.notes)
    if report.dry_run:
        out.append("\n(dry run: nothing was written)")
    elif report.operation == "install" and report.changed:
        out.append(
            "\nRestart the client (or reload its MCP servers); `backend-skill doctor` checks it."
        )
    elif not report.changed:
        out.append("\nNothing to do.")
    return "\n".join(out) + "\n"


def render_doctor(report: DoctorReport) -> str:
    marks = {CheckStatus.ok: "ok  ", CheckStatus.fail: "FAIL", CheckStatus.skip: "skip"}
    out = []
    for check in report.checks:
        out.append(f"{marks[check.status]}  {check.name}: {check.message}")
        if check.status is CheckStatus.fail and check.fix:
            out.append(f"      fix: {check.fix}")
    verdict = "healthy" if report.healthy else "needs fixing"
    out.append(f"\nbackend-skill {report.version}: {verdict}")
    return "\n".join(out) + "\n"
