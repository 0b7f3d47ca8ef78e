#!/usr/bin/env bash
# What the test suite needs beyond the Python packages: system servers and tools (Debian
# packages) and Node packages. Each step is skipped when already present, so reruns are cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# (capabilities add their system packages here, e.g. redis-server)
# validate: the Node fixture projects run `npm run lint`, `npm test` and `npm audit`.
command -v node >/dev/null && command -v npm >/dev/null || need_apt+=(nodejs npm)
command -v redis-server >/dev/null || need_apt+=(redis-server)  # generate: Redis store variants
command -v go >/dev/null || need_apt+=(golang-go)  # generate: Go snippets (go test)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "note: missing ${need_apt[*]}; tests that need them will be skipped" >&2
  fi
fi

# The MCP Inspector CLI (tests/clients talks to our server through it): pinned by its lock file.
if command -v npm >/dev/null; then
  if [ ! -d tests/clients/inspector/node_modules/@modelcontextprotocol/inspector ]; then
    npm ci --prefix tests/clients/inspector --no-audit --no-fund >/dev/null
  fi
else
  echo "note: node/npm missing; the MCP Inspector tests will be skipped" >&2
fi

# generate: the npm packages the Express snippets are tested against (locked in package-lock.json).
if command -v npm >/dev/null && [ ! -f tests/generate/express/node_modules/.package-lock.json ]; then
  (cd tests/generate/express && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
