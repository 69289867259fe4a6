#!/usr/bin/env bash
# A rootful standalone buildkitd for the e2e stack, on a unix socket under
# .stack/, talking plain http to the loopback registry.
#
#   scripts/buildkitd.sh up|down|status|addr
#
# up is idempotent: a live daemon that answers `buildctl debug workers` is
# left alone. Then: docker buildx create --name cib-remote --driver remote \
#   "$(scripts/buildkitd.sh addr)"
#
# Env: STACK_DIR (default .stack), BUILDKITD_DIR (default $STACK_DIR/buildkitd), TOOLS_DIR (default
# $STACK_DIR/tools/bin, where scripts/install-tools.sh puts buildkitd/buildctl),
# RUNC (default: bookworm's, as scripts/stack.sh unpacks it; else runc on PATH),
# REGISTRY (plain-http registries, space-separated; default 127.0.0.1:5000),
# BUILDKITD_WAIT (readiness seconds, default 30).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${STACK_DIR:-$ROOT/.stack}
TOOLS_DIR=${TOOLS_DIR:-$STACK_DIR/tools/bin}
DIR=${BUILDKITD_DIR:-$STACK_DIR/buildkitd}
REGISTRY=${REGISTRY:-127.0.0.1:5000}
WAIT=${BUILDKITD_WAIT:-30}
SOCK=$DIR/buildkitd.sock
ADDR=unix://$SOCK
PIDFILE=$DIR/buildkitd.pid
LOG=$DIR/buildkitd.log
CONFIG=$DIR/buildkitd.toml
RUNC=${RUNC:-$STACK_DIR/bookworm/root/usr/sbin/runc}
[[ -x $RUNC ]] || RUNC=$(command -v runc || echo runc)

log() { printf '[buildkitd] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

tool() {
  if [[ -x $TOOLS_DIR/$1 ]]; then echo "$TOOLS_DIR/$1"
  elif command -v "$1" >/dev/null; then command -v "$1"
  else die "$1 not found: run scripts/install-tools.sh buildkit"; fi
}

# The pid of our live buildkitd, if any. A zombie (killed, not yet reaped by
# whoever inherited it) counts as gone.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $stat == *"(buildkitd) "* && ${stat#*) } != Z* ]]
}

pid() {
  local p
  [[ -f $PIDFILE ]] && p=$(<"$PIDFILE") && [[ -n $p ]] && alive "$p" && echo "$p"
}

ready() { "$(tool buildctl)" --addr "$ADDR" debug workers >/dev/null 2>&1; }

write_config() {
  # Rewritten on each up so a changed REGISTRY takes effect on restart.
  cat >"$CONFIG" <<EOF
root = "$DIR/root"
# same as --allow-insecure-entitlement network.host
insecure-entitlements = ["network.host"]

[grpc]
  address = ["$ADDR"]

[worker.oci]
  enabled = true
  binary = "$RUNC"
  # No CNI here: builds share the host network, so RUN steps can reach
  # services on the loopback (module proxy, registry).
  networkMode = "host"
  gc = true

[worker.containerd]
  enabled = false
EOF
  local r
  for r in $REGISTRY; do
    printf '\n[registry."%s"]\n  http = true\n  insecure = true\n' "$r" >>"$CONFIG"
  done
}

up() {
  [[ $(id -u) == 0 ]] || die "rootful buildkitd needs root"
  [[ -x $RUNC ]] || die "runc not found: run scripts/stack.sh up (it unpacks bookworm's), or set RUNC"
  local p
  if p=$(pid); then
    if ready; then log "already up (pid $p, $ADDR)"; return 0; fi
    log "pid $p is not answering; restarting"
    down
  fi
  mkdir -p "$DIR/root"
  rm -f "$SOCK"
  write_config
  local bk; bk=$(tool buildkitd)
  # setsid: own session so the daemon outlives the calling shell/step; not in a test run's TMPDIR,
  # which goes when the run ends.
  env -u TMPDIR setsid "$bk" --config "$CONFIG" </dev/null >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  local deadline=$((SECONDS + WAIT))
  until ready; do
    if ! pid >/dev/null; then
      tail -n 20 "$LOG" >&2 || true
      rm -f "$PIDFILE"
      die "buildkitd exited during startup (log: $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$LOG" >&2 || true
      die "buildkitd not ready after ${WAIT}s (log: $LOG)"
    fi
    sleep 0.2
  done
  log "up (pid $(<"$PIDFILE"), $ADDR)"
}

down() {
  local p i
  if p=$(pid); then
    kill -TERM "$p"
    for ((i = 0; i < 100; i++)); do alive "$p" || break; sleep 0.1; done
    if alive "$p"; then log "pid $p ignored TERM; killing"; kill -KILL "$p" || true; fi
    log "down (was pid $p)"
  else
    log "not running"
  fi
  rm -f "$PIDFILE" "$SOCK"
}

status() {
  local p
  if p=$(pid) && ready; then
    log "up (pid $p, $ADDR)"
    "$(tool buildctl)" --addr "$ADDR" debug workers
  elif p=$(pid); then
    log "pid $p running but not answering on $ADDR"; return 1
  else
    log "not running"; return 3
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  addr) echo "$ADDR" ;;
  *) echo "usage: $0 up|down|status|addr" >&2; exit 2 ;;
esac
