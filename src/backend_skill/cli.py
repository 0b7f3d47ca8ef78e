"""The command-line face: the same calls as the MCP tools, printed for people or as JSON.

Exit codes follow linters: 0 success, 1 findings or a failed verdict, 2 usage or input error.
Imports of the core happen inside commands so `--help` and `serve` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel

from backend_skill import __version__

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
