"""The texts of the MCP prompts, kept apart from the server so the CLI and tests can use them."""

from __future__ import annotations

from backend_skill.knowledge import get_pattern


def review_backend_code(target: str) -> str:
    return f"""\
Review {target} as a senior backend engineer, against the practices of the
developing-backend-services skill.

1. Read the change first. For every practice area it touches (API shape, auth, config, database,
   observability, resilience, security, tests), read the section that governs it:
   get_pattern('api-design-patterns#error-envelope'), get_pattern('idempotency'), or
   search_patterns('<keywords>') when unsure where it lives.
2. Judge the change against those sections, not against taste: every finding names the
   section it comes from (document#anchor), the file and line, what is wrong, and the fix.
3. Order findings by severity: security and data loss first, then correctness under failure
   (timeouts, retries, idempotency, transactions), then API contract, then observability.
4. Propose the smallest change that fixes each finding; where a whole middleware is missing,
   say which one and for which framework rather than writing it ad hoc.
5. End with a verdict: approve, approve with nits, or request changes, and the one thing to fix
   first.
"""


def new_service_checklist(service: str, framework: str) -> str:
    workflow = get_pattern("SKILL#new-service-workflow").content
    stack = f" on {framework}" if framework else ""
    return f"""\
Plan and build {service}{stack} following the developing-backend-services skill.

Work through this checklist in order; tick an item only when it is done and tested:

{workflow}
For each item, read the matching section with get_pattern before writing code, and keep the
decisions the documents make: the error envelope, the page shape, the health endpoints, the
webhook signature scheme and retry schedule.
"""
