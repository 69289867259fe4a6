#!/usr/bin/env bash
# The proof stack: local Docker engines, a registry, a Go module proxy and the
# base images, so the action can be tested and demonstrated on one machine with
# no container registry or GitHub reachable.
#
#   bash scripts/stack.sh up           install what is missing, start what is not running (the chosen engine):
#                                      what the action's main job needs (engine, registry, module proxy, base images)
#   bash scripts/stack.sh up-tests     up, then what the tests need besides: the pinned tools (buildx, buildkitd,
#                                      act, the Dockerfile frontend), BuildKit's images, a standalone buildkitd
#   bash scripts/stack.sh up-all       up-tests for every engine
#   bash scripts/stack.sh env          print `export ...` lines: eval "$(bash scripts/stack.sh env)"
#   bash scripts/stack.sh wipe-runner  make the chosen engine's local state like a fresh CI runner's
#   bash scripts/stack.sh status       the chosen engine in detail, a line for each of the others
#   bash scripts/stack.sh down         stop the chosen engine's daemons (what `up` started)
#   bash scripts/stack.sh down-all     stop every engine, the registry, the module proxy and the buildkitd
#
# The engine is chosen by STACK_ENGINE:
#   docker28            (default) Debian sid's docker.io 28.5.2 + containerd 2.1.9, classic image
#                       store, as on GitHub's ubuntu-24.04 runners; socket $STACK_ENGINES_DIR/docker28/docker.sock
#   docker28-containerd the same packages, containerd image store (daemon.json
#                       features.containerd-snapshotter); socket $STACK_ENGINES_DIR/docker28-containerd/docker.sock
#   docker20            Debian bookworm's docker.io 20.10 + containerd 1.6, classic store (the old-engine
#                       leg); socket $STACK_ENGINES_DIR/docker20/docker.sock
#   docker29            Docker 29 as on GitHub's ubuntu-26.04 runners: dockerd built from the Go module
#                       github.com/moby/moby/v2 (v2.0.0-beta.24, Docker 29.8.x), the CLI from
#                       github.com/docker/cli v29.8.1 and runc v1.4.4 (Docker 29 asks for a time
#                       namespace, new in runc 1.2) from github.com/opencontainers/runc
#                       (scripts/install-tools.sh docker29, ~4 min cold), the pinned buildx,
#                       sid's containerd; the image store Docker 29 picks by
#                       itself on a fresh data root (containerd); socket $STACK_ENGINES_DIR/docker29/docker.sock
# Every engine is the stack's own: its own socket, data root, exec root, pid file, log and
# containerd (own socket and root), beside whatever engine the machine runs, which the stack never
# starts, stops, reads or wipes. The packages are fetched with `apt-get download` through source
# lists of the stack's own (sid's for Docker 28, bookworm's for 20.10, runc, the registry and
# busybox) and unpacked with `dpkg -x` into $STACK_DIR/{sid,bookworm}/root: nothing is installed
# into the system (but curl and pkg-config, when missing). Bookworm's runc 1.1.5 runs the other engines' containers
# (sid's needs glibc 2.38). They run with --bridge=none, no iptables: RUN steps
# must use --network host (or none), as the e2e tests do; a bridge network is "not found".
# Each lists the local registry in registry-mirrors, so docker.io/docker/dockerfile:1 and
# docker.io/moby/buildkit:buildx-stable-1 resolve to images built here (`# syntax=` lines and
# docker-container builders work offline). Their client is sid's docker-cli 28.5.2 with sid's
# docker-buildx 0.29.1 as plugin, in a DOCKER_CONFIG of the engine's own.
# Measured on 2 cores (busy with other work), from nothing: docker28 13-20 s (sid's lists and
# packages, unpack, containerd + dockerd), then docker28-containerd 0.5-1 s; the whole `up` with
# an empty registry ~42 s (base images ~19 s, frontend and BuildKit images ~5 s) once
# scripts/install-tools.sh has built buildkitd, buildctl and the frontend (cold: ~224 s).
# `up` when all is up: 0.3-0.8 s.
#
# Every subcommand is idempotent: what is already there is left alone, fast.
# State lives in $STACK_DIR (default .stack/ at the repo root, gitignored):
#   bin/docker -> bookworm's 20.10 client, which does BuildKit builds without the buildx
#                                   plugin (a Docker 23+ client refuses them)
#   bookworm/                       bookworm's apt lists, .debs, root/ (unpacked: docker.io 20.10,
#                                   containerd 1.6, runc, tini, docker-registry, busybox-static),
#                                   runc/ (runc alone, for the daemons' PATH)
#   sid/                            sid's apt lists, .debs, root/ (unpacked), bin/docker
#   engines/ENGINE/                 an engine: daemon.json, docker.sock, data/, exec/,
#                                   containerd/ (config, socket, root, state), docker-config/
#   buildkitd-container.toml        config for docker-container builders (plain http to the
#                                   registry, docker.io mirrored there)
#   run/*.pid  logs/*.log           daemons started by `up`
#   registry/                       registry config and storage
#   gomodcache-seed/                GOMODCACHE filled from the fixtures; its cache/download
#                                   is what the module proxy serves
#
# Ports: STACK_REGISTRY_PORT (5000), STACK_GOPROXY_PORT (3111), both on 127.0.0.1. The registry,
# the module proxy and the base images are shared by all engines.
# Env: STACK_ENGINES_DIR (default $STACK_DIR/engines; unix socket paths must stay under 108
# bytes), TOOLS_DIR (default $STACK_DIR/tools/bin, see scripts/install-tools.sh),
# STACK_DOCKER20_HOST (docker20 is then the engine at that address, e.g. unix:///var/run/docker.sock,
# started by someone else: the stack starts and stops nothing there, and the tests wipe it. Only
# for an engine you name this way is a machine's engine ever used).
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

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
TOOLS_DIR=${TOOLS_DIR:-$STACK_DIR/tools/bin}

# Installed into the system when missing: a client and a build tool (runc's cgo build for Docker 29
# finds libseccomp through pkg-config), nothing that runs or replaces a daemon.
PACKAGES=(curl pkg-config)

ENGINES=(docker28 docker28-containerd docker20 docker29)
STACK_ENGINE=${STACK_ENGINE:-docker28}
ENGINES_DIR=${STACK_ENGINES_DIR:-$STACK_DIR/engines}

