"""Validate OpenAPI documents and print every error with its JSON path, as JSON.

Run by the loop as a subprocess of our own interpreter (`python -m
backend_skill.validate.openapi_check FILE...`), so it is timed, capped and killable like every
other step, and the project needs nothing installed for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.versions.exceptions import OpenAPIVersionNotFound
from openapi_spec_validator.versions.shortcuts import get_spec_version

MAX_ERRORS = 50


def validate_file(path: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {"file": path.as_posix(), "version": "unknown", "errors": []}
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        entry["errors"].append({"json_path": "$", "message": f"cannot be parsed: {error}"})
        return entry
    if not isinstance(document, dict):
        entry["errors"].append({"json_path": "$", "message": "is not a mapping at the top level"})
        return entry
    try:
        version = get_spec_version(document)
    except OpenAPIVersionNotFound:
        entry["errors"].append(
            {"json_path": "$.openapi", "message": "no supported `openapi: 3.x` (or swagger) field"}
        )
        return entry
    entry["version"] = str(version).replace("OpenAPIV", "OpenAPI ")
    validator_class = _validator_for(str(version))
    validator = validator_class(document, base_uri=path.resolve().as_uri())
    try:
        for found in validator.iter_errors():
            entry["errors"].append(_describe(found))
            if len(entry["errors"]) >= MAX_ERRORS:
                break
    except Exception as problem:  # an unresolvable $ref surfaces as any exception
        entry["errors"].append(
            {"json_path": "$", "message": f"{type(problem).__name__}: {problem}"[:300]}
        )
    return entry


def _validator_for(version: str) -> Any:
    import openapi_spec_validator as osv

    if version.endswith("2.0"):
        return osv.OpenAPIV2SpecValidator
    if version.endswith("3.0"):
        return osv.OpenAPIV30SpecValidator
    if version.endswith("3.2"):
        return osv.OpenAPIV32SpecValidator
    return osv.OpenAPIV31SpecValidator


def _describe(error: Exception) -> dict[str, str]:
    if isinstance(error, OpenAPIValidationError):
        path = getattr(error, "json_path", None) or "$"
        return {"json_path": str(path), "message": error.message}
    return {"json_path": "$", "message": str(error)}


def main(argv: list[str]) -> int:
    report = {"specs": [validate_file(Path(arg)) for arg in argv]}
    print(json.dumps(report, indent=2))
    return 1 if any(spec["errors"] for spec in report["specs"]) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
