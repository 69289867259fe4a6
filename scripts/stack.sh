#!/usr/bin/env bash
# The proof stack: a local Docker engine, a registry, a Go module proxy and the
# base images, so the action can be tested and demonstrated on one machine with
# no container registry or GitHub reachable.
#
#   bash scripts/stack.sh up           install what is missing, start what is not running
#   bash scripts/stack.sh env          print `export ...` lines: eval "$(bash scripts/stack.sh env)"
#   bash scripts/stack.sh wipe-runner  make local Docker state like a fresh CI runner's
#   bash scripts/stack.sh down         stop what `up` started
#   bash scripts/stack.sh status
#
# Every subcommand is idempotent: what is already there is left alone, fast.
# State lives in $STACK_DIR (default .stack/ at the repo root, gitignored):
#   bin/docker -> /usr/bin/docker   the Debian 20.10 client, which does BuildKit builds
#                                   without the buildx plugin (the Docker 28 client in
#                                   /usr/local/bin refuses them)
#   run/*.pid  logs/*.log           daemons started by `up`
#   registry/                       registry config and storage
#   gomodcache-seed/                GOMODCACHE filled from the fixtures; its cache/download
#                                   is what the module proxy serves
#
# Ports: STACK_REGISTRY_PORT (5000), STACK_GOPROXY_PORT (3111), both on 127.0.0.1.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${STACK_DIR:-$REPO_ROOT/.stack}
mkdir -p "$STACK_DIR"
STACK_DIR=$(cd "$STACK_DIR" && pwd)

REGISTRY_PORT=${STACK_REGISTRY_PORT:-5000}
GOPROXY_PORT=${STACK_GOPROXY_PORT:-3111}
REGISTRY_ADDR=127.0.0.1:$REGISTRY_PORT
GOPROXY_URL=http://127.0.0.1:$GOPROXY_PORT

BIN_DIR=$STACK_DIR/bin
RUN_DIR=$STACK_DIR/run
LOG_DIR=$STACK_DIR/logs
SEED_DIR=$STACK_DIR/gomodcache-seed
IMAGES_DIR=$STACK_DIR/images

DOCKER=/usr/bin/docker # the Debian client, whatever else is on PATH
CONTAINERD_SOCK=/run/containerd/containerd.sock
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}

PACKAGES=(docker.io docker-registry busybox-static curl)

# PATH inside the Go base image; also the order the official golang image uses.
IMAGE_PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] error: %s\n' "$*" >&2
  exit 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Runs "$@" and logs how long it took: the point of the stack is speed, so the
# cost of each part of `up` should be visible.
timed() {
  local name=$1 start
  shift
  start=$(now)
  "$@"
  log "$name: $(since "$start")"
}

# wait_until DESCRIPTION SECONDS LOGFILE CMD...: poll CMD every 0.2s; on timeout
# show the end of the daemon's log, which says why far better than we can.
wait_until() {
  local desc=$1 seconds=$2 logfile=$3
  shift 3
  local tries=$((seconds * 5))
  while ((tries-- > 0)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  [[ -f $logfile ]] && tail -n 20 "$logfile" >&2
  die "$desc not ready after ${seconds}s (log: $logfile)"
}

# --- daemons ------------------------------------------------------------------

# The program each daemon runs: a pid file that outlived a reboot may name a
# pid now used by something else, which must not be reported or killed as ours.
daemon_program() {
  case $1 in
    registry) echo docker-registry ;;
    modproxy) echo modproxy.mjs ;;
    *) echo "$1" ;;
  esac
}

pid_alive() {
  local pidfile=$RUN_DIR/$1.pid pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  local program arg args=()
  program=$(daemon_program "$1")
  mapfile -d '' args <"/proc/$pid/cmdline" 2>/dev/null || return 1
  for arg in "${args[@]}"; do
    [[ ${arg##*/} == "$program" ]] && return 0
  done
  return 1
}

# start_daemon NAME CMD...: detached from this shell's session (so the daemon
# outlives the caller and its job-control signals), stdin closed, output to
# logs/NAME.log. The inner shell writes its own pid and then execs, so the pid
# file holds the daemon's pid whether or not setsid had to fork.
start_daemon() {
  local name=$1
  shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" \
    </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  # The pid file appears a moment later; wait for it so callers can rely on it.
  local tries=50
  while ((tries-- > 0)) && [[ ! -s $RUN_DIR/$name.pid ]]; do sleep 0.1; done
  log "$name: started (pid $(cat "$RUN_DIR/$name.pid" 2>/dev/null || echo '?'), log $LOG_DIR/$name.log)"
}

stop_daemon() {
  local name=$1 pidfile=$RUN_DIR/$1.pid pid
  if ! pid_alive "$name"; then
    [[ -f $pidfile ]] && rm -f "$pidfile"
    log "$name: not started by this stack"
    return 0
  fi
  pid=$(<"$pidfile")
  kill -TERM "$pid"
  # dockerd stops its containers first, which can take a while.
  local tries=150
  while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: still running after 30s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "$name: stopped (pid $pid)"
}

# --- packages -----------------------------------------------------------------

pkg_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == 'install ok installed' ]]
}

