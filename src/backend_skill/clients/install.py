"""install and uninstall: plan every change for every target first, then write.

Reading and planning can fail (a config that is not valid JSON); writing starts only when every
target's plan is ready, so a bad file in one client leaves all clients untouched.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from backend_skill import __version__
from backend_skill.clients import jsonconfig, skillfiles
from backend_skill.clients.launch import server_entry
from backend_skill.clients.models import (
    Action,
    Client,
    FileChange,
    InstallReport,
    Scope,
    ServerEntry,
    TargetReport,
)
from backend_skill.clients.targets import SERVER_NAME, Target, targets
from backend_skill.clients.writes import atomic_write, backup, remove_if_empty
from backend_skill.errors import UsageError


@dataclass
class _Step:
    path: Path
    action: Action
    detail: str = ""
    content: bytes | None = None  # written for create/update
    backup: bool = False  # the file is the user's: copy it before the edit
    diff: str = ""
    planned_from: bytes | None = None  # a config's bytes when we planned; None: did not exist
    guarded: bool = False  # check planned_from again right before writing


@dataclass
class _Plan:
    target: Target
    steps: list[_Step]
    prune: list[Path]  # folders to remove when they end up empty


def install(
    clients: list[Client], scope: Scope, project_dir: Path, *, dry_run: bool = False
) -> InstallReport:
    """Copy the skill's documents and register the server for each client at one scope."""
    entry = server_entry()
    documents = skillfiles.package_documents()
    plans = [_plan_install(t, entry, documents) for t in targets(clients, scope, project_dir)]
    notes = [
        f"{plan.target.client.value}: {step.path}: {step.detail}"
        for plan in plans
        for step in plan.steps
        if step.action is Action.kept
    ]
    return _finish("install", plans, entry, dry_run, notes)


def uninstall(
    clients: list[Client], scope: Scope, project_dir: Path, *, dry_run: bool = False
) -> InstallReport:
    """Remove what install added: our entry if unchanged, our files if unchanged."""
    entry = server_entry()
    plans = [_plan_uninstall(t, entry) for t in targets(clients, scope, project_dir)]
    notes = [
        f"{plan.target.client.value}: {step.path}: {step.detail}"
        for plan in plans
        for step in plan.steps
        if step.action is Action.kept
    ]
    return _finish("uninstall", plans, entry, dry_run, notes)


def _plan_install(target: Target, entry: ServerEntry, documents: dict[str, bytes]) -> _Plan:
    _refuse_non_directory(target.skill_dir)
    manifest = skillfiles.read_manifest(target.skill_dir)
    config = jsonconfig.read_config(target.mcp_config)
    steps: list[_Step] = []

    previous = manifest.mcp_config if manifest else None
    if previous is not None and previous.path != str(target.mcp_config):
        previous = None
    edit = jsonconfig.with_server(config, SERVER_NAME, entry.model_dump())
    had_entry = SERVER_NAME in config.servers()
    if edit is None:
        steps.append(_Step(target.mcp_config, Action.unchanged, "server already registered"))
        record = previous or skillfiles.ConfigRecord(path=str(target.mcp_config), entry=entry)
    else:
        new_text, facts = edit
        old_text = config.text or ""
        steps.append(
            _Step(
                target.mcp_config,
                Action.create if config.text is None else Action.update,
                "register the backend-skill MCP server",
                new_text.encode(),
                backup=config.text is not None,
                diff=_diff(target.mcp_config, old_text, new_text),
                planned_from=None if config.text is None else config.text.encode(),
                guarded=True,
            )
        )
        if had_entry and previous is not None:
            record = previous.model_copy(update={"entry": entry})
        else:
            record = skillfiles.ConfigRecord(
                path=str(target.mcp_config),
                entry=entry,
                created_file=facts.created_file,
                added_servers_key=facts.added_servers_key,
                empty_servers_text=facts.empty_servers_text,
                empty_root_text=facts.empty_root_text,
                blank_text=facts.blank_text,
            )

    if target.skill_dir.is_symlink():
        # Someone links the skill folder to their own copy: it is theirs, we do not write there.
        steps.append(
            _Step(
                target.skill_dir,
                Action.kept,
                f"a symlink to {target.skill_dir.resolve()}; left alone (the skill there is yours)",
            )
        )
        return _Plan(target, steps, [])
    file_plans, hashes = skillfiles.plan_copy(target.skill_dir, documents, manifest)
    for plan in file_plans:
        path = target.skill_dir / plan.relative
        diff = ""
        if plan.action is Action.update and plan.content is not None:
            old = path.read_text(encoding="utf-8", errors="replace")
            diff = _diff(path, old, plan.content.decode("utf-8", errors="replace"))
        steps.append(_Step(path, plan.action, plan.detail, plan.content, diff=diff))

    manifest_path = target.skill_dir / skillfiles.MANIFEST_NAME
    created = set(manifest.created_dirs if manifest else [])
    created.update(str(folder) for folder in _missing_folders(target))
    new_manifest = skillfiles.manifest_bytes(
        skillfiles.Manifest(
            version=__version__,
            files=hashes,
            mcp_config=record,
            created_dirs=sorted(created, key=lambda f: (-len(Path(f).parts), f)),
        )
    )
    old_manifest = manifest_path.read_bytes() if manifest_path.is_file() else None
    if new_manifest != old_manifest:
        action = Action.create if old_manifest is None else Action.update
        steps.append(_Step(manifest_path, action, "what we installed", new_manifest))
    removed = [p for p in file_plans if p.action is Action.remove]
    prune = sorted({(target.skill_dir / p.relative).parent for p in removed}, reverse=True)
    return _Plan(target, steps, prune)