# Debian sid's packages for the Docker 28 engines: name and upstream version. The newest
# revision of that version in sid's lists is taken (sid moves; a version that left it fails
# with the versions it has now).
SID_PACKAGES=("docker.io 28.5.2" "docker-cli 28.5.2" "docker-buildx 0.29.1" "containerd 2.1.9" "tini-static 0.19.0")
SID_MIRROR=${STACK_SID_MIRROR:-http://deb.debian.org/debian}
SID_DIR=$STACK_DIR/sid
SID_ROOT=$SID_DIR/root
SID_BIN=$SID_DIR/bin

# Debian bookworm's packages, unpacked as sid's are: the 20.10 engine, runc for every engine,
# the registry and busybox (the base images' shell). Bookworm's current revision of each.
# libseccomp-dev (and libseccomp2, where its .so link points) only to build Docker 29's runc.
BOOKWORM_PACKAGES=(docker.io containerd runc tini docker-registry busybox-static libseccomp-dev libseccomp2)
BOOKWORM_DIR=$STACK_DIR/bookworm
BOOKWORM_ROOT=$BOOKWORM_DIR/root
RUNC=$BOOKWORM_ROOT/usr/sbin/runc
RUNC_DIR=$BOOKWORM_DIR/runc
BUSYBOX=$BOOKWORM_ROOT/bin/busybox
SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# What the daemons find on PATH: their own binaries first, then bookworm's runc, then the system's.
SID_DAEMON_PATH=$SID_ROOT/usr/bin:$SID_ROOT/usr/sbin:$RUNC_DIR:$SYSTEM_PATH
BOOKWORM_DAEMON_PATH=$BOOKWORM_ROOT/usr/bin:$BOOKWORM_ROOT/usr/sbin:$SYSTEM_PATH
# Docker 29: its dockerd and docker (links to the binaries scripts/install-tools.sh built), then
# the runc 1.4 it needs (a link in the same folder), then sid's containerd, shim and docker-init.
DOCKER29_BIN=$STACK_DIR/docker29/bin
DOCKER29_DAEMON_PATH=$DOCKER29_BIN:$SID_ROOT/usr/bin:$SYSTEM_PATH

# The images that make `# syntax=docker/dockerfile:1` and docker-container builders work
# offline, built from the BuildKit pinned in scripts/install-tools.sh.
# shellcheck disable=SC2016 # the pin as install-tools.sh writes it, ${...} and all
BUILDKIT_VERSION=$(sed -n 's/^BUILDKIT_VERSION=${BUILDKIT_VERSION:-\(v[0-9.]*\)}$/\1/p' "$REPO_ROOT/scripts/install-tools.sh")
[[ -n $BUILDKIT_VERSION ]] || { printf '[stack] error: no BUILDKIT_VERSION pin in scripts/install-tools.sh\n' >&2; exit 1; }
FRONTEND_TAGS="1 1.27 latest" # frontend/dockerfile/version/version.go of buildkit v0.33.1: 1.27
BUILDKIT_TAGS="buildx-stable-1 $BUILDKIT_VERSION latest"
BUILDKITD_CONTAINER_CONFIG=$STACK_DIR/buildkitd-container.toml

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
    dockerd-*) echo dockerd ;;
    containerd-*) echo containerd ;;
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
# file holds the daemon's pid whether or not setsid had to fork. Without the
# caller's TMPDIR: a test run's own temporary folder goes when the run ends, the
# daemon does not.
start_daemon() {
  local name=$1
  shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  env -u TMPDIR setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" \
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

# --- engines ------------------------------------------------------------------

# select_engine NAME: sets what the rest of the script uses for that engine.
#   ENGINE_HOST    the DOCKER_HOST of its daemon
#   ENGINE_CLIENT  the docker client that goes with it
#   ENGINE_BIN     the folder put first on PATH by `env` (holds `docker`)
#   ENGINE_CONFIG  the DOCKER_CONFIG of its client (empty: the caller's, as before engines)
#   DOCKERD_NAME CONTAINERD_NAME  their names in run/ and logs/
#   ENGINE_KIND    what it is: NAME without a -laneN suffix (docker28-lane2 is a second docker28,
#                  with a folder, daemons and buildkitd of its own, for tests that run side by side)
#   ENGINE_BUILDKITD_DIR  the folder of its standalone buildkitd (scripts/buildkitd.sh)
select_engine() {
  ENGINE=$1
  ENGINE_KIND=$ENGINE
  if [[ $ENGINE =~ ^(.+)-lane([2-9])$ ]]; then ENGINE_KIND=${BASH_REMATCH[1]}; fi
  case $ENGINE_KIND in
    docker20)
      ENGINE_STORE=classic
      ENGINE_CLIENT=$BOOKWORM_ROOT/usr/bin/docker
      ENGINE_BIN=$BIN_DIR
      ;;
    docker28 | docker28-containerd)
      ENGINE_STORE=classic
      [[ $ENGINE_KIND == docker28-containerd ]] && ENGINE_STORE=containerd
      ENGINE_CLIENT=$SID_ROOT/usr/bin/docker
      ENGINE_BIN=$SID_BIN
      ;;
    docker29)
      ENGINE_STORE=containerd
      ENGINE_CLIENT=$DOCKER29_BIN/docker
      ENGINE_BIN=$DOCKER29_BIN
      ;;
    *) die "unknown STACK_ENGINE '$ENGINE' (valid: ${ENGINES[*]}, each also as a lane: NAME-lane2 … NAME-lane9)" ;;
  esac
  ENGINE_DIR=$ENGINES_DIR/$ENGINE
  ENGINE_HOST=unix://$ENGINE_DIR/docker.sock
  ENGINE_CONFIG=$ENGINE_DIR/docker-config
  DOCKERD_NAME=dockerd-$ENGINE CONTAINERD_NAME=containerd-$ENGINE
  ENGINE_CONTAINERD_SOCK=$ENGINE_DIR/containerd/containerd.sock
  ENGINE_BUILDKITD_DIR=$STACK_DIR/buildkitd-$ENGINE
  # An engine someone else started, named by the user: used as it is, never started or stopped.
  ENGINE_FOREIGN=""
  if [[ $ENGINE == docker20 && -n ${STACK_DOCKER20_HOST:-} ]]; then
    ENGINE_HOST=$STACK_DOCKER20_HOST ENGINE_FOREIGN=1
  fi
}