ensure_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  # Without cgroups mounted dockerd cannot start containers; Debian's answer is
  # cgroupfs-mount, only needed where nothing mounted them at boot.
  if ! cgroups_mounted && ! pkg_installed cgroupfs-mount; then
    missing+=(cgroupfs-mount)
  fi
  if ((${#missing[@]} == 0)); then
    log "packages: all present"
    return 0
  fi
  log "packages: installing ${missing[*]}"
  [[ $(id -u) == 0 ]] || die "installing packages needs root"

  # Keep the packages' init scripts from starting their own dockerd and a
  # registry on :5000 (with Debian's auth config): this script owns those.
  local guard=/usr/sbin/policy-rc.d created_guard=""
  if [[ ! -e $guard ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    created_guard=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >&2 || rc=$?
  [[ -n $created_guard ]] && rm -f "$guard"
  ((rc == 0)) || die "apt-get failed (exit $rc)"
}

# --- docker engine ------------------------------------------------------------

ensure_client_link() {
  mkdir -p "$BIN_DIR"
  [[ -x $DOCKER ]] || return 0
  if [[ $(readlink "$BIN_DIR/docker" 2>/dev/null) != "$DOCKER" ]]; then
    ln -sfn "$DOCKER" "$BIN_DIR/docker"
  fi
}

docker_answers() {
  timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

containerd_answers() {
  timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1
}

cgroups_mounted() {
  [[ -n $(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 2>/dev/null | head -n 1) ]]
}

ensure_docker() {
  if docker_answers; then
    log "docker: already answering (engine $("$DOCKER" version --format '{{.Server.Version}}'))"
    return 0
  fi
  if ! cgroups_mounted && command -v cgroupfs-mount >/dev/null; then
    cgroupfs-mount
  fi
  if containerd_answers; then
    log "containerd: already answering"
  else
    start_daemon containerd containerd
    wait_until containerd 30 "$LOG_DIR/containerd.log" containerd_answers
  fi
  # No bridge, no iptables: builds and test containers use --network=host, and
  # a VM without netfilter modules would otherwise refuse to start dockerd.
  start_daemon dockerd dockerd --bridge=none --iptables=false --ip-masq=false \
    --containerd="$CONTAINERD_SOCK"
  wait_until dockerd 60 "$LOG_DIR/dockerd.log" docker_answers
}

# --- registry -----------------------------------------------------------------

# 0: a registry answers /v2/ with 200; 1: nothing listens; 2: something else does.
registry_state() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$REGISTRY_ADDR/v2/") || true
  case $code in
    200) return 0 ;;
    000 | "") return 1 ;;
    *) return 2 ;;
  esac
}

registry_answers() { registry_state; }

ensure_registry() {
  local state=0
  registry_state || state=$?
  case $state in
    0)
      log "registry: already answering on $REGISTRY_ADDR"
      return 0
      ;;
    2) die "something on $REGISTRY_ADDR answers /v2/ but not as an open registry (Debian's docker-registry service with its auth config?); stop it or set STACK_REGISTRY_PORT" ;;
  esac
  local dir=$STACK_DIR/registry
  mkdir -p "$dir/data"
  # Delete enabled so tests can remove tags and cache refs between runs.
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  start_daemon registry docker-registry serve "$dir/config.yml"
  wait_until registry 30 "$LOG_DIR/registry.log" registry_answers
}

# HEAD on a manifest; both media types, since docker push writes the Docker one.
registry_has() {
  local name=$1 tag=$2
  curl -fsS -o /dev/null -I --max-time 5 \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://$REGISTRY_ADDR/v2/$name/manifests/$tag" 2>/dev/null
}

# --- Go module proxy ----------------------------------------------------------

