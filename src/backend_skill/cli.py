"""The command-line face: the same calls as the MCP tools, printed for people or as JSON.

Exit codes follow linters: 0 success, 1 findings or a failed verdict, 2 usage or input error.
Imports of the core happen inside commands so `--help` and `serve` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import BaseModel

from backend_skill import __version__

if TYPE_CHECKING:
    from pathlib import Path

app = typer.Typer(
    name="backend-skill",
    help="Backend-service best practice for coding agents: read the practices, check code, "
    "generate middleware, run the validation loop.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Transport(StrEnum):
    stdio = "stdio"
    http = "http"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="text for people; json prints the MCP tool's model."),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backend-skill {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """backend-skill command line."""


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A UsageError is the user's to fix: say what was wrong, exit 2, no traceback."""
    from backend_skill.errors import UsageError

    try:
        yield
    except UsageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _emit(model: BaseModel, output: OutputFormat, render_text: Callable[[], None]) -> None:
    if output is OutputFormat.json:
        typer.echo(model.model_dump_json(indent=2))
    else:
        render_text()


def _print_markdown(markdown: str) -> None:
    """Rendered in a terminal; the markdown itself when piped, so it stays greppable."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(markdown))
    else:
        typer.echo(markdown.rstrip("\n"))


@app.command()
def serve(
    transport: Annotated[
        Transport, typer.Option(help="stdio for local clients; http for streamable HTTP.")
    ] = Transport.stdio,
    host: Annotated[str, typer.Option(help="Interface to bind with --transport http.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port for --transport http.")] = 8000,
) -> None:
    """Run the MCP server (stdio by default)."""
    from backend_skill.server import serve as run_server

    run_server(transport.value, host=host, port=port)


@app.command("patterns")
def list_patterns_command(output: FormatOption = OutputFormat.text) -> None:
    """List the practice documents and their sections."""
    from backend_skill import knowledge

    result = knowledge.list_patterns()

    def text() -> None:
        for document in result.documents:
            typer.echo(f"{document.id}  ({document.path}, {document.lines} lines)")
            typer.echo(f"  {document.title}")
            for section in document.sections:
                typer.echo(f"    {section.ref}")

    _emit(result, output, text)


@app.command()
def pattern(
    topic: Annotated[
        str,
        typer.Argument(help="document, document#anchor, or a keyword such as 'idempotency'."),
    ],
    output: FormatOption = OutputFormat.text,
) -> None:
    """Print a practice document or one of its sections."""
    from backend_skill import knowledge

    with _usage_errors():
        result = knowledge.get_pattern(topic)

    def text() -> None:
        _print_markdown(result.content)
        if result.truncated:
            typer.echo(f"\n[cut] {result.hint}", err=True)
            for section in result.omitted_sections:
                typer.echo(f"  backend-skill pattern '{section.ref}'", err=True)

    _emit(result, output, text)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Keywords, e.g. 'retry backoff jitter'.")],
    limit: Annotated[int, typer.Option(min=1, max=50, help="Most hits to show.")] = 10,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Search the practices; prints ranked sections with a snippet each."""
    from backend_skill import knowledge

    with _usage_errors():
        result = knowledge.search_patterns(query, limit=limit)

    def text() -> None:
        if not result.hits:
            typer.echo(f"No section matches {query!r}.")
        for hit in result.hits:
            typer.echo(f"{hit.ref}  ({hit.score})\n  {hit.title}\n  {hit.snippet}\n")

    _emit(result, output, text)


