"""Turn each tool's output into a status and the figures an agent acts on.

Parsers read the text the tools print for people (the end of it survives the output cap), never
guess: a figure the output does not state stays empty. The exit code decides pass or fail; the
text only explains it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from backend_skill.validate.models import Issue, SpecError, StepStatus, StepSummary
from backend_skill.validate.steps import Outcome, Output

TOP = 5


def _status(output: Output, *, error_codes: tuple[int, ...] = ()) -> StepStatus:
    if output.exit_code == 0:
        return StepStatus.PASSED
    if output.exit_code in error_codes or output.exit_code < 0:
        return StepStatus.ERROR
    return StepStatus.FAILED


def last_line(text: str) -> str:
    for line in reversed(text.splitlines()):
        if line.strip():
            return line.strip()[:300]
    return ""


def _describe(status: StepStatus, output: Output, fallback: str) -> str:
    """The tool's last word: its stdout's last line, else stderr's (npm's own notices aside)."""
    if status is StepStatus.PASSED:
        return fallback
    stderr = "\n".join(
        line
        for line in output.stderr.splitlines()
        if not line.startswith(("npm warn", "npm notice"))
    )
    return last_line(output.stdout) or last_line(stderr) or f"exited with code {output.exit_code}"


# path:line:col: CODE message   (ruff concise, flake8)
_LINT_LINE = re.compile(
    r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+)\b(?P<msg>.*)$"
)


def lint(output: Output) -> Outcome:
    issues = [
        Issue(
            path=m["path"],
            line=int(m["line"]),
            code=m["code"],
            message=m["msg"].replace("[*]", "").strip(),
        )
        for m in map(_LINT_LINE.match, output.stdout.splitlines())
        if m
    ]
    found = re.search(r"Found (\d+) errors?", output.combined)
    count = int(found[1]) if found else len(issues)
    status = _status(output, error_codes=(2,))
    if status is StepStatus.PASSED:
        text = "no lint findings"
    elif status is StepStatus.FAILED:
        text = f"{count} lint finding{'s' * (count != 1)}"
    else:
        text = _describe(status, output, "")
    return Outcome(
        status,
        StepSummary(text=text, findings_count=count, top_findings=issues[:TOP]),
    )


# path:line: error: message  [code]   (mypy);  path:line:col - error: message (pyright)
_MYPY_LINE = re.compile(
    r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):(?:\d+:)? error: "
    r"(?P<msg>.*?)(?:\s+\[(?P<code>[\w-]+)\])?$"
)
_PYRIGHT_LINE = re.compile(
    r"^\s*(?P<path>/[^:]+|[^\s:][^:]*):(?P<line>\d+):\d+ - error: (?P<msg>.*)$"
)


def types(output: Output) -> Outcome:
    issues = []
    for line in output.stdout.splitlines():
        match = _MYPY_LINE.match(line) or _PYRIGHT_LINE.match(line)
        if match:
            groups = match.groupdict()
            issues.append(
                Issue(
                    path=groups["path"].strip(),
                    line=int(groups["line"]),
                    code=groups.get("code"),
                    message=groups["msg"].strip(),
                )
            )
    found = re.search(r"Found (\d+) errors?|(\d+) errors?,", output.combined)
    count = int(found[1] or found[2]) if found else len(issues)
    status = _status(output, error_codes=(2,))
    if status is StepStatus.PASSED:
        text = "no type errors"
    elif status is StepStatus.FAILED:
        text = f"{count} type error{'s' * (count != 1)}"
    else:
        text = _describe(status, output, "")
    return Outcome(status, StepSummary(text=text, findings_count=count, top_findings=issues[:TOP]))


_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")
_PYTEST_FAILED = re.compile(r"^(FAILED|ERROR) (?P<id>\S+)(?: - (?P<msg>.*))?$")


def pytest(output: Output) -> Outcome:
    counts: dict[str, int] = {}
    summary_line = ""
    for line in reversed(output.stdout.splitlines()):
        found = _PYTEST_COUNT.findall(line)
        if found and (" in " in line or line.startswith("=")):
            summary_line = line.strip("= ").strip()
            for number, word in found:
                key = "errors" if word.startswith("error") else word
                counts[key] = counts.get(key, 0) + int(number)
            break
    issues = []
    for line in output.stdout.splitlines():
        match = _PYTEST_FAILED.match(line.strip())
        if match:
            node = match["id"]
            path = node.split("::", 1)[0]
            issues.append(Issue(path=path, code=node, message=(match["msg"] or match[1]).strip()))
    failed = counts.get("failed", 0) + counts.get("errors", 0)
    # pytest: 1 tests failed, 2 interrupted, 3 internal error, 4 usage error, 5 no tests collected
    status = _status(output, error_codes=(2, 3, 4))
    if output.exit_code == 5:
        text = "no tests were collected"
    elif summary_line:
        text = summary_line
    else:
        text = _describe(status, output, "tests passed")
    return Outcome(
        status,
        StepSummary(
            text=text,
            tests_passed=counts.get("passed"),
            tests_failed=failed if counts else None,
            tests_skipped=counts.get("skipped"),
            findings_count=failed if counts else None,
            top_findings=issues[:TOP],
        ),
    )


_COVERAGE_TOTAL = re.compile(r"^TOTAL\s.*?(\d+(?:\.\d+)?)%\s*$", re.MULTILINE)


def coverage_parser(threshold: float) -> Any:
    def parse(output: Output) -> Outcome:
        total = _COVERAGE_TOTAL.search(output.stdout)
        percent = float(total[1]) if total else None
        if percent is None:
            # A single-file report has no TOTAL row; its one row is the total.
            rows = re.findall(r"^\S.*?\s(\d+(?:\.\d+)?)%\s*$", output.stdout, re.MULTILINE)
            percent = float(rows[-1]) if len(rows) == 1 else None
        # coverage report: 2 means under --fail-under, 1 means it could not report.
        if output.exit_code == 0:
            status = StepStatus.PASSED
        elif output.exit_code == 2:
            status = StepStatus.FAILED
        else:
            status = StepStatus.ERROR
        if percent is not None:
            relation = "at or above" if status is StepStatus.PASSED else "below"
            text = f"coverage {percent:g}% is {relation} the threshold {threshold:g}%"
        else:
            text = _describe(status, output, "coverage met the threshold")
        return Outcome(
            status,
            StepSummary(text=text, coverage_percent=percent, coverage_threshold=threshold),
        )

    return parse


# relpath:line: B602[HIGH] message   (our bandit --msg-template)
_BANDIT_LINE = re.compile(
    r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<code>B\d+)\[(?P<sev>\w+)\] (?P<msg>.*)$"
)


def bandit(output: Output) -> Outcome:
    issues = [
        Issue(
            path=m["path"], line=int(m["line"]), code=m["code"], message=f"[{m['sev']}] {m['msg']}"
        )
        for m in map(_BANDIT_LINE.match, output.stdout.splitlines())
        if m
    ]
    status = _status(output, error_codes=(2,))
    if status is StepStatus.PASSED:
        text = "no security findings of medium severity or above"
    elif status is StepStatus.FAILED and issues:
        text = f"{len(issues)} security finding{'s' * (len(issues) != 1)}"
    else:
        text = _describe(status, output, "")
    return Outcome(
        status, StepSummary(text=text, findings_count=len(issues), top_findings=issues[:TOP])
    )


def openapi(output: Output) -> Outcome:
    """Our own spec validator prints JSON: {"specs": [{"file", "version", "errors": [...]}]}."""
    try:
        report = json.loads(output.stdout)
        specs = report["specs"]
    except (ValueError, KeyError, TypeError):
        return Outcome(StepStatus.ERROR, StepSummary(text=_describe(StepStatus.ERROR, output, "")))
    errors = [
        SpecError(file=spec["file"], json_path=error["json_path"], message=error["message"])
        for spec in specs
        for error in spec["errors"]
    ]
    status = StepStatus.FAILED if errors else StepStatus.PASSED
    names = ", ".join(f"{spec['file']} ({spec['version']})" for spec in specs)
    text = (
        f"{len(errors)} error{'s' * (len(errors) != 1)} in {names}" if errors else f"valid: {names}"
    )
    return Outcome(
        status,
        StepSummary(
            text=text,
            findings_count=len(errors),
            spec_errors=errors,
            top_findings=[
                Issue(path=e.file, code=e.json_path, message=e.message) for e in errors[:TOP]
            ],
        ),
    )


def check(output: Output) -> Outcome:
    """`backend-skill check --format json`: 0 clean, 1 findings, 2 usage (or no such command)."""
    if output.exit_code == 2 and "No such command" in output.combined:
        return Outcome(
            StepStatus.SKIPPED,
            StepSummary(text="this backend-skill has no check command"),
            skip_reason="this installation of backend-skill has no `check` command yet; "
            "upgrade backend-skill to run its own checks in the loop",
        )
    findings: list[dict[str, Any]] = []
    try:
        findings = _find_findings(json.loads(output.stdout))
    except ValueError:
        if output.exit_code not in (0, 1):
            return Outcome(
                StepStatus.ERROR, StepSummary(text=_describe(StepStatus.ERROR, output, ""))
            )
    issues = [_finding_issue(finding) for finding in findings]
    status = _status(output, error_codes=(2,))
    count = len(issues)
    if status is StepStatus.PASSED:
        text = "no findings from backend-skill check"
    elif status is StepStatus.FAILED:
        text = f"{count} finding{'s' * (count != 1)} from backend-skill check"
    else:
        text = _describe(status, output, "")
    return Outcome(status, StepSummary(text=text, findings_count=count, top_findings=issues[:TOP]))


def _find_findings(document: Any) -> list[dict[str, Any]]:
    """The findings list wherever the check report keeps it (top level or per file)."""
    if isinstance(document, dict):
        if isinstance(document.get("findings"), list):
            return [f for f in document["findings"] if isinstance(f, dict)]
        nested: list[dict[str, Any]] = []
        for value in document.values():
            if isinstance(value, list | dict):
                nested += _find_findings(value)
        return nested
    if isinstance(document, list):
        collected: list[dict[str, Any]] = []
        for item in document:
            collected += _find_findings(item)
        return collected
    return []


def _finding_issue(finding: dict[str, Any]) -> Issue:
    location = finding.get("location") if isinstance(finding.get("location"), dict) else {}
    line = location.get("line") if location else None
    pattern = finding.get("pattern")
    return Issue(
        message=str(finding.get("message", "")),
        path=location.get("path") if location else None,
        line=line if isinstance(line, int) else None,
        code=finding.get("rule_id") if isinstance(finding.get("rule_id"), str) else None,
        pattern=pattern if isinstance(pattern, str) else None,
    )


_TSC_LINE = re.compile(
    r"^(?P<path>[^\s(][^(]*)\((?P<line>\d+),\d+\): error (?P<code>TS\d+): (?P<msg>.*)$"
)


def tsc(output: Output) -> Outcome:
    issues = [
        Issue(path=m["path"], line=int(m["line"]), code=m["code"], message=m["msg"])
        for m in map(_TSC_LINE.match, output.stdout.splitlines())
        if m
    ]
    status = _status(output)
    text = "no type errors" if status is StepStatus.PASSED else f"{len(issues)} type errors"
    return Outcome(
        status, StepSummary(text=text, findings_count=len(issues), top_findings=issues[:TOP])
    )


def node_tests(output: Output) -> Outcome:
    """`node --test` prints `# pass N` / `# fail N`; other runners fall back to the exit code."""
    passed = re.search(r"^# pass (\d+)", output.stdout, re.MULTILINE)
    failed = re.search(r"^# fail (\d+)", output.stdout, re.MULTILINE)
    skipped = re.search(r"^# skipped (\d+)", output.stdout, re.MULTILINE)
    issues = [
        Issue(message=line.split("not ok", 1)[1].strip(" -0123456789"), code="not ok")
        for line in output.stdout.splitlines()
        if line.lstrip().startswith("not ok")
    ]
    status = _status(output)
    if passed or failed:
        text = f"{passed[1] if passed else 0} passed, {failed[1] if failed else 0} failed"
    else:
        text = _describe(status, output, "tests passed")
    return Outcome(
        status,
        StepSummary(
            text=text,
            tests_passed=int(passed[1]) if passed else None,
            tests_failed=int(failed[1]) if failed else None,
            tests_skipped=int(skipped[1]) if skipped else None,
            top_findings=issues[:TOP],
        ),
    )


# npm's words when the advisory service, not the project, is the problem.
_AUDIT_UNAVAILABLE = re.compile(
    r"audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|network"
)


def npm_audit(output: Output) -> Outcome:
    status = _status(output)
    unavailable = [line for line in output.stderr.splitlines() if _AUDIT_UNAVAILABLE.search(line)]
    if status is not StepStatus.PASSED and unavailable:
        said = " / ".join(line.strip() for line in unavailable[:2])[:300]
        reason = f"the registry's audit service could not be used ({said})"
        return Outcome(StepStatus.SKIPPED, StepSummary(text=reason), skip_reason=reason)
    found = re.search(r"found (\d+) vulnerabilit", output.combined)
    counted = re.search(r"^(\d+) (?:\w+ severity )?vulnerabilit", output.combined, re.MULTILINE)
    count = int(found[1]) if found else int(counted[1]) if counted else None
    text = last_line(output.stdout) or _describe(status, output, "no vulnerabilities")
    return Outcome(status, StepSummary(text=text, findings_count=count))


def go_test(output: Output) -> Outcome:
    coverages = [
        float(c) for c in re.findall(r"coverage: (\d+(?:\.\d+)?)% of statements", output.stdout)
    ]
    failed = re.findall(r"^--- FAIL: (\S+)", output.stdout, re.MULTILINE)
    status = _status(output)
    percent = min(coverages) if coverages else None
    text = (
        f"{len(failed)} failing tests" if failed else _describe(status, output, "go tests passed")
    )
    return Outcome(
        status,
        StepSummary(
            text=text,
            coverage_percent=percent,
            tests_failed=len(failed),
            top_findings=[Issue(message="failed", code=name) for name in failed[:TOP]],
        ),
    )


# Schemathesis summary: "❌ ST101 Server error: 1" per failing check, "10 generated, 10 passed".
_ST_FAILURE = re.compile(r"^\s*\S*\s*(?P<code>ST\d+) (?P<msg>.+?): (?P<count>\d+)\s*$")


def schemathesis(output: Output) -> Outcome:
    issues = [
        Issue(code=m["code"], message=f"{m['msg']} ({m['count']} case{'s' * (m['count'] != '1')})")
        for m in map(_ST_FAILURE.match, output.stdout.splitlines())
        if m
    ]
    cases = re.search(r"^\s*(\d+) generated, (.+)$", output.stdout, re.MULTILINE)
    status = _status(output)
    if status is StepStatus.PASSED:
        text = f"no contract violations ({cases[0].strip()})" if cases else "no contract violations"
    elif issues:
        text = f"{len(issues)} kinds of contract violation: " + ", ".join(
            f"{i.code} {i.message}" for i in issues[:3]
        )
    else:
        text = _describe(status, output, "")
    return Outcome(
        status, StepSummary(text=text, findings_count=len(issues), top_findings=issues[:TOP])
    )


def generic(output: Output) -> Outcome:
    status = _status(output)
    return Outcome(status, StepSummary(text=_describe(status, output, "passed")))
