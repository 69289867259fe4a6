#!/usr/bin/env bash
# The whole test suite: unit tests, then the real stack and the e2e tests against it, engine by
# engine as test/engines.txt says (Docker 28 runs the whole suite, the other engines a subset).
# Every engine is the stack's own (scripts/stack.sh): the machine's Docker is never used or wiped.
#
#   npm test                          the unit tests, then every engine of test/engines.txt
#   npm test -- ARGS                  the same, ARGS given to each engine's vitest run
#   STACK_ENGINE=docker20 npm test    one engine, the whole suite (test/), ARGS as above
#   STACK_ENGINES="docker28 docker20" npm test   only these lines of test/engines.txt
#   STACK_MATRIX=FILE                 another matrix file
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# The e2e tests run the bundle (dist/), as a runner does: built from src/ first, never stale.
npm run --silent build >/dev/null
npx vitest run __tests__

MATRIX=${STACK_MATRIX:-test/engines.txt}
declare -a engines=() files=()
if [[ -n ${STACK_ENGINE:-} ]]; then
  engines=("$STACK_ENGINE")
  files=("test/")
else
  while read -r engine list; do
    [[ -z $engine || $engine == \#* ]] && continue
    if [[ -n ${STACK_ENGINES:-} && " $STACK_ENGINES " != *" $engine "* ]]; then continue; fi
    [[ -n $list ]] || { echo "[test] $MATRIX: engine $engine lists no files" >&2; exit 2; }
    engines+=("$engine")
    files+=("$list")
  done <"$MATRIX"
  ((${#engines[@]})) || { echo "[test] $MATRIX: no engine to run${STACK_ENGINES:+ among: $STACK_ENGINES}" >&2; exit 2; }
fi

declare -a summary=()
failed=0
for i in "${!engines[@]}"; do
  engine=${engines[$i]}
  read -r -a list <<<"${files[$i]}"
  echo "[test] === $engine: ${list[*]}" >&2
  start=$SECONDS
  rc=0
  # The e2e project's global setup brings the engine's stack up before the first file.
  STACK_ENGINE=$engine npx vitest run "${list[@]}" "$@" || rc=$?
  ((rc == 0)) || failed=1
  summary+=("$(printf '%-20s %s in %ds: %s' "$engine" "$( ((rc == 0)) && echo passed || echo "FAILED (exit $rc)")" $((SECONDS - start)) "${list[*]}")")
done
echo "[test] engines:" >&2
printf '[test]   %s\n' "${summary[@]}" >&2
exit "$failed"