@app.command()
def validate(
    directory: Annotated[
        str | None,
        typer.Argument(help="The project's folder (default: CLAUDE_PROJECT_DIR, else the cwd)."),
    ] = None,
    step: Annotated[
        list[str] | None,
        typer.Option(
            "--step",
            "-s",
            help="Only this step, by name (pytest, ruff, openapi) or kind (lint, tests, "
            "coverage, spec); repeat for more.",
        ),
    ] = None,
    output: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text, markdown, or json (the MCP tool's model)."),
    ] = ReportFormat.text,
    fail_under: Annotated[
        float | None,
        typer.Option(min=0, max=100, help="Coverage threshold in %, overriding the project's."),
    ] = None,
) -> None:
    """Run the validation loop: exit 0 when every required step passes, 1 otherwise."""
    import asyncio

    from backend_skill.roots import resolve_project_root
    from backend_skill.validate import render_markdown, render_text, run_validation_loop
    from backend_skill.validate.console import progress_display

    with _usage_errors():
        root = resolve_project_root(directory)
        try:
            with progress_display() as display:
                result = asyncio.run(
                    run_validation_loop(root, steps=step, fail_under=fail_under, on_event=display)
                )
        except KeyboardInterrupt:
            # Cancelling the loop has already stopped every running step's process group.
            typer.echo("interrupted: every running step was stopped", err=True)
            raise typer.Exit(130) from None
    if output is ReportFormat.json:
        typer.echo(result.model_dump_json(indent=2))
    elif output is ReportFormat.markdown:
        typer.echo(render_markdown(result).rstrip("\n"))
    else:
        typer.echo(render_text(result))
    raise typer.Exit(0 if result.verdict == "passed" else 1)


class ClientChoice(StrEnum):
    claude_code = "claude-code"
    cursor = "cursor"
    all = "all"


class ScopeChoice(StrEnum):
    user = "user"
    project = "project"


ClientOption = Annotated[
    ClientChoice, typer.Option("--client", help="claude-code, cursor, or all of them.")
]
ScopeOption = Annotated[
    ScopeChoice,
    typer.Option(help="user: for all your projects; project: in --project-dir, to commit."),
]
ProjectDirOption = Annotated[
    str | None,
    typer.Option(help="The project for --scope project (default: CLAUDE_PROJECT_DIR or cwd)."),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the changes as a diff; write nothing.")
]


