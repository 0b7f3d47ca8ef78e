#!/usr/bin/env bash
# The quickstart's main job, on the bundled example service.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
echo "== What do the practices say about idempotency keys? (backend-skill search)"
"$bin/backend-skill" search "idempotency key replay" --limit 3
echo
echo "== The section itself (backend-skill pattern)"
"$bin/backend-skill" pattern "api-design-patterns#idempotency-keys" | head -n 40
echo
echo "== Check the example service against the practices (backend-skill check)"
# The example carries deliberate flaws (marked '# deliberate flaw: <rule>'), so the check
# exits 1; report that instead of failing the quickstart.
status=0
"$bin/backend-skill" check examples/orders-service --no-cache || status=$?
if [ "$status" -eq 1 ]; then
  echo "(exit 1: findings reported, as expected for the example's deliberate flaws)"
elif [ "$status" -ne 0 ]; then
  echo "backend-skill check failed with exit $status" >&2
  exit "$status"
fi

if [ -d examples/orders-service ]; then
  echo
  echo "== Does the example service pass the validation loop? (backend-skill validate)"
  # Exit 1 means a required step failed (the report names the one to fix first); the tools it
  # runs are the example's own, so a step whose tool is not installed is skipped, not failed.
  "$bin/backend-skill" validate examples/orders-service ||
    echo "(backend-skill validate exited $?)"
fi