# dk ARGS...: the chosen engine's client on its daemon, with a time limit (DK_TIMEOUT, 300 s:
# pushing the Go base image is the slowest call).
dk() {
  DOCKER_HOST=$ENGINE_HOST DOCKER_CONFIG=$ENGINE_CONFIG timeout "${DK_TIMEOUT:-300}" "$ENGINE_CLIENT" "$@"
}

docker_answers() {
  [[ -x $ENGINE_CLIENT ]] && DK_TIMEOUT=10 dk version --format '{{.Server.Version}}' >/dev/null 2>&1
}

engine_version() {
  DK_TIMEOUT=10 dk version --format '{{.Server.Version}}' 2>/dev/null
}

# The image store the engine says it uses (docker info's DriverStatus names the snapshotter).
engine_store() {
  local status
  status=$(DK_TIMEOUT=10 dk info --format '{{json .DriverStatus}}' 2>/dev/null) || { echo unknown; return; }
  if [[ $status == *io.containerd.snapshotter* ]]; then echo containerd; else echo classic; fi
}

containerd_answers() {
  local ctr=$SID_ROOT/usr/bin/ctr
  [[ $ENGINE_KIND == docker20 ]] && ctr=$BOOKWORM_ROOT/usr/bin/ctr
  timeout 5 "$ctr" --address "$ENGINE_CONTAINERD_SOCK" version >/dev/null 2>&1
}

cgroups_mounted() {
  [[ -n $(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 2>/dev/null | head -n 1) ]]
}

ensure_cgroups() {
  if ! cgroups_mounted && command -v cgroupfs-mount >/dev/null; then
    timeout 30 cgroupfs-mount
  fi
}

# --- Debian bookworm's packages, unpacked ------------------------------------------

bookworm_apt() { private_apt "$BOOKWORM_DIR" '' "$@"; }

bookworm_stamp() { printf '%s\n' "${BOOKWORM_PACKAGES[@]}"; }

bookworm_present() {
  [[ -f $BOOKWORM_ROOT/.stamp && $(<"$BOOKWORM_ROOT/.stamp") == "$(bookworm_stamp)" &&
    -x $BOOKWORM_ROOT/usr/sbin/dockerd && -x $BOOKWORM_ROOT/usr/bin/docker && -x $BOOKWORM_ROOT/usr/bin/containerd &&
    -e $BOOKWORM_ROOT/usr/bin/docker-init && -x $BOOKWORM_ROOT/usr/bin/docker-registry && -x $RUNC && -x $BUSYBOX &&
    $RUNC_DIR/runc -ef $RUNC ]]
}