@app.command()
def install(
    client: ClientOption,
    scope: ScopeOption = ScopeChoice.user,
    project_dir: ProjectDirOption = None,
    dry_run: DryRunOption = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Put the skill and the MCP server into Claude Code and/or Cursor (merging their configs)."""
    _install_or_uninstall(
        "install",
        client=client,
        scope=scope,
        project_dir=project_dir,
        dry_run=dry_run,
        output=output,
    )


@app.command()
def uninstall(
    client: ClientOption,
    scope: ScopeOption = ScopeChoice.user,
    project_dir: ProjectDirOption = None,
    dry_run: DryRunOption = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Remove exactly what install added; files and entries you changed are left and named."""
    _install_or_uninstall(
        "uninstall",
        client=client,
        scope=scope,
        project_dir=project_dir,
        dry_run=dry_run,
        output=output,
    )


def _install_or_uninstall(
    operation: str,
    *,
    client: ClientChoice,
    scope: ScopeChoice,
    project_dir: str | None,
    dry_run: bool,
    output: OutputFormat,
) -> None:
    from backend_skill import clients
    from backend_skill.clients.render import render_install
    from backend_skill.roots import resolve_project_root

    chosen = list(clients.Client) if client is ClientChoice.all else [clients.Client(client.value)]
    action = clients.install if operation == "install" else clients.uninstall
    with _usage_errors():
        root = resolve_project_root(project_dir)
        result = action(chosen, clients.Scope(scope.value), root, dry_run=dry_run)
    _emit(result, output, lambda: typer.echo(render_install(result), nl=False))


@app.command()
def doctor(
    project_dir: ProjectDirOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check the skill, every client entry (does the server start and list tools?) and the
    installed documents; print what to fix. Exit 1 when something needs fixing."""
    from backend_skill import clients
    from backend_skill.clients.render import render_doctor
    from backend_skill.roots import resolve_project_root

    with _usage_errors():
        root = resolve_project_root(project_dir)
        result = clients.doctor(root)
    _emit(result, output, lambda: typer.echo(render_doctor(result), nl=False))
    if not result.healthy:
        raise typer.Exit(1)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


def _split(values: list[str] | None) -> list[str] | None:
    """--select BS1,BS2 and --select BS1 --select BS2 both work."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command()
def check(  # noqa: PLR0917  # typer: one parameter per option
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories (default: the project root).")
    ] = None,
    output: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="text for people; json (the MCP model); sarif 2.1.0."),
    ] = CheckFormat.text,
    fix: Annotated[bool, typer.Option("--fix", help="Apply verified fixes to the files.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes as a unified diff; change nothing.")
    ] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="Also apply fixes that need review.")
    ] = False,
    show_fixes: Annotated[
        bool,
        typer.Option(
            "--show-fixes",
            help="Attach each finding's verified fix (a diff; SARIF fixes). Costs a libcst "
            "parse per file with fixable findings.",
        ),
    ] = False,
    changed_since: Annotated[
        str | None,
        typer.Option("--changed-since", help="Only lines changed since this git ref (e.g. main)."),
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Rule ids, prefixes (BS1) or names to run.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(help="Rule ids, prefixes or names to skip.")
    ] = (None),
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Lowest severity that fails (exit 1): info, low, medium, high, critical."
        ),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Hide findings recorded in this baseline file.")
    ] = None,
    write_baseline: Annotated[
        str | None,
        typer.Option("--write-baseline", help="Record the current findings in this file; exit 0."),
    ] = None,
    root: Annotated[
        str | None,
        typer.Option(
            help="Project root (default: CLAUDE_PROJECT_DIR, else the current directory)."
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Analyse every file afresh.")
    ] = False,
    cache_dir: Annotated[
        str | None, typer.Option(help="Cache directory (default: ROOT/.backend-skill-cache).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: the CPU count).")
    ] = None,
) -> None:
    """Check files against the practices.

    Exit 0 clean, 1 findings at or above --fail-on, 2 usage error.
    """
    from pathlib import Path

    from backend_skill.check import CheckRequest, check_paths
    from backend_skill.check.changes import changed_lines
    from backend_skill.check.config import parse_severity
    from backend_skill.check.runner import baseline_keys
    from backend_skill.roots import resolve_project_root

    with _usage_errors():
        if fix and diff:
            from backend_skill.errors import UsageError

            raise UsageError("Use --fix to write the fixes or --diff to show them, not both.")
        project = resolve_project_root(root)
        # As typed in a shell: relative to the current directory (the core then confines
        # them to the root).
        targets = [str(Path(p).expanduser().absolute()) for p in paths] if paths else ["."]
        changed = changed_lines(project, changed_since) if changed_since else None
        if changed is not None:
            within = [project / t for t in targets]  # absolute targets stay absolute
            targets = [
                rel
                for rel in changed
                if (project / rel).is_file() and _under_any(project / rel, within)
            ]
        request = CheckRequest(
            paths=targets,
            root=project,
            select=_split(select),
            ignore=_split(ignore),
            fail_on=parse_severity(fail_on) if fail_on else None,
            baseline=Path(baseline) if baseline else None,
            with_fixes=show_fixes,
            fix_mode="write" if fix else "diff" if diff else "none",
            unsafe_fixes=unsafe_fixes,
            use_cache=not no_cache,
            cache_dir=Path(cache_dir) if cache_dir else None,
            jobs=jobs,
            changed_lines=changed,
        )
        if changed is not None and not targets:
            request.inline = {}
        run = check_paths(request) if targets else None
    if run is None:
        typer.echo("No changed files to check.")
        return
    result = run.result
    if write_baseline:
        from backend_skill.check import baseline as baselines

        baselines.write(Path(write_baseline), baseline_keys(result))
        typer.echo(f"Wrote {len(result.findings)} finding(s) to {write_baseline}.")
        return
    if diff:
        for patch in run.diffs.values():
            typer.echo(patch, nl=False)
        if not run.diffs:
            typer.echo("No fixes to apply.", err=True)
        elif not result.summary.failed:
            raise typer.Exit(1)  # like ruff --diff: a pending fix fails CI until it is applied
    elif output is CheckFormat.json:
        typer.echo(result.model_dump_json(indent=2))
    elif output is CheckFormat.sarif:
        import json

        from backend_skill.check.sarif import to_sarif

        sources = _sources(project, result)
        typer.echo(json.dumps(to_sarif(result, sources), indent=2))
    else:
        from backend_skill.check.text import render

        if sys.stdout.isatty():
            from rich.console import Console

            Console(highlight=False).print(render(result, color=True))
        else:
            typer.echo(render(result))
    if result.summary.failed:
        raise typer.Exit(1)


