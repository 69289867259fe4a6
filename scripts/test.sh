#!/usr/bin/env bash
# The whole test suite: unit tests, then the real stack and the e2e tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npx vitest run __tests__
bash scripts/stack.sh up
npx vitest run test/ "$@"
