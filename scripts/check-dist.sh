#!/usr/bin/env bash
# Rebuild dist/ and fail when it differs from what is committed: the action runs what is in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build >/dev/null
if ! git diff --quiet -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ is out of date with src/: run 'npm run build' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ matches src/"
