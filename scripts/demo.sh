#!/usr/bin/env bash
# npm run demo: install what is missing, bring the stack up, run the action on the example service.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node_modules/.bin/tsx scripts/demo.ts "$@"
