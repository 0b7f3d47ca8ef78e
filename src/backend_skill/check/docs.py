"""Rule documentation generated from the rules' own metadata (`docs/rules.md`, `rule ID`).

Regenerate the page with `python -m backend_skill.check.docs docs/rules.md`; a test fails when
it is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from backend_skill.check.api import explain_rule, list_rules
from backend_skill.check.models import RuleDoc
from backend_skill.check.sarif import help_uri


def rule_markdown(doc: RuleDoc, level: int = 1) -> str:
    h = "#" * level
    cwe = ", ".join(f"CWE-{c}" for c in doc.cwe) or "none"
    lines = [
        f"{h} {doc.id} {doc.name}",
        "",
        f"{doc.summary}",
        "",
        f"- Area: {doc.area}; severity: {doc.severity.value}; confidence: {doc.confidence.value}; "
        f"CWE: {cwe}; kind: {doc.kind}",
        f"- Practice: `{doc.pattern}` ({doc.pattern_uri})",
        f"- Fix: {doc.fix}" if doc.fix else "- Fix: none (needs a human decision)",
        "",
        f"{h}# Why is this bad?",
        "",
        doc.why,
        "",
        f"{h}# Use instead",
        "",
        doc.instead,
        "",
        f"{h}# Examples",
        "",
    ]
    fence = "python" if doc.kind == "python" else ""
    for example in doc.examples:
        label = "Flagged" if example.kind == "invalid" else "Fine"
        name = "" if example.filename == "example.py" else f" (`{example.filename}`)"
        lines += [f"{label}{name}:", "", f"```{fence}", example.code.rstrip("\n"), "```", ""]
        if example.fixed is not None:
            lines += ["After the fix:", "", f"```{fence}", example.fixed.rstrip("\n"), "```", ""]
    return "\n".join(lines)


def rules_page() -> str:
    rules = list_rules().rules
    lines = [
        "# backend-skill check: rules",
        "",
        "Generated from the rules' metadata by",
        "`python -m backend_skill.check.docs docs/rules.md`; do not edit by hand.",
        "`backend-skill rules` lists them, `backend-skill rule ID` explains one.",
        "",
        "| id | name | severity | fix | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        anchor = f"{rule.id}-{rule.name}".lower()
        lines.append(
            f"| [{rule.id}](#{anchor}) | {rule.name} | {rule.severity.value} | "
            f"{'yes' if rule.fixable else ''} | {rule.summary.replace('|', '/')} |"
        )
    lines.append("")
    for rule in rules:
        doc = explain_rule(rule.id)
        lines.append(rule_markdown(doc, level=2))
        lines.append(f"Reference: [{rule.pattern}]({help_uri_for(rule.id)})")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def help_uri_for(rule_id: str) -> str:
    from backend_skill.check.registry import get_rule

    return help_uri(get_rule(rule_id))


def main(argv: list[str]) -> int:
    text = rules_page()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