# A binary of the unpacked packages that does not run here names the library it lacks.
check_runs() {
  local bin=$1 missing
  "$bin" --version >/dev/null 2>&1 && return 0
  missing=$(ldd "$bin" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
  die "$bin does not run here${missing:+ (libraries not found: $missing- install them with apt-get)}: $("$bin" --version 2>&1 | head -n 1)"
}

ensure_bookworm_packages() {
  if bookworm_present; then
    log "bookworm packages: present"
    return 0
  fi
  command -v apt-get >/dev/null || die "apt-get not found: the engines' packages come from Debian"
  mkdir -p "$BOOKWORM_DIR/lists/partial" "$BOOKWORM_DIR/cache/archives/partial" "$BOOKWORM_DIR/sources.list.d" "$BOOKWORM_DIR/debs"
  {
    printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$SID_MIRROR" bookworm "$SID_MIRROR" bookworm-updates
    printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm-security main\n' "${STACK_SECURITY_MIRROR:-${SID_MIRROR%/debian}/debian-security}"
  } >"$BOOKWORM_DIR/sources.list"
  log "bookworm packages: apt-get update (the stack's own lists, in $BOOKWORM_DIR/lists)"
  bookworm_apt apt-get update >&2 || die "apt-get update of bookworm's lists failed ($SID_MIRROR)"
  log "bookworm packages: downloading ${BOOKWORM_PACKAGES[*]}"
  unpack_packages "$BOOKWORM_DIR" bookworm_apt "${BOOKWORM_PACKAGES[@]}"
  local tmp=$BOOKWORM_DIR/root.tmp
  bookworm_stamp >"$tmp/.stamp"
  rm -rf "$BOOKWORM_ROOT"
  mv "$tmp" "$BOOKWORM_ROOT"
  mkdir -p "$RUNC_DIR"
  ln -sfn "$RUNC" "$RUNC_DIR/runc"
  local bin
  for bin in "$BOOKWORM_ROOT/usr/sbin/dockerd" "$BOOKWORM_ROOT/usr/bin/containerd" "$RUNC"; do check_runs "$bin"; done
  log "bookworm packages: unpacked into $BOOKWORM_ROOT ($("$BOOKWORM_ROOT/usr/sbin/dockerd" --version), $("$RUNC" --version | head -n 1))"
}

# link_to TARGET LINK: LINK is a symlink to TARGET (made or replaced only when it is not already).
link_to() {
  [[ $(readlink "$2" 2>/dev/null) == "$1" ]] || ln -sfn "$1" "$2"
}

# --- docker20: Debian bookworm's engine ---------------------------------------

ensure_client_link() {
  mkdir -p "$BIN_DIR"
  link_to "$ENGINE_CLIENT" "$BIN_DIR/docker"
}

ensure_docker20() {
  if docker_answers; then
    log "docker20: already answering (engine $(engine_version), $ENGINE_HOST)"
    return 0
  fi
  [[ -z $ENGINE_FOREIGN ]] || die "docker20: nothing answers on $ENGINE_HOST (STACK_DOCKER20_HOST): the stack starts no engine there"
  ensure_cgroups
  write_engine_configs
  start_engine_daemons "$BOOKWORM_DAEMON_PATH"
}

# --- docker28: Debian sid's packages, unpacked --------------------------------

# apt-get on lists of the stack's own (in DIR: sources, lists, cache), for ARCH when given: the
# system's sources, lists and cache are neither read nor changed, and nothing is installed.
private_apt() {
  local dir=$1 arch=$2 tool=$3
  shift 3
  local archs=()
  [[ -z $arch ]] || archs=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
  timeout 300 "$tool" -q \
    -o Dir::Etc::SourceList="$dir/sources.list" \
    -o Dir::Etc::SourceParts="$dir/sources.list.d" \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::Cache="$dir/cache" \
    "${archs[@]}" \
    -o Acquire::Languages=none \
    -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false \
    -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false \
    -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false \
    -o APT::Sandbox::User=root \
    "$@"
}

sid_apt() { private_apt "$SID_DIR" '' "$@"; }

# unpack_packages DIR APT PACKAGE...: `apt-get download` of the packages through APT (the private_apt
# of DIR) into DIR/debs, then `dpkg -x` of each into DIR/root.tmp, made anew: the caller moves it in place.
unpack_packages() {
  local dir=$1 apt=$2 deb
  shift 2
  rm -f "$dir/debs/"*.deb
  (cd "$dir/debs" && "$apt" apt-get download "$@") >&2 || die "apt-get download of $* failed"
  rm -rf "$dir/root.tmp"
  mkdir -p "$dir/root.tmp"
  for deb in "$dir/debs/"*.deb; do
    timeout 120 dpkg -x "$deb" "$dir/root.tmp" || die "dpkg -x $deb failed"
  done
  rm -f "$dir/debs/"*.deb
}

sid_stamp() {
  printf '%s\n' "${SID_PACKAGES[@]}"
}

sid_present() {
  [[ -f $SID_ROOT/.stamp && $(<"$SID_ROOT/.stamp") == "$(sid_stamp)" && -x $SID_ROOT/usr/sbin/dockerd &&
    -x $SID_ROOT/usr/bin/containerd && -x $SID_ROOT/usr/bin/docker &&
    -x $SID_ROOT/usr/libexec/docker/cli-plugins/docker-buildx && -e $SID_ROOT/usr/bin/docker-init ]]
}

ensure_sid_packages() {
  if sid_present; then
    log "sid packages: present ($(tr '\n' ' ' <"$SID_ROOT/.stamp"| sed 's/ $//'))"
    return 0
  fi
  command -v apt-get >/dev/null || die "apt-get not found: the Docker 28 engines come from Debian sid's packages"
  mkdir -p "$SID_DIR/lists/partial" "$SID_DIR/cache/archives/partial" "$SID_DIR/sources.list.d" "$SID_DIR/debs"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' "$SID_MIRROR" >"$SID_DIR/sources.list"
  log "sid packages: apt-get update (sid's lists only, in $SID_DIR/lists)"
  sid_apt apt-get update >&2 || die "apt-get update of sid's lists failed ($SID_MIRROR)"
  local entry name want version wanted=()
  for entry in "${SID_PACKAGES[@]}"; do
    read -r name want <<<"$entry"
    # madison: "name | version | source"; the revisions of the wanted upstream version.
    version=$(sid_apt apt-cache madison "$name" 2>/dev/null | awk -F' [|] ' -v w="$want" \
      '$3 ~ /sid/ { v = $2; gsub(/ /, "", v); if (index(v, w "+") == 1 || index(v, w "-") == 1) { print v; exit } }')
    [[ -n $version ]] || die "sid has no $name $want now (it has: $(sid_apt apt-cache madison "$name" 2>/dev/null | awk -F' [|] ' '{print $2}' | tr -d ' ' | tr '\n' ' ')); change SID_PACKAGES in scripts/stack.sh"
    wanted+=("$name=$version")
  done
  log "sid packages: downloading ${wanted[*]}"
  unpack_packages "$SID_DIR" sid_apt "${wanted[@]}"
  local tmp=$SID_DIR/root.tmp
  # sid's runc needs glibc 2.38; bookworm's unpacked runc 1.1.5 is the one on the daemons' PATH.
  [[ ! -e $tmp/usr/sbin/runc ]] || rm -f "$tmp/usr/sbin/runc"
  sid_stamp >"$tmp/.stamp"
  rm -rf "$SID_ROOT"
  mv "$tmp" "$SID_ROOT"
  "$SID_ROOT/usr/sbin/dockerd" --version >/dev/null 2>&1 ||
    die "sid's dockerd does not run here: $("$SID_ROOT/usr/sbin/dockerd" --version 2>&1 | head -n 1)"
  log "sid packages: unpacked into $SID_ROOT ($("$SID_ROOT/usr/sbin/dockerd" --version))"
}

# The client and its buildx plugin: sid's docker-buildx 0.29.1, the one Debian pairs with
# Docker 28.5.2 (`docker build` runs it too), linked into the engine's own DOCKER_CONFIG so
# the buildx that scripts/install-tools.sh pins (in ~/.docker) stays the docker20 leg's.
ensure_sid_client() {
  sid_present || return 0
  mkdir -p "$SID_BIN" "$ENGINE_CONFIG/cli-plugins"
  link_to "$SID_ROOT/usr/bin/docker" "$SID_BIN/docker"
  link_to "$SID_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$ENGINE_CONFIG/cli-plugins/docker-buildx"
}

# write_if_changed FILE: stdin to FILE when it differs; 0 when it changed.
write_if_changed() {
  local file=$1 tmp
  tmp=$(mktemp "$file.XXXXXX")
  cat >"$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$file"
  return 0
}

write_engine_configs() {
  local dir=$ENGINE_DIR ctd=$ENGINE_DIR/containerd snapshotter=false changed=""
  [[ $ENGINE_STORE == containerd ]] && snapshotter=true
  mkdir -p "$ctd/root" "$ctd/state" "$dir/data" "$dir/exec"
  local sock=$ctd/containerd.sock.ttrpc
  ((${#sock} < 100)) || die "socket path $sock is too long for a unix socket; set STACK_ENGINES_DIR to a shorter folder"
  # Only what dockerd needs: no CRI (it would look for CNI and start a sandbox controller).
  # containerd 2 reads config version 3; bookworm's 1.6 (docker20) version 2.
  local version=3 disabled='"io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime", "io.containerd.podsandbox.controller.v1.podsandbox", "io.containerd.nri.v1.nri"'
  [[ $ENGINE_KIND == docker20 ]] && version=2 disabled='"io.containerd.grpc.v1.cri"'
  write_if_changed "$ctd/config.toml" <<TOML && changed+=" containerd"
version = $version
root = "$ctd/root"
state = "$ctd/state"
disabled_plugins = [$disabled]

[grpc]
  address = "$ctd/containerd.sock"

[ttrpc]
  address = "$ctd/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""
TOML
  # No bridge, no iptables, no userland proxy, the host's ip_forward untouched. The Docker 28
  # engines mirror docker.io in the registry (BuildKit's images, built here); 20.10 as Debian has it.
  # Docker 29 is left to choose its image store, as a fresh install on a runner does.
  local extra='' features
  features=$(printf ',\n  "features": { "containerd-snapshotter": %s }' "$snapshotter")
  [[ $ENGINE_KIND == docker29 ]] && features=''
  [[ $ENGINE_KIND == docker20 ]] || extra=$(printf ',\n  "ip6tables": false,\n  "registry-mirrors": ["http://%s"]%s' "$REGISTRY_ADDR" "$features")
  write_if_changed "$dir/daemon.json" <<JSON && changed+=" dockerd"
{
  "hosts": ["$ENGINE_HOST"],
  "data-root": "$dir/data",
  "exec-root": "$dir/exec",
  "pidfile": "$dir/docker.pid",
  "containerd": "$ctd/containerd.sock",
  "cgroup-parent": "/cib-$ENGINE",
  "bridge": "none",
  "iptables": false,
  "ip-masq": false,
  "ip-forward": false,
  "userland-proxy": false$extra
}
JSON
  if [[ -n $changed ]] && { pid_alive "$DOCKERD_NAME" || pid_alive "$CONTAINERD_NAME"; }; then
    log "$ENGINE: config of$changed changed while running; apply it with: STACK_ENGINE=$ENGINE bash scripts/stack.sh down && STACK_ENGINE=$ENGINE bash scripts/stack.sh up"
  fi
}

ensure_docker28() {
  ensure_sid_packages
  ensure_sid_client
  if docker_answers; then
    log "$ENGINE: already answering (engine $(engine_version), $ENGINE_STORE store, $ENGINE_HOST)"
    return 0
  fi
  ensure_cgroups
  write_engine_configs
  start_engine_daemons "$SID_DAEMON_PATH"
}

# --- docker29: built from its Go modules ----------------------------------------

# Its dockerd, docker and runc linked into DOCKER29_BIN, the pinned buildx into its DOCKER_CONFIG.
ensure_docker29_client() {
  [[ -x $TOOLS_DIR/docker-29 ]] || return 0
  mkdir -p "$DOCKER29_BIN" "$ENGINE_CONFIG/cli-plugins"
  local name
  for name in docker dockerd runc; do link_to "$TOOLS_DIR/$name-29" "$DOCKER29_BIN/$name"; done
  link_to "$TOOLS_DIR/buildx" "$ENGINE_CONFIG/cli-plugins/docker-buildx"
}

ensure_docker29() {
  ensure_sid_packages
  install_tools docker29 buildx
  ensure_docker29_client
  if docker_answers; then
    log "$ENGINE: already answering (engine $(engine_version), $ENGINE_HOST)"
    return 0
  fi
  ensure_cgroups
  write_engine_configs
  start_engine_daemons "$DOCKER29_DAEMON_PATH"
}

# start_engine_daemons PATH: the engine's containerd (unless it answers), then its dockerd.
start_engine_daemons() {
  local daemon_path=$1
  if containerd_answers; then
    log "$CONTAINERD_NAME: already answering"
  else
    start_daemon "$CONTAINERD_NAME" env PATH="$daemon_path" containerd --config "$ENGINE_DIR/containerd/config.toml"
    wait_until "$CONTAINERD_NAME" 30 "$LOG_DIR/$CONTAINERD_NAME.log" containerd_answers
  fi
  start_daemon "$DOCKERD_NAME" env PATH="$daemon_path" dockerd --config-file "$ENGINE_DIR/daemon.json"
  wait_until "$DOCKERD_NAME" 60 "$LOG_DIR/$DOCKERD_NAME.log" docker_answers
  local store
  store=$(engine_store)
  [[ $store == "$ENGINE_STORE" ]] || die "$ENGINE: the engine uses the $store image store, not the $ENGINE_STORE store it is meant to"
  log "$ENGINE: engine $(engine_version), $store store, $ENGINE_HOST"
}

ensure_engine() {
  case $ENGINE_KIND in
    docker20) ensure_bookworm_packages && ensure_client_link && ensure_docker20 && ensure_docker20_buildx ;;
    docker29) ensure_bookworm_packages && ensure_docker29 ;;
    *) ensure_bookworm_packages && ensure_docker28 ;;
  esac
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
  start_daemon registry "$BOOKWORM_ROOT/usr/bin/docker-registry" serve "$dir/config.yml"
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
      # Test-only dependencies too, so `go test` works through the proxy. -e: a
      # package of the fixture that is generated later (bench-svc's internal/rules,
      # written by bench/gen-rules.ts when the benchmark runs) needs no module.
      "$GO" list -e -deps -test ./... >/dev/null
    )
    rm -f "$SEED_DIR/.stamps/$name-"*
    touch "$stamp"
  done < <(fixture_dirs)
}

