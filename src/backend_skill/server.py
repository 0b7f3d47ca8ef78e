"""The MCP face: registers tools, resources and prompts over the core, and translates errors.

No logic lives here. Each tool parses its arguments (the signature is the schema), calls one core
function and returns its pydantic model; a UsageError becomes a ToolError the agent can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
    ToolAnnotations,
)
from pydantic import Field

from backend_skill import __version__, generate, knowledge, prompts
from backend_skill.check.models import CheckResult, ProjectPage
from backend_skill.errors import UsageError
from backend_skill.generate.results import GenerateResult, MiddlewareCatalog
from backend_skill.knowledge.library import load_documents
from backend_skill.knowledge.models import PatternList, PatternText, SearchResults
from backend_skill.roots import confine, resolve_project_root
from backend_skill.validate.models import ValidationResult

INSTRUCTIONS = """\
backend-skill applies backend-service best practice (API design, auth, config, database,
observability, resilience, security, testing) to the code in front of you.
- Read the practice: list_patterns for the documents, get_pattern('document#anchor' or a
  keyword such as 'idempotency'), search_patterns('keywords') when unsure where it lives.
- Before proposing or finishing a change, check it: check_changes (lines changed since a git
  ref), check_file (a path, or unsaved content plus a filename), check_project (a directory,
  paginated). Each finding links the pattern section that explains it.
- Need middleware (idempotency keys, rate limits, JWT auth, webhooks, health, ...)? Prefer
  generate_middleware(middleware, framework, options) over writing it: list_middleware shows
  the ids, frameworks and option schemas; the answer includes a test for the project's suite.
- Before calling work done: run_validation_loop(project_dir) runs the project's lint, types,
  tests with coverage, security scan, OpenAPI validation and checks; fix its first_to_fix.
- The resources pattern://<document> and pattern://<document>/<anchor> hold the same texts.
- Prompts: review_backend_code to review a change, new_service_checklist to start a service.
"""

READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True)


@contextmanager
def _as_tool_errors() -> Iterator[None]:
    """Input problems go back to the agent as a ToolError that says what to send instead."""
    try:
        yield
    except UsageError as error:
        raise ToolError(str(error)) from error


def _register_knowledge(server: MCPServer) -> None:
    @server.tool(title="List backend practice documents", annotations=READ_ONLY)
    def list_patterns() -> PatternList:
        """List the skill's documents (SKILL.md and the deep dives) with their sections.

        Use a section's `ref` with get_pattern to read it.
        """
        return knowledge.list_patterns()

    @server.tool(title="Read a backend practice", annotations=READ_ONLY)
    def get_pattern(
        topic: Annotated[
            str,
            Field(
                description="A document id ('database-patterns'), 'document#anchor' "
                "('api-design-patterns#idempotency-keys'), or a keyword ('idempotency')."
            ),
        ],
    ) -> PatternText:
        """Return the markdown of a practice document or one of its sections.

        Long documents come back cut at a section boundary, with the omitted sections listed.
        """
        with _as_tool_errors():
            return knowledge.get_pattern(topic)

    @server.tool(title="Search backend practices", annotations=READ_ONLY)
    def search_patterns(
        query: Annotated[str, Field(description="Keywords, e.g. 'retry backoff jitter'.")],
        limit: Annotated[int, Field(ge=1, le=50, description="Most hits to return.")] = 10,
    ) -> SearchResults:
        """Find the sections that best match some keywords, ranked, with a snippet each."""
        with _as_tool_errors():
            return knowledge.search_patterns(query, limit=limit)


def _register_resources(server: MCPServer) -> None:
    for document in load_documents():
        server.resource(
            knowledge.document_uri(document.id),
            name=document.id,
            title=document.title,
            description=document.summary()[:300] or document.path,
            mime_type="text/markdown",
        )(_document_reader(document.text))

    @server.resource(
        "pattern://{name}",
        name="pattern",
        title="Backend practice by name",
        description="A document or a section by id or keyword, e.g. pattern://idempotency.",
        mime_type="text/markdown",
    )
    def pattern_by_name(name: str) -> str:
        return _read(name)

    @server.resource(
        "pattern://{document}/{section}",
        name="pattern-section",
        title="Section of a backend practice document",
        description="One section by anchor, e.g. pattern://database-patterns/migrations.",
        mime_type="text/markdown",
    )
    def pattern_section(document: str, section: str) -> str:
        return _read(f"{document}#{section}")

    @server.completion()  # type: ignore[untyped-decorator, no-untyped-call]  # SDK leaves it untyped
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if not isinstance(ref, ResourceTemplateReference):
            return None
        if argument.name == "section":
            chosen = (context.arguments or {}).get("document") if context else None
            values = [
                s.anchor
                for d in load_documents()
                if chosen in (None, d.id)
                for s in d.sections
                if s.level > 1 and s.anchor.startswith(argument.value.lower())
            ]
        elif argument.name == "document":
            values = [d.id for d in load_documents() if d.id.startswith(argument.value)]
        else:
            values = knowledge.complete_names(argument.value)
        return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)


def _document_reader(text: str) -> Callable[[], str]:
    def read() -> str:
        return text

    return read


def _read(topic: str) -> str:
    try:
        return knowledge.get_pattern(topic).content
    except UsageError as error:
        raise ResourceNotFoundError(str(error)) from error


def _register_prompts(server: MCPServer) -> None:
    @server.prompt(title="Review backend code")
    def review_backend_code(
        target: Annotated[
            str, Field(description="What to review: a path, a git ref, or 'the current change'.")
        ] = "the current change",
    ) -> str:
        """How to review backend code with backend-skill's tools and documents."""
        return prompts.review_backend_code(target)

    @server.prompt(title="New service checklist")
    def new_service_checklist(
        service: Annotated[str, Field(description="Name of the new service.")] = "the service",
        framework: Annotated[
            str, Field(description="fastapi, flask, django, express or go (optional).")
        ] = "",
    ) -> str:
        """The steps to build a new backend service the way the skill describes."""
        return prompts.new_service_checklist(service, framework)