def _under_any(path: Path, tops: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == top.resolve() or top.resolve() in resolved.parents for top in tops)


def _sources(root: object, result: object) -> dict[str, str]:
    """File texts for SARIF fix regions (only files that have a fix)."""
    from pathlib import Path

    from backend_skill.check.models import CheckResult

    if not isinstance(result, CheckResult) or not isinstance(root, Path):
        raise TypeError("expected a CheckResult and a Path")
    texts: dict[str, str] = {}
    for finding in result.findings:
        path = finding.location.path
        if finding.fix is not None and path not in texts:
            try:
                texts[path] = (root / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return texts


@app.command("rules")
def rules_command(output: FormatOption = OutputFormat.text) -> None:
    """List the check's rules: id, severity, area, fixable, summary."""
    from backend_skill.check import list_rules

    result = list_rules()

    def text() -> None:
        for rule in result.rules:
            fixable = "fix" if rule.fixable else "   "
            typer.echo(
                f"{rule.id}  {rule.severity.value:<8} {fixable}  {rule.name:<36} {rule.summary}"
            )
        typer.echo(f"\n{len(result.rules)} rules; `backend-skill rule ID` explains one.")

    _emit(result, output, text)


@app.command("middleware")
def list_middleware_command(output: FormatOption = OutputFormat.text) -> None:
    """List the middleware catalog and which frameworks offer each one."""
    from backend_skill import generate

    result = generate.list_middleware()

    def text() -> None:
        for item in result.middleware:
            offered = [s.framework for s in item.frameworks if s.supported]
            typer.echo(f"{item.id}  ({item.pattern})")
            typer.echo(f"  {item.title}: {item.description}")
            typer.echo(f"  frameworks: {', '.join(offered) or 'none yet'}")
            typer.echo(f"  options: {', '.join(item.options_schema.get('properties', {}))}")

    _emit(result, output, text)


@app.command("rule")
def rule_command(
    rule_id: Annotated[str, typer.Argument(help="Rule id (BS101) or name.")],
    output: FormatOption = OutputFormat.text,
) -> None:
    """Explain one rule: what it finds, why, what to do instead, examples."""
    from backend_skill.check import explain_rule
    from backend_skill.check.docs import rule_markdown

    with _usage_errors():
        result = explain_rule(rule_id)
    _emit(result, output, lambda: _print_markdown(rule_markdown(result)))


@app.command()
def generate(  # noqa: PLR0917  (typer: the signature is the command line)
    kind: Annotated[str, typer.Argument(help="Middleware id (see `backend-skill middleware`).")],
    framework: Annotated[
        str, typer.Option("--framework", help="fastapi, flask, django, express or go.")
    ],
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="key=value option; repeatable. Lists: a,b or JSON [..].",
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", help="Directory to write the files into (else they are printed)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing files, keeping <file>.bak.")
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Generate tested middleware for a framework."""
    from pathlib import Path

    from backend_skill import generate as core
    from backend_skill.generate.results import GenerateResult

    with _usage_errors():
        raw = core.parse_set_pairs(kind, option or [])
        generated = core.generate_middleware(kind, framework, raw)
        written = core.write_generated(generated, Path(out), force=force) if out else None
    result = GenerateResult(generated=generated, written=written)

    def text() -> None:
        if written is None:
            for file in generated.files:
                typer.echo(f"==> {file.path} ({file.role})\n{file.content}")
        else:
            for entry in written.files:
                backup = f" (old file kept as {entry.backup})" if entry.backup else ""
                typer.echo(f"{entry.action} {Path(written.directory) / entry.path}{backup}")
        typer.echo("\nPackages (tested ranges):")
        for package in generated.packages:
            typer.echo(f"  {package.requirement}  [{package.purpose}]")
        typer.echo(f"\nMount it ({generated.mount_language}):\n{generated.mount}")
        if generated.notes:
            typer.echo(f"Notes: {generated.notes}")
        typer.echo(f"Practice: {generated.pattern}")

    _emit(result, output, text)


def main() -> None:
    app()
