"""SARIF 2.1.0 for GitHub code scanning: rule metadata (CWE tags, help, helpUri to our pattern
section, security-severity), results with ruleIndex, partialFingerprints and fixes."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from backend_skill import __version__
from backend_skill.check.lines import split_lines_keepends
from backend_skill.check.models import CheckFinding, CheckResult
from backend_skill.check.registry import all_rules
from backend_skill.check.rule import Rule
from backend_skill.models import Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY = "https://github.com/backend-skill/backend-skill"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
DOC_PATHS = {"SKILL": "SKILL.md", "twelve-factor-cheatsheet": "twelve-factor-cheatsheet.md"}


def help_uri(rule: Rule) -> str:
    document, _, anchor = rule.pattern.partition("#")
    path = DOC_PATHS.get(document, f"patterns/{document}.md")
    return f"{REPOSITORY}/blob/main/{path}#{anchor}"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    tags = [rule.area, *(f"external/cwe/cwe-{c}" for c in rule.cwe)]
    properties: dict[str, Any] = {
        "tags": ["security", *tags] if rule.cwe else tags,
        "precision": _precision(rule),
    }
    if rule.cwe:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    help_text = f"{rule.why}\n\nInstead: {rule.instead}\n\nSee {help_uri(rule)}"
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": help_text,
            "markdown": f"**{rule.summary}**\n\n{rule.why}\n\n**Instead:** {rule.instead}\n\n"
            f"[{rule.pattern}]({help_uri(rule)})",
        },
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def to_sarif(result: CheckResult, sources: dict[str, str] | None = None) -> dict[str, Any]:
    rules = list(all_rules())
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [
        _result(f, index[f.rule_id], Path(result.root), sources or {}) for f in result.findings
    ]
    notifications = [
        {"level": "note", "message": {"text": f"{n.path}: {n.message}"}} for n in result.notices
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "backend-skill",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": REPOSITORY,
                "rules": [rule_descriptor(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(result.root).as_uri() + "/"}},
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _result(
    finding: CheckFinding, rule_index: int, root: Path, sources: dict[str, str]
) -> dict[str, Any]:
    location = finding.location
    region: dict[str, Any] = {"startLine": location.line, "startColumn": location.column}
    if location.end_line:
        region["endLine"] = location.end_line
    if (location.end_column and location.end_column > location.column) or (
        location.end_line and location.end_line > location.line and location.end_column
    ):
        region["endColumn"] = location.end_column
    if finding.source_line:
        region["snippet"] = {"text": finding.source_line}
    entry: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": finding.fingerprint},
        "properties": {"confidence": finding.confidence.value, "pattern": finding.pattern},
    }
    if finding.fix is not None:
        replacements = _replacements(finding.fix.diff, sources.get(location.path))
        if replacements:
            entry["fixes"] = [
                {
                    "description": {"text": finding.fix.description},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"},
                            "replacements": replacements,
                        }
                    ],
                }
            ]
    return entry


def _replacements(diff: str, source: str | None) -> list[dict[str, Any]]:
    """Whole-line replacements from our unified diff (the source gives the old lines)."""
    if source is None:
        return []
    before = split_lines_keepends(source)
    after = _patched(before, diff)
    if after is None:
        return []
    out = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        deleted: dict[str, Any] = {"startLine": a0 + 1, "startColumn": 1}
        if a1 > a0:
            deleted["endLine"] = a1 + 1 if a1 < len(before) else a1
            deleted["endColumn"] = 1 if a1 < len(before) else len(before[a1 - 1]) + 1
        else:
            deleted["endLine"] = a0 + 1
            deleted["endColumn"] = 1
        out.append({"deletedRegion": deleted, "insertedContent": {"text": "".join(after[b0:b1])}})
    return out


def _patched(before: list[str], diff: str) -> list[str] | None:
    """Apply our own unified diff (produced by difflib from this same source)."""
    result: list[str] = []
    position = 0
    lines = split_lines_keepends(diff)
    i = 0
    while i < len(lines) and not lines[i].startswith("@@"):
        i += 1
    while i < len(lines):
        header = lines[i]
        old = header.split()[1]  # -start,count
        start = int(old[1:].split(",")[0])
        count = int(old.split(",")[1]) if "," in old else 1
        begin = start - 1 if count else start
        result.extend(before[position:begin])
        position = begin
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            if line.startswith(" "):
                result.append(before[position])
                position += 1
            elif line.startswith("-"):
                position += 1
            elif line.startswith("+"):
                result.append(line[1:])
            i += 1
    result.extend(before[position:])
    return result


def _precision(rule: Rule) -> str:
    return {"high": "high", "medium": "medium", "low": "low"}[rule.confidence.value]


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))