_PROJECT_ROOT = Field(
    description="Project root (default: CLAUDE_PROJECT_DIR, else the working directory). "
    "Nothing outside it is read."
)


def _register_check(server: MCPServer) -> None:
    from backend_skill import check

    @server.tool(title="Check a file against backend practices", annotations=READ_ONLY)
    def check_file(
        path: Annotated[
            str | None, Field(description="A file under the project root (relative or absolute).")
        ] = None,
        content: Annotated[
            str | None, Field(description="Unsaved code to check instead of a file on disk.")
        ] = None,
        filename: Annotated[
            str | None,
            Field(description="Name for `content` (e.g. 'app/db.py'); its suffix picks the rules."),
        ] = None,
        project_root: Annotated[str | None, _PROJECT_ROOT] = None,
    ) -> CheckResult:
        """Findings for one file: rule, severity, message, line, the pattern section that
        explains it (pattern_uri), and a verified fix as a unified diff where one exists."""
        with _as_tool_errors():
            return check.check_file(path, content, filename, project_root)

    @server.tool(title="Check a project directory", annotations=READ_ONLY)
    def check_project(
        directory: Annotated[str, Field(description="Directory under the root to check.")] = ".",
        project_root: Annotated[str | None, _PROJECT_ROOT] = None,
        page: Annotated[int, Field(ge=1, description="Page of findings (1 first).")] = 1,
        min_severity: Annotated[
            str | None,
            Field(description="Only findings at or above: info, low, medium, high, critical."),
        ] = None,
        select: Annotated[
            list[str] | None, Field(description="Only these rules (ids, prefixes like BS2, names).")
        ] = None,
    ) -> ProjectPage:
        """Summary first (counts by rule and severity), then one page of findings, most severe
        first; `next_page` says how to get more. Includes project-level rules (health endpoints,
        rate limits on auth routes, migration numbering)."""
        with _as_tool_errors():
            return check.check_project(
                directory, project_root, page=page, select=select, min_severity=min_severity
            )

    @server.tool(title="Check the lines changed since a git ref", annotations=READ_ONLY)
    def check_changes(
        base_ref: Annotated[
            str, Field(description="Git ref to compare with: HEAD (uncommitted work), main, ...")
        ] = "HEAD",
        project_root: Annotated[str | None, _PROJECT_ROOT] = None,
    ) -> CheckResult:
        """Only findings on lines changed since base_ref (untracked files count as changed):
        what a reviewer of this change needs to see."""
        with _as_tool_errors():
            return check.check_changes(base_ref, project_root)