modproxy_answers() {
  curl -fsS -o /dev/null --max-time 3 "$GOPROXY_URL/_stats" 2>/dev/null
}

# A proxy that counts each scope apart (scripts/modproxy.mjs); one started before scopes is restarted.
modproxy_has_scopes() {
  [[ $(curl -fsS --max-time 3 "$GOPROXY_URL/_stats?scope=probe" 2>/dev/null) == *'"scope":"probe"'* ]]
}

ensure_modproxy() {
  if modproxy_answers && modproxy_has_scopes; then
    log "modproxy: already answering on $GOPROXY_URL"
    return 0
  fi
  if modproxy_answers && pid_alive modproxy; then
    log "modproxy: an older one answers (no scopes): restarting it"
    stop_daemon modproxy
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
  install -m 755 "$BUSYBOX" "$root/bin/busybox"
  while read -r applet; do
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
  done < <("$BUSYBOX" --list-full)
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
# pulled here), check it runs (VERIFY_CMD under the image's sh; none for an image
# without a shell), push all tags.
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
  dk import "${changes[@]}" "$work/rootfs.tar" "$ref" >/dev/null || die "docker import of $ref failed"
  if [[ -n $verify ]] && ! dk run --rm --network=none --entrypoint sh "$ref" -c "$verify" >&2; then
    die "image $ref does not work (is the Go at $("$GO" env GOROOT) statically linked?)"
  fi
  for tag in $tags; do
    [[ $tag == "$first" ]] || dk tag "$ref" "$REGISTRY_ADDR/$name:$tag"
    dk push -q "$REGISTRY_ADDR/$name:$tag" >/dev/null || die "docker push $REGISTRY_ADDR/$name:$tag failed"
  done
  rm -rf "$work"
  log "image $REGISTRY_ADDR/$name: pushed $tags ($(dk image inspect -f '{{.Id}}' "$ref" | cut -c1-19))"
}