def _plan_uninstall(target: Target, entry: ServerEntry) -> _Plan:
    manifest = skillfiles.read_manifest(target.skill_dir)
    config = jsonconfig.read_config(target.mcp_config)
    steps: list[_Step] = []
    record = manifest.mcp_config if manifest else None
    if record is not None and record.path != str(target.mcp_config):
        record = None
    ours = (record.entry if record else entry).model_dump()
    current = config.servers().get(SERVER_NAME)
    if current is not None and current != ours:
        steps.append(
            _Step(
                target.mcp_config,
                Action.kept,
                "the backend-skill entry differs from the one we installed; left it. Remove it "
                "by hand if you no longer want it.",
            )
        )
    elif current is not None:
        removal = jsonconfig.without_server(
            config, SERVER_NAME, record.inserted() if record else None
        )
        if removal is None:  # cannot happen: the entry is there
            raise RuntimeError(f"could not remove our entry from {target.mcp_config}")
        old_text = config.text or ""
        steps.append(
            _Step(
                target.mcp_config,
                Action.remove if removal.delete_file else Action.update,
                "unregister the backend-skill MCP server",
                None if removal.delete_file else removal.text.encode(),
                backup=not (record and record.created_file and removal.delete_file),
                diff=_diff(target.mcp_config, old_text, removal.text),
                planned_from=old_text.encode(),
                guarded=True,
            )
        )
    prune: list[Path] = []
    for plan in skillfiles.plan_removal(target.skill_dir, manifest):
        path = target.skill_dir / plan.relative
        steps.append(_Step(path, plan.action, plan.detail))
        prune.append(path.parent)
    manifest_path = target.skill_dir / skillfiles.MANIFEST_NAME
    if manifest_path.is_file():
        steps.append(_Step(manifest_path, Action.remove, "what we installed"))
        prune.append(target.skill_dir)
    created = [Path(folder) for folder in (manifest.created_dirs if manifest else [])]
    return _Plan(target, steps, sorted({*prune, *created}, key=lambda f: -len(f.parts)))


def _finish(
    operation: str, plans: list[_Plan], entry: ServerEntry, dry_run: bool, notes: list[str]
) -> InstallReport:
    reports = []
    for plan in plans:
        changes = []
        for step in plan.steps:
            saved = None
            if not dry_run:
                saved = _apply(step)
            changes.append(
                FileChange(
                    path=str(step.path),
                    action=step.action,
                    detail=step.detail,
                    backup=str(saved) if saved else None,
                    diff=step.diff,
                )
            )
        if not dry_run:
            for folder in plan.prune:
                remove_if_empty(folder)
        reports.append(
            TargetReport(
                client=plan.target.client,
                scope=plan.target.scope,
                skill_dir=str(plan.target.skill_dir),
                mcp_config=str(plan.target.mcp_config),
                changes=changes,
            )
        )
    return InstallReport(
        operation=operation,
        dry_run=dry_run,
        version=__version__,
        server=entry,
        targets=reports,
        notes=notes,
    )


def _apply(step: _Step) -> Path | None:
    if step.action not in (Action.create, Action.update, Action.remove):
        return None
    if step.guarded:
        current = step.path.read_bytes() if step.path.is_file() else None
        if current != step.planned_from:
            # The client itself (Claude Code rewrites ~/.claude.json) changed it meanwhile.
            raise UsageError(
                f"{step.path} changed while backend-skill was editing it; nothing of it was "
                "lost. Close the client and run the command again."
            )
    saved = backup(step.path) if step.backup and step.path.is_file() else None
    if step.content is not None:
        atomic_write(step.path, step.content)
    elif step.action is Action.remove:
        step.path.unlink(missing_ok=True)
    return saved


def _diff(path: Path, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"{path} (now)",
        tofile=f"{path} (after)",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _missing_folders(target: Target) -> list[Path]:
    """The folders install will create: uninstall removes them again when they are empty."""
    candidates = [target.skill_dir, *target.skill_dir.parents, target.mcp_config.parent]
    stop = Path.home() if target.scope is Scope.user else None
    missing = []
    for folder in candidates:
        if folder.exists() or (stop is not None and folder == stop):
            continue
        missing.append(folder)
    return missing


def _refuse_non_directory(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} exists and is not a folder; move it away and run again.")