def _register_validate(server: MCPServer) -> None:
    runs_project_tools = ToolAnnotations(
        readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=True
    )

    @server.tool(title="Run the validation loop", annotations=runs_project_tools)
    async def run_validation_loop(
        ctx: Context,
        project_dir: Annotated[
            str,
            Field(description="The project's folder, inside the server's project root."),
        ] = ".",
        steps: Annotated[
            list[str] | None,
            Field(
                description="Only these steps, by name ('pytest', 'ruff', 'openapi') or kind "
                "('lint', 'tests', 'coverage', 'spec'); all when omitted."
            ),
        ] = None,
        fail_under: Annotated[
            float | None,
            Field(ge=0, le=100, description="Coverage threshold in %, overriding the project's."),
        ] = None,
    ) -> ValidationResult:
        """Run the project's validation loop before calling work done: lint, type check, tests
        with coverage, security scan, OpenAPI validation, backend-skill's own checks, contract
        and load tests when configured. Uses the project's own tools; independent steps run at
        once. Returns a verdict, the first thing to fix, and each step's parsed summary.
        Progress is reported as each step starts and ends; cancelling stops every step.
        """
        from backend_skill.roots import resolve_project_root
        from backend_skill.validate import ProgressEvent
        from backend_skill.validate import run_validation_loop as run_loop

        sent = 0

        async def progress(event: ProgressEvent) -> None:
            nonlocal sent
            sent += 1
            message = f"{event.step} started"
            if event.result is not None:
                result = event.result
                message = f"{event.step} {result.status.value}: {result.summary.text}"
            await ctx.report_progress(sent, 2 * event.total, message)

        with _as_tool_errors():
            return await run_loop(
                project_dir,
                root=resolve_project_root(None),
                steps=steps,
                fail_under=fail_under,
                on_event=progress,
            )


def _register_generate(server: MCPServer) -> None:
    @server.tool(title="List middleware", annotations=READ_ONLY)
    def list_middleware() -> MiddlewareCatalog:
        """List the middleware catalog: ids, the practice each follows, the JSON schema of its
        options, and which frameworks offer it (with the reason where one does not)."""
        return generate.list_middleware()

    @server.tool(
        title="Generate middleware",
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=True),
    )
    def generate_middleware(
        middleware: Annotated[str, Field(description="Catalog id, e.g. 'idempotency-key'.")],
        framework: Annotated[
            str, Field(description="fastapi, flask, django, express or go (see list_middleware).")
        ],
        options: Annotated[
            dict[str, Any] | None,
            Field(description="Options by name (schema in list_middleware); omitted = defaults."),
        ] = None,
        write_to: Annotated[
            str | None,
            Field(
                description="Directory under the project root to write the files into; "
                "omit to only return them."
            ),
        ] = None,
        force: Annotated[
            bool, Field(description="Replace existing files (each is kept as <file>.bak).")
        ] = False,
    ) -> GenerateResult:
        """Generate tested middleware: the files, the packages with the version range they were
        tested with, where to mount it, and a test for the project's own suite."""
        with _as_tool_errors():
            result = generate.generate_middleware(middleware, framework, options)
            written = None
            if write_to is not None:
                directory = confine(write_to, resolve_project_root())
                written = generate.write_generated(result, directory, force=force)
            return GenerateResult(generated=result, written=written)


def build_server() -> MCPServer:
    server: MCPServer = MCPServer(
        name="backend-skill",
        title="backend-skill",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )
    _register_knowledge(server)
    _register_resources(server)
    _register_prompts(server)
    _register_check(server)
    _register_validate(server)
    _register_generate(server)
    return server


def serve(
    transport: Literal["stdio", "http"] = "stdio", host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Run until the client disconnects (stdio) or the process is stopped (http)."""
    server = build_server()
    if transport == "stdio":
        server.run("stdio")
    else:
        options: dict[str, Any] = {"host": host, "port": port}
        server.run("streamable-http", **options)
