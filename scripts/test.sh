#!/usr/bin/env bash
# The test suite: the unit tests and the e2e suite on the default engine (`npm test`), and the other
# engines' legs (`npm run test:engines`), as test/engines.txt lists them: its first engine line is
# the default engine, the others run their subsets. Every engine is the stack's own
# (scripts/stack.sh): the machine's Docker is never used or wiped.
#
#   npm test                          the unit tests, then the first engine of test/engines.txt
#   npm run test:engines              every other engine of test/engines.txt, each its own files
#   npm test -- ARGS                  ARGS given to each engine's vitest run (test:engines too)
#   STACK_ENGINE=docker20 npm test    the unit tests, then that engine with the whole suite (test/)
#   STACK_ENGINES="docker29 docker20" npm run test:engines   only these lines of test/engines.txt
#   STACK_MATRIX=FILE                 another matrix file
#   STACK_LANES=N                     each engine's files N at a time (default 2), each lane on an
#                                     engine of its own of that kind (docker28, docker28-lane2): one
#                                     file compiles while another waits on the registry, a push or a
#                                     time limit
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-default}
case $MODE in
  default | engines) shift || true ;;
  *) MODE=default ;;
esac
[ -d node_modules ] || npm ci --no-audit --no-fund
# The e2e tests run the bundle (dist/), as a runner does: built from src/ first, never stale.
npm run --silent build >/dev/null
[[ $MODE == engines ]] || npx vitest run __tests__

MATRIX=${STACK_MATRIX:-test/engines.txt}
declare -a engines=() files=()
if [[ $MODE == default && -n ${STACK_ENGINE:-} ]]; then
  engines=("$STACK_ENGINE")
  files=("test/")
else
  first=1
  while read -r engine list; do
    [[ -z $engine || $engine == \#* ]] && continue
    # The first line is the default engine's (npm test); the rest are the engines' legs.
    if ((first)); then
      first=0
      [[ $MODE == default ]] || continue
    elif [[ $MODE == default ]]; then
      break
    fi
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
  # The e2e project's global setup brings the engine's stack up (and its lanes') before the first file.
  lanes=${STACK_LANES:-2}
  # A machine's own 20.10, named by the user, has no second of its kind: one lane.
  [[ $engine != docker20 || -z ${STACK_DOCKER20_HOST:-} ]] || lanes=1
  STACK_ENGINE=$engine STACK_LANES=$lanes npx vitest run "${list[@]}" "$@" || rc=$?
  ((rc == 0)) || failed=1
  summary+=("$(printf '%-20s %s in %ds (%d lane%s): %s' "$engine" "$( ((rc == 0)) && echo passed || echo "FAILED (exit $rc)")" $((SECONDS - start)) "$lanes" "$( ((lanes == 1)) || echo s)" "${list[*]}")")
done
echo "[test] engines:" >&2
printf '[test]   %s\n' "${summary[@]}" >&2
exit "$failed"