ensure_base_images() {
  [[ -x $BUSYBOX ]] || die "$BUSYBOX missing (bookworm's busybox-static, unpacked by up)"
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

# --- an arm64 runtime base image, for two-platform builds ------------------------------
# Debian's arm64 busybox-static, fetched with apt-get download through lists of the stack's own
# (bookworm, arm64 only) and unpacked: nothing runs on arm64, the image is only packaged. Then
# base/runtime:multi is the index of base/runtime:latest (amd64) and base/runtime:arm64.

ARM64_DIR=$STACK_DIR/arm64

arm64_apt() { private_apt "$ARM64_DIR" arm64 "$@"; }

# The runtime rootfs with arm64's busybox; the applet links are the amd64 busybox's list (the same
# Debian version: the arm64 one cannot run here to list them).
build_runtime_arm64_rootfs() {
  local root=$1 deb applet
  mkdir -p "$ARM64_DIR/lists/partial" "$ARM64_DIR/cache/archives/partial" "$ARM64_DIR/sources.list.d" "$ARM64_DIR/debs"
  printf 'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm main\n' "$SID_MIRROR" >"$ARM64_DIR/sources.list"
  arm64_apt apt-get update >&2 || die "apt-get update of bookworm's arm64 lists failed ($SID_MIRROR)"
  rm -f "$ARM64_DIR/debs/"*.deb
  (cd "$ARM64_DIR/debs" && arm64_apt apt-get download busybox-static:arm64) >&2 || die "apt-get download busybox-static:arm64 failed"
  deb=$(ls "$ARM64_DIR/debs/"busybox-static_*_arm64.deb)
  populate_common_rootfs "$root"
  rm -rf "$ARM64_DIR/unpacked" && mkdir -p "$ARM64_DIR/unpacked"
  timeout 120 dpkg -x "$deb" "$ARM64_DIR/unpacked" || die "dpkg -x $deb failed"
  install -m 755 "$ARM64_DIR/unpacked/bin/busybox" "$root/bin/busybox"
  # An aarch64 ELF, or the image would not be what it says.
  [[ $(od -An -tx1 -j18 -N2 "$root/bin/busybox" | tr -d ' ') == b700 ]] || die "the arm64 busybox is not an aarch64 binary"
  rm -rf "$ARM64_DIR/unpacked" "$ARM64_DIR/debs/"*.deb
}

ensure_multiarch_runtime() {
  local name=base/runtime
  if registry_has "$name" multi; then
    log "image $REGISTRY_ADDR/$name:multi (amd64 + arm64): already in the registry"
    return 0
  fi
  local work=$IMAGES_DIR/runtime-arm64 ref=$REGISTRY_ADDR/$name:arm64
  rm -rf "$work" && mkdir -p "$work/rootfs"
  build_runtime_arm64_rootfs "$work/rootfs"
  make_tarball "$work/rootfs" "$work/rootfs.tar"
  dk import --platform linux/arm64 \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$work/rootfs.tar" "$ref" >/dev/null || die "docker import of the arm64 runtime failed"
  dk push -q "$ref" >/dev/null || die "docker push $ref failed"
  dk buildx imagetools create --tag "$REGISTRY_ADDR/$name:multi" "$REGISTRY_ADDR/$name:latest" "$ref" >&2 ||
    die "docker buildx imagetools create $name:multi failed"
  rm -rf "$work"
  log "image $REGISTRY_ADDR/$name:multi: pushed (linux/amd64 from :latest, linux/arm64 from :arm64)"
}

# --- BuildKit's images: docker/dockerfile and moby/buildkit ----------------------
# Pushed to the local registry under their Docker Hub names; the Docker 28 engines mirror
# docker.io there (registry-mirrors), so `# syntax=docker/dockerfile:1` and buildx's
# docker-container driver (moby/buildkit:buildx-stable-1) find them with no network.

tool() {
  [[ -x $TOOLS_DIR/$1 ]] || die "$TOOLS_DIR/$1 missing after scripts/install-tools.sh"
  echo "$TOOLS_DIR/$1"
}

# The docker20 leg's client is Debian's 20.10 CLI, which has no buildx of its own: the buildx plugin
# the action reads images with (imagetools) is the pinned one, put into the engine's DOCKER_CONFIG
# by install-tools.sh (a link when it is already built), a lane's (docker20-lane2) too. The Docker 28
# and 29 engines link theirs there first, and install-tools.sh leaves a link alone.
# install_tools TOOL...: scripts/install-tools.sh, its buildx plugin into the chosen engine's DOCKER_CONFIG.
install_tools() {
  PATH=$(dirname "$GO"):$PATH TOOLS_DIR=$TOOLS_DIR DOCKER_CONFIG=$ENGINE_CONFIG RUNC_SECCOMP_ROOT=$BOOKWORM_ROOT \
    timeout 1800 bash "$REPO_ROOT/scripts/install-tools.sh" "$@" >&2 || die "scripts/install-tools.sh $* failed"
}

ensure_docker20_buildx() { install_tools buildx; }

# Every pinned tool: skipped without running go when the binaries match the recipe (stamps).
ensure_tools() { install_tools all; }

ensure_buildkitd() {
  BUILDKITD_DIR=$ENGINE_BUILDKITD_DIR STACK_DIR=$STACK_DIR TOOLS_DIR=$TOOLS_DIR RUNC=$RUNC REGISTRY=$REGISTRY_ADDR timeout 120 bash "$REPO_ROOT/scripts/buildkitd.sh" up ||
    die "scripts/buildkitd.sh up failed"
}

ensure_buildkit_tools() { install_tools buildkit dockerfile-frontend; }

# As upstream's frontend/dockerfile/cmd/dockerfile-frontend/Dockerfile: FROM scratch, the
# static binary as /bin/dockerfile-frontend, its entrypoint and labels (no network for the
# frontend; the caps BuildKit checks before it hands the frontend inputs and subrequests).
build_frontend_rootfs() {
  install -D -m 755 "$(tool dockerfile-frontend)" "$1/bin/dockerfile-frontend"
}

# What upstream's moby/buildkit image has that buildkitd needs here: buildkitd and buildctl
# (buildx runs `buildctl dial-stdio` and `buildctl debug workers` in the container), runc
# (bookworm's, with the libraries it links), /etc/buildkit (buildx puts --buildkitd-config
# there), /var/lib/buildkit. Left out: git, openssh, pigz, fuse-overlayfs, qemu, CNI plugins
# (so RUN steps share the container's network: the host's, with --driver-opt network=host).
build_buildkit_rootfs() {
  local root=$1 lib
  populate_common_rootfs "$root"
  install -m 755 "$(tool buildkitd)" "$(tool buildctl)" "$root/usr/bin/"
  local runc=$RUNC
  [[ -x $runc ]] || die "$runc missing (bookworm's runc, unpacked by up)"
  install -m 755 "$runc" "$root/usr/bin/runc"
  while read -r lib; do
    install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
  done < <(ldd "$runc" | grep -oE '/[^ ]+' | sort -u)
  mkdir -p "$root/etc/buildkit" "$root/var/lib/buildkit"
}

ensure_buildkit_images() {
  local frontend_missing="" buildkit_missing="" tag
  for tag in $FRONTEND_TAGS; do registry_has docker/dockerfile "$tag" || frontend_missing=1; done
  for tag in $BUILDKIT_TAGS; do registry_has moby/buildkit "$tag" || buildkit_missing=1; done
  if [[ -z $frontend_missing$buildkit_missing ]]; then
    log "images docker/dockerfile:{${FRONTEND_TAGS// /,}} moby/buildkit:{${BUILDKIT_TAGS// /,}}: already in the registry"
    return 0
  fi
  timed buildkit-tools ensure_buildkit_tools
  local source=org.opencontainers.image.source=https://github.com/moby/buildkit
  import_and_push docker/dockerfile "$FRONTEND_TAGS" build_frontend_rootfs "" \
    'ENTRYPOINT ["/bin/dockerfile-frontend"]' \
    'LABEL moby.buildkit.frontend.network.none="true"' \
    'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts,moby.buildkit.frontend.gitquerystring,moby.buildkit.frontend.contexts.zstd"' \
    "LABEL $source org.opencontainers.image.version=buildkit-$BUILDKIT_VERSION"
  import_and_push moby/buildkit "$BUILDKIT_TAGS" build_buildkit_rootfs \
    'buildkitd --version && buildctl --version && runc --version >/dev/null' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'VOLUME /var/lib/buildkit' \
    'ENTRYPOINT ["buildkitd"]' \
    "LABEL $source org.opencontainers.image.version=$BUILDKIT_VERSION"
}

# For `docker buildx create --driver docker-container --driver-opt network=host
# --buildkitd-config "$STACK_BUILDKITD_CONFIG"`: plain http to the loopback registry, and
# docker.io mirrored there as the engines do.
ensure_buildkitd_container_config() {
  write_if_changed "$BUILDKITD_CONTAINER_CONFIG" <<TOML || true
# Written by scripts/stack.sh for docker-container builders on the stack's engines.
[registry."$REGISTRY_ADDR"]
  http = true
  insecure = true

[registry."docker.io"]
  mirrors = ["$REGISTRY_ADDR"]
TOML
}

# --- subcommands ----------------------------------------------------------------

# Engine by engine, then what they share; the registry comes after the engine because the
# base images are imported and pushed with the engine's client. With "tests", also what only the
# tests use, so that no test builds a tool or an image in its own hooks.
up_engine() {
  select_engine "$1"
  timed "$ENGINE" ensure_engine
  timed registry ensure_registry
  timed modules seed_modules
  timed modproxy ensure_modproxy
  timed base-images ensure_base_images
  [[ $2 == tests ]] || return 0
  timed tools ensure_tools
  if [[ $ENGINE_KIND != docker20 ]]; then
    ensure_buildkitd_container_config
    timed buildkit-images ensure_buildkit_images
    timed multiarch-runtime ensure_multiarch_runtime
  fi
  timed buildkitd ensure_buildkitd
}

# cmd_up WHAT ENGINE...: WHAT is "main" (what the action's main job needs) or "tests".
cmd_up() {
  local what=$1 start engine
  shift
  start=$(now)
  timed packages ensure_packages
  for engine in "$@"; do up_engine "$engine" "$what"; done
  log "up: done in $(since "$start"); use: eval \"\$(STACK_ENGINE=$1 bash scripts/stack.sh env)\""
}

# PATH without any engine's client folder, so the chosen one is first and alone.
path_without_clients() {
  local path=":$PATH:"
  path=${path//":$BIN_DIR:"/:}
  path=${path//":$SID_BIN:"/:}
  path=${path//":$DOCKER29_BIN:"/:}
  path=${path#:}
  path=${path%:}
  echo "$path"
}

cmd_env() {
  select_engine "$STACK_ENGINE"
  # The links are what make `docker` the right client; cheap to ensure.
  case $ENGINE_KIND in
    docker20) ensure_client_link ;;
    docker29) ensure_docker29_client ;;
    *) ensure_sid_client ;;
  esac
  printf 'export STACK_DIR=%q\n' "$STACK_DIR"
  printf 'export STACK_ENGINE=%q\n' "$ENGINE"
  printf 'export DOCKER_HOST=%q\n' "$ENGINE_HOST"
  printf 'export DOCKER_CONFIG=%q\n' "$ENGINE_CONFIG"
  printf 'export PATH=%q\n' "$ENGINE_BIN:$(path_without_clients)"
  printf 'export DOCKER_BUILDKIT=1\n'
  printf 'export STACK_REGISTRY=%q\n' "$REGISTRY_ADDR"
  printf 'export STACK_GOPROXY=%q\n' "$GOPROXY_URL"
  printf 'export STACK_BUILDKITD_CONFIG=%q\n' "$BUILDKITD_CONTAINER_CONFIG"
  printf 'export BUILDKITD_DIR=%q\n' "$ENGINE_BUILDKITD_DIR"
}

cmd_wipe_runner() {
  select_engine "$STACK_ENGINE"
  docker_answers || die "$ENGINE does not answer; run: STACK_ENGINE=$ENGINE bash scripts/stack.sh up"
  local start ids root
  start=$(now)
  # Only the stack's own engine, known by its data root; another one only when the user named it.
  root=$(DK_TIMEOUT=10 dk info --format '{{.DockerRootDir}}' 2>/dev/null) || die "wipe-runner: $ENGINE_HOST does not say its data root"
  if [[ -n $ENGINE_FOREIGN ]]; then
    log "wipe-runner: $ENGINE_HOST is the engine STACK_DOCKER20_HOST names (data root $root): wiping it"
  elif [[ $root != "$ENGINE_DIR/data" ]]; then
    die "wipe-runner: the engine on $ENGINE_HOST keeps its data in $root, not in the stack's $ENGINE_DIR/data: it is not the stack's own, left alone"
  fi
  ids=$(dk ps -aq)
  # shellcheck disable=SC2086 # one id per word
  [[ -z $ids ]] || dk rm -f $ids >/dev/null
  ids=$(dk images -aq | sort -u)
  # shellcheck disable=SC2086
  [[ -z $ids ]] || dk rmi -f $ids >/dev/null 2>&1 || true
  dk builder prune -af >/dev/null
  dk system prune -af --volumes >/dev/null
  if [[ $ENGINE_KIND != docker20 ]]; then
    # Docker 28's prune keeps named volumes, and a docker-container builder's state is one
    # (buildx_buildkit_NAME0_state): remove them all, with the builders' containers (above).
    # The builders stay defined; the next build starts each one afresh, as on a new runner.
    ids=$(dk volume ls -q)
    # shellcheck disable=SC2086
    [[ -z $ids ]] || dk volume rm -f $ids >/dev/null
  fi
  local left
  left=$(dk images -aq | wc -l)
  ((left == 0)) || die "wipe-runner: $left images left on $ENGINE"
  log "wipe-runner ($ENGINE): no containers, images, volumes or build cache left ($(since "$start")); registry and module proxy untouched"
}

# What a stopped dockerd leaves mounted in its folder (exec-root/netns/default, a bind of the
# host's network namespace, stays after a clean stop), deepest first, so the folder can go.
unmount_leftovers() {
  local dir=$1 mnt
  [[ -n $dir && -d $dir ]] || return 0
  while read -r mnt; do
    timeout 10 umount "$mnt" 2>/dev/null || timeout 10 umount -l "$mnt" || log "could not unmount $mnt"
  done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

down_engine() {
  select_engine "$1"
  stop_daemon "$DOCKERD_NAME"
  stop_daemon "$CONTAINERD_NAME"
  pid_alive "$DOCKERD_NAME" || unmount_leftovers "$ENGINE_DIR"
}

cmd_down_all() {
  local engine dir
  for engine in "${ENGINES[@]}"; do down_engine "$engine"; done
  # Lanes: second engines of a kind, each in a folder of its own.
  for dir in "$ENGINES_DIR"/*-lane[2-9]; do
    [[ -d $dir ]] && down_engine "$(basename "$dir")"
  done
  # The tests' buildkitd and the benchmark's (each a folder of STACK_DIR with its pid file).
  local pidfile
  for pidfile in "$STACK_DIR"/*/buildkitd.pid; do
    [[ -f $pidfile ]] || continue
    STACK_DIR=$STACK_DIR BUILDKITD_DIR=$(dirname "$pidfile") timeout 30 bash "$REPO_ROOT/scripts/buildkitd.sh" down
  done
  stop_daemon modproxy
  stop_daemon registry
}

engine_line() {
  select_engine "$1"
  local mark=" "
  [[ $ENGINE == "$STACK_ENGINE" ]] && mark="*"
  if docker_answers; then
    printf '%s %-20s engine %s, %s store, %s\n' "$mark" "$ENGINE" "$(engine_version)" "$ENGINE_STORE" "$ENGINE_HOST"
  else
    printf '%s %-20s not answering on %s\n' "$mark" "$ENGINE" "$ENGINE_HOST"
  fi
}

cmd_status() {
  local name engine
  echo "engines (* STACK_ENGINE):"
  for engine in "${ENGINES[@]}"; do engine_line "$engine"; done
  select_engine "$STACK_ENGINE"
  if docker_answers; then
    echo "docker:    $ENGINE: engine $(engine_version), client $ENGINE_CLIENT ($(DK_TIMEOUT=10 dk version --format '{{.Client.Version}}' 2>/dev/null))${ENGINE_CONFIG:+, DOCKER_CONFIG $ENGINE_CONFIG}"
  else
    echo "docker:    $ENGINE: not answering on $ENGINE_HOST"
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
  local minor tag
  minor=$(go_minor 2>/dev/null || echo '?')
  local images=("base/go:$minor" base/go:latest base/runtime:latest)
  for tag in $FRONTEND_TAGS; do images+=("docker/dockerfile:$tag"); done
  for tag in $BUILDKIT_TAGS; do images+=("moby/buildkit:$tag"); done
  for name in "${images[@]}"; do
    if registry_has "${name%%:*}" "${name#*:}"; then echo "image:     $REGISTRY_ADDR/$name"; else echo "image:     $REGISTRY_ADDR/$name MISSING"; fi
  done
  local daemons=(registry modproxy)
  for engine in "${ENGINES[@]}"; do
    select_engine "$engine"
    daemons+=("$CONTAINERD_NAME" "$DOCKERD_NAME")
  done
  for name in "${daemons[@]}"; do
    if pid_alive "$name"; then echo "started:   $name (pid $(<"$RUN_DIR/$name.pid"), log $LOG_DIR/$name.log)"; fi
  done
}

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  case ${1:-} in
    up) cmd_up main "$STACK_ENGINE" ;;
    up-tests) cmd_up tests "$STACK_ENGINE" ;;
    up-all) cmd_up tests "${ENGINES[@]}" ;;
    env) cmd_env ;;
    wipe-runner) cmd_wipe_runner ;;
    down) down_engine "$STACK_ENGINE" ;;
    down-all) cmd_down_all ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

select_engine "$STACK_ENGINE"
main "$@"
