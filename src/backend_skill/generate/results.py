"""What generate returns and what list_middleware returns (the MCP tools' structured output)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from backend_skill.models import Model


class GeneratedFile(Model):
    path: str = Field(description="Where to put it, relative to the project (forward slashes).")
    content: str
    role: Literal["middleware", "test"]


class PackageRequirement(Model):
    name: str
    spec: str = Field(description="Version range the snippet was tested with, e.g. '>=0.115,<1'.")
    ecosystem: Literal["pypi", "npm", "go"]
    requirement: str = Field(description="Ready to paste: 'fastapi>=0.115,<1'.")
    purpose: Literal["runtime", "test"] = Field(
        description="runtime for the app, test for the generated test only."
    )


class GeneratedMiddleware(Model):
    middleware: str
    framework: str
    title: str
    pattern: str = Field(description="The documents' section it follows, as document#anchor.")
    pattern_uri: str
    options: dict[str, Any] = Field(description="The validated options, defaults filled in.")
    files: list[GeneratedFile]
    packages: list[PackageRequirement]
    mount: str = Field(description="A short snippet showing where to mount it in the app.")
    mount_language: str
    test_file: str = Field(description="Path (among files) of the test for the user's suite.")
    notes: str = ""


class WrittenFile(Model):
    path: str
    action: Literal["created", "replaced", "unchanged"]
    backup: str | None = Field(None, description="Copy of the replaced file (only with force).")


class WriteReport(Model):
    directory: str
    files: list[WrittenFile]


class GenerateResult(Model):
    generated: GeneratedMiddleware
    written: WriteReport | None = None


class FrameworkStatus(Model):
    framework: str
    supported: bool
    reason: str = Field("", description="Why a pair is not offered.")


class MiddlewareInfo(Model):
    id: str
    title: str
    description: str
    pattern: str
    pattern_uri: str
    options_schema: dict[str, Any] = Field(description="JSON schema of the options.")
    frameworks: list[FrameworkStatus]


class MiddlewareCatalog(Model):
    frameworks: list[str] = Field(description="Framework ids generate accepts.")
    middleware: list[MiddlewareInfo]
