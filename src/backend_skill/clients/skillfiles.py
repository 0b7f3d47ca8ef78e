"""The skill's documents in a client's skill folder, and the manifest of what we put there.

The manifest (`.backend-skill.json` in the skill folder) records the package version, the
SHA-256 of every file we copied, and how we edited the client's MCP config. Uninstall removes
exactly the files whose hash still matches; doctor compares them with the installed package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from backend_skill import __version__
from backend_skill.clients.jsonconfig import Inserted
from backend_skill.clients.models import Action, ServerEntry
from backend_skill.knowledge.library import docs_root, document_paths
from backend_skill.models import Model

MANIFEST_NAME = ".backend-skill.json"


class ConfigRecord(Model):
    """Our entry in the client's MCP config, and what the file looked like where we added it."""

    path: str
    entry: ServerEntry
    created_file: bool = False
    added_servers_key: bool = False
    empty_servers_text: str | None = None
    empty_root_text: str | None = None
    blank_text: str | None = None

    def inserted(self) -> Inserted:
        return Inserted(
            created_file=self.created_file,
            added_servers_key=self.added_servers_key,
            empty_servers_text=self.empty_servers_text,
            empty_root_text=self.empty_root_text,
            blank_text=self.blank_text,
        )


class Manifest(Model):
    package: str = "backend-skill"
    version: str
    files: dict[str, str] = Field(description="Path in the skill folder -> SHA-256 we wrote.")
    mcp_config: ConfigRecord | None = None
    created_dirs: list[str] = Field(
        default_factory=list, description="Folders that did not exist before the install."
    )


@dataclass(frozen=True)
class FilePlan:
    relative: str
    action: Action
    content: bytes | None  # what to write for create/update
    detail: str = ""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_documents() -> dict[str, bytes]:
    """SKILL.md, patterns/*.md and twelve-factor-cheatsheet.md of the installed package."""
    root = docs_root()
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in document_paths(root)}


def read_manifest(skill_dir: Path) -> Manifest | None:
    path = skill_dir / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValidationError:
        return None  # not ours to trust: treat every file as the user's


def manifest_bytes(manifest: Manifest) -> bytes:
    data: dict[str, Any] = manifest.model_dump(mode="json")
    return (json.dumps(data, indent=2, sort_keys=False) + "\n").encode()


def plan_copy(
    skill_dir: Path, documents: dict[str, bytes], manifest: Manifest | None
) -> tuple[list[FilePlan], dict[str, str]]:
    """What to do with each file, and the file hashes the new manifest records.

    A file is replaced only when it is missing or still the copy we wrote; a file someone edited
    (or put there before us) is kept and reported.
    """
    recorded = manifest.files if manifest else {}
    plans: list[FilePlan] = []
    files: dict[str, str] = {}
    for relative, content in documents.items():
        digest = sha256(content)
        destination = skill_dir / relative
        if not destination.exists():
            plans.append(FilePlan(relative, Action.create, content, _lines(content)))
            files[relative] = digest
            continue
        current = sha256(destination.read_bytes())
        if current == digest:
            plans.append(FilePlan(relative, Action.unchanged, None))
            files[relative] = digest
        elif recorded.get(relative) == current:
            plans.append(FilePlan(relative, Action.update, content, "from the package"))
            files[relative] = digest
        else:
            plans.append(
                FilePlan(
                    relative,
                    Action.kept,
                    None,
                    "edited since we copied it (or not ours); left as it is. Delete it and run "
                    "backend-skill install again to get the package's version.",
                )
            )
            if relative in recorded:
                files[relative] = recorded[relative]
    for relative, digest in recorded.items():
        if relative in documents:
            continue
        destination = skill_dir / relative
        if destination.is_file() and sha256(destination.read_bytes()) == digest:
            plans.append(FilePlan(relative, Action.remove, None, "no longer in the package"))
        elif destination.exists():
            plans.append(FilePlan(relative, Action.kept, None, "no longer in the package; edited"))
    return plans, files


def plan_removal(skill_dir: Path, manifest: Manifest | None) -> list[FilePlan]:
    """Remove the files we copied that are unchanged; keep (and report) the edited ones."""
    plans: list[FilePlan] = []
    for relative, digest in (manifest.files if manifest else {}).items():
        destination = skill_dir / relative
        if not destination.is_file():
            continue
        if sha256(destination.read_bytes()) == digest:
            plans.append(FilePlan(relative, Action.remove, None))
        else:
            plans.append(
                FilePlan(relative, Action.kept, None, "edited since install; left for you")
            )
    return plans


def package_version() -> str:
    return __version__


def _lines(content: bytes) -> str:
    count = content.count(b"\n")
    return f"{count} lines"