fixture_dirs() {
  local mod
  for mod in "$REPO_ROOT"/test/fixtures/*/go.mod; do
    [[ -f $mod ]] && dirname "$mod"
  done
}

# Fills $SEED_DIR from the real module proxy (the machine's own GOPROXY) with
# everything the fixtures need to build and test. A stamp keyed by go.mod and
# go.sum skips fixtures already seeded; a changed go.sum seeds again.
seed_modules() {
  mkdir -p "$SEED_DIR/.stamps"
  local dir name stamp
  while read -r dir; do
    name=$(basename "$dir")
    stamp=$SEED_DIR/.stamps/$name-$(cat "$dir/go.mod" "$dir/go.sum" 2>/dev/null | sha256sum | cut -c1-16)
    if [[ -f $stamp ]]; then
      log "modules: $name already seeded"
      continue
    fi
    log "modules: seeding $name"
    (
      cd "$dir"
      export GOMODCACHE=$SEED_DIR GOFLAGS=-modcacherw GOTOOLCHAIN=local
      "$GO" mod download
      # Test-only dependencies too, so `go test` works through the proxy.
      "$GO" list -deps -test ./... >/dev/null
    )
    rm -f "$SEED_DIR/.stamps/$name-"*
    touch "$stamp"
  done < <(fixture_dirs)
}

modproxy_answers() {
  curl -fsS -o /dev/null --max-time 3 "$GOPROXY_URL/_stats" 2>/dev/null
}

ensure_modproxy() {
  if modproxy_answers; then
    log "modproxy: already answering on $GOPROXY_URL"
    return 0
  fi
  mkdir -p "$SEED_DIR/cache/download"
  start_daemon modproxy node "$REPO_ROOT/scripts/modproxy.mjs" \
    --dir "$SEED_DIR/cache/download" --host 127.0.0.1 --port "$GOPROXY_PORT"
  wait_until modproxy 15 "$LOG_DIR/modproxy.log" modproxy_answers
}

# --- base images ----------------------------------------------------------------

go_minor() {
  "$GO" env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/'
}

# Files both base images share: busybox as /bin/sh and the usual applets,
# /tmp, accounts, CA certificates. The applet links are made here on the host
# (as `busybox --install -s` would inside), so the image needs no setup run.
populate_common_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/ssl/certs,tmp,root}
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  install -m 755 /bin/busybox "$root/bin/busybox"
  while read -r applet; do
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
  done < <(/bin/busybox --list-full)
  if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
    install -m 644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  fi
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
  mkdir -p "$root/home/nonroot"
  chown -R 0:0 "$root"
  chown 65532:65532 "$root/home/nonroot"
}

# Sorted entries, one mtime, numeric owners: the same tree gives the same
# tarball, so the layer (diff id) is the same wherever Go and busybox match.
make_tarball() {
  local root=$1 out=$2
  tar --sort=name --mtime=@0 --numeric-owner --format=gnu -C "$root" -cf "$out" .
}

build_go_rootfs() {
  local root=$1 goroot
  goroot=$("$GO" env GOROOT)
  populate_common_rootfs "$root"
  mkdir -p "$root/usr/local/go"
  # test/ and doc/ are not needed to build; the rest (src, pkg/tool) is.
  tar -C "$goroot" --exclude=./test --exclude=./doc -cf - . | tar -C "$root/usr/local/go" -xf -
  chown -R 0:0 "$root/usr/local/go"
  # Like the official image: GOPATH writable for any user.
  mkdir -p "$root/go/bin" "$root/go/src" "$root/go/pkg"
  chmod -R 1777 "$root/go"
}

build_runtime_rootfs() {
  populate_common_rootfs "$1"
}

# import_and_push NAME TAGS BUILD_FN VERIFY_CMD CHANGE...: skip when every tag is
# in the registry; otherwise build the rootfs, docker import it (nothing can be
# pulled here), check it runs, push all tags.
import_and_push() {
  local name=$1 tags=$2 build_fn=$3 verify=$4
  shift 4
  local tag missing=()
  for tag in $tags; do
    registry_has "$name" "$tag" || missing+=("$tag")
  done
  if ((${#missing[@]} == 0)); then
    log "image $REGISTRY_ADDR/$name: $tags already in the registry"
    return 0
  fi

  local work=$IMAGES_DIR/${name//\//_} ref first
  rm -rf "$work"
  mkdir -p "$work/rootfs"
  "$build_fn" "$work/rootfs"
  make_tarball "$work/rootfs" "$work/rootfs.tar"

  local changes=() change
  for change in "$@"; do changes+=(--change "$change"); done
  first=${tags%% *}
  ref=$REGISTRY_ADDR/$name:$first
  "$DOCKER" import "${changes[@]}" "$work/rootfs.tar" "$ref" >/dev/null
  if ! "$DOCKER" run --rm --network=none "$ref" sh -c "$verify" >&2; then
    die "image $ref does not work (is the Go at $("$GO" env GOROOT) statically linked?)"
  fi
  for tag in $tags; do
    [[ $tag == "$first" ]] || "$DOCKER" tag "$ref" "$REGISTRY_ADDR/$name:$tag"
    "$DOCKER" push -q "$REGISTRY_ADDR/$name:$tag" >/dev/null
  done
  rm -rf "$work"
  log "image $REGISTRY_ADDR/$name: pushed $tags ($("$DOCKER" image inspect -f '{{.Id}}' "$ref" | cut -c1-19))"
}

ensure_base_images() {
  [[ -x /bin/busybox ]] || die "/bin/busybox missing (package busybox-static)"
  local minor
  minor=$(go_minor)
  import_and_push base/go "$minor latest" build_go_rootfs \
    'go version && go env GOROOT GOPATH >/dev/null' \
    "ENV PATH=$IMAGE_PATH" \
    'ENV GOROOT=/usr/local/go' \
    'ENV GOPATH=/go' \
    'ENV GOTOOLCHAIN=local' \
    'ENV GOSUMDB=off' \
    'ENV GOFLAGS=-buildvcs=false' \
    'WORKDIR /go' \
    'CMD ["/bin/sh"]'
  # No ENTRYPOINT or CMD: the service image sets its own.
  import_and_push base/runtime latest build_runtime_rootfs \
    'id nonroot >/dev/null && test -d /tmp' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
}

# --- subcommands ----------------------------------------------------------------

cmd_up() {
  local start
  start=$(now)
  timed packages ensure_packages
  ensure_client_link
  timed docker ensure_docker
  timed registry ensure_registry
  timed modules seed_modules
  timed modproxy ensure_modproxy
  timed base-images ensure_base_images
  log "up: done in $(since "$start"); use: eval \"\$(bash scripts/stack.sh env)\""
}

cmd_env() {
  # The link is what makes `docker` the BuildKit-capable client; cheap to ensure.
  ensure_client_link
  local path=":$PATH:"
  path=${path//":$BIN_DIR:"/:}
  path=${path#:}
  path=${path%:}
  printf 'export STACK_DIR=%q\n' "$STACK_DIR"
  printf 'export PATH=%q\n' "$BIN_DIR:$path"
  printf 'export DOCKER_BUILDKIT=1\n'
  printf 'export STACK_REGISTRY=%q\n' "$REGISTRY_ADDR"
  printf 'export STACK_GOPROXY=%q\n' "$GOPROXY_URL"
}

cmd_wipe_runner() {
  docker_answers || die "docker does not answer; run: bash scripts/stack.sh up"
  local start ids
  start=$(now)
  ids=$("$DOCKER" ps -aq)
  # shellcheck disable=SC2086 # one id per word
  [[ -z $ids ]] || "$DOCKER" rm -f $ids >/dev/null
  ids=$("$DOCKER" images -aq | sort -u)
  # shellcheck disable=SC2086
  [[ -z $ids ]] || "$DOCKER" rmi -f $ids >/dev/null 2>&1 || true
  "$DOCKER" builder prune -af >/dev/null
  "$DOCKER" system prune -af --volumes >/dev/null
  local left
  left=$("$DOCKER" images -aq | wc -l)
  ((left == 0)) || die "wipe-runner: $left images left"
  log "wipe-runner: no containers, images, volumes or build cache left ($(since "$start")); registry and module proxy untouched"
}

cmd_down() {
  stop_daemon modproxy
  stop_daemon registry
  stop_daemon dockerd
  stop_daemon containerd
}

cmd_status() {
  local name
  if docker_answers; then
    echo "docker:    engine $("$DOCKER" version --format '{{.Server.Version}}'), client $DOCKER"
  else
    echo "docker:    not answering"
  fi
  if registry_answers; then
    echo "registry:  http://$REGISTRY_ADDR $(curl -fsS --max-time 3 "http://$REGISTRY_ADDR/v2/_catalog" | tr -d '\n')"
  else
    echo "registry:  not answering on $REGISTRY_ADDR"
  fi
  if modproxy_answers; then
    local stats
    stats=$(curl -fsS --max-time 3 "$GOPROXY_URL/_stats")
    stats=$(sed -E 's/.*"total":([0-9]+),"notFound":([0-9]+).*/\1 module requests, \2 not found/' <<<"$stats")
    echo "modproxy:  $GOPROXY_URL $stats"
  else
    echo "modproxy:  not answering on $GOPROXY_URL"
  fi
  local minor
  minor=$(go_minor 2>/dev/null || echo '?')
  for name in "base/go:$minor" base/go:latest base/runtime:latest; do
    if registry_has "${name%%:*}" "${name#*:}"; then echo "image:     $REGISTRY_ADDR/$name"; else echo "image:     $REGISTRY_ADDR/$name MISSING"; fi
  done
  for name in containerd dockerd registry modproxy; do
    if pid_alive "$name"; then echo "started:   $name (pid $(<"$RUN_DIR/$name.pid"))"; fi
  done
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  case ${1:-} in
    up) cmd_up ;;
    env) cmd_env ;;
    wipe-runner) cmd_wipe_runner ;;
    down) cmd_down ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
