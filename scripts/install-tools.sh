#!/usr/bin/env bash
# Build the pinned Docker tooling from source through the Go module proxy
# (no GitHub, no container registries here): buildx (also as a docker CLI
# plugin), buildkitd + buildctl, act, and BuildKit's Dockerfile frontend
# (the binary of the docker/dockerfile image, which scripts/stack.sh wraps
# in an image for the local registry).
#
#   scripts/install-tools.sh [buildx|buildkit|act|dockerfile-frontend|docker29|all]...   (default: all;
#   docker29, the Docker 29 engine's dockerd and CLI, only when named)
#
# Idempotent: a tool whose binary is present and whose stamp matches the
# recipe (module, version, flags) is skipped without running go. Cold, the
# four binaries take ~4-5 min on 2 cores; with a warm GOCACHE ~10 s (the
# builds are reproducible). In CI, cache TOOLS_DIR (~165 MiB) keyed on this
# file rather than GOCACHE + GOMODCACHE (~1.5 GB + ~1.3 GB for these tools).
#
# Env: TOOLS_DIR (default .stack/tools/bin), DOCKER_CONFIG (plugin goes to
# $DOCKER_CONFIG/cli-plugins, default ~/.docker/cli-plugins),
# BUILDX_VERSION, BUILDKIT_VERSION, ACT_VERSION to override the pins.
set -euo pipefail

# Pins: the newest buildx release whose whole dependency graph the module
# proxy here serves (v0.38.x needs module versions it refuses with "403 This
# module version is not available"), and the buildkit release that buildx
# pins in its go.mod. Both need go >= 1.26.8. buildx's Docker client
# (moby/moby/client v0.5.0) accepts API 1.40+, so it talks to a 20.10 engine.
BUILDX_VERSION=${BUILDX_VERSION:-v0.37.2}
BUILDKIT_VERSION=${BUILDKIT_VERSION:-v0.33.1}
ACT_VERSION=${ACT_VERSION:-v0.2.89}
# Docker 29 (the engine of GitHub's ubuntu-26.04 runners), for scripts/stack.sh's docker29 engine.
# The daemon is the Go module github.com/moby/moby/v2: its v2.0.0-beta.N versions are Docker 29's
# daemon. beta.24 (releases/versions.yaml: after 29.8.0, before 29.8.1) is the newest whose whole
# dependency graph the module proxy here serves (beta.25 needs buildkit v0.34.0-rc1, refused with
# "403 This module version is not available"). The CLI is github.com/docker/cli at the matching v29.8.1.
DOCKER29_DAEMON_VERSION=${DOCKER29_DAEMON_VERSION:-v2.0.0-beta.24}
DOCKER29_DAEMON_LABEL=${DOCKER29_DAEMON_LABEL:-29.8.1-dev}
DOCKER29_CLI_VERSION=${DOCKER29_CLI_VERSION:-v29.8.1}
# Docker 29 asks runc for a time namespace, which runc learnt in 1.2 (bookworm's 1.1.5 answers
# 'namespace {"time" ""} does not exist'). Built with seccomp, as runc's Makefile builds it: cgo,
# libseccomp's headers and pkg-config file from RUNC_SECCOMP_ROOT (bookworm's libseccomp-dev, which
# scripts/stack.sh unpacks); it runs with the system's libseccomp.so.2.
RUNC_VERSION=${RUNC_VERSION:-v1.4.4}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${TOOLS_DIR:-$ROOT/.stack/tools/bin}
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
STAMPS=$TOOLS_DIR/.stamps

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# module_dir MODULE@VERSION: the module downloaded into the module cache; its folder. Outside this
# repo (cd /), so its go.mod and go.work are not read.
module_dir() {
  (cd / && GOWORK=off go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
}

# tool_present NAME VERSION RECIPE: its binary is there, built by this recipe (its stamp says so).
tool_present() {
  local bin=$TOOLS_DIR/$1 stamp=$STAMPS/$1
  [[ -x $bin && -f $stamp && $(<"$stamp") == "$3" ]] || return 1
  log "$1 $2: present"
}

# tool_built NAME RECIPE FILE SECONDS: FILE becomes the tool's binary, stamped with its recipe.
tool_built() {
  mkdir -p "$STAMPS"
  mv -f "$3" "$TOOLS_DIR/$1"
  printf '%s' "$2" >"$STAMPS/$1"
  log "$1: built in ${4}s, $(du -m "$TOOLS_DIR/$1" | cut -f1) MiB"
}

# install_go NAME PKG VERSION CGO TAGS LDFLAGS [main [MODULE]]
# With "main", build inside the downloaded module as the main module: needed
# when its go.mod has exclude or replace directives, which `go install
# pkg@version` refuses (buildkit's does). MODULE defaults to PKG up to /cmd/.
install_go() {
  local name=$1 pkg=$2 version=$3 cgo=$4 tags=$5 ldflags=$6 how=${7:-install} module=${8:-}
  local recipe="$pkg@$version how=$how cgo=$cgo tags=$tags ldflags=$ldflags trimpath"
  tool_present "$name" "$version" "$recipe" && return 0
  command -v go >/dev/null || die "go is not on PATH (need go >= 1.26.8 for $name)"
  local stage=$TOOLS_DIR/.stage-$name out
  out=$stage/$(basename "$pkg")
  rm -rf "$stage" && mkdir -p "$stage" "$STAMPS"
  log "$name $version: building $pkg@$version ($how) ..."
  local t0=$SECONDS
  local -a flags=(${tags:+-tags "$tags"} -ldflags "$ldflags")
  local -x CGO_ENABLED=$cgo GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath"
  if [[ $how == main ]]; then
    local mod=${module:-${pkg%%/cmd/*}} dir
    dir=$(module_dir "$mod@$version")
    [[ -d $dir ]] || { rm -rf "$stage"; die "go mod download $mod@$version failed"; }
    (cd "$dir" && go build "${flags[@]}" -o "$out" "./${pkg#"$mod"/}") ||
      { rm -rf "$stage"; die "go build $pkg@$version failed"; }
  else
    # cd / : go install pkg@version must not see this repo's go.mod or go.work.
    (cd / && GOBIN=$stage go install "${flags[@]}" "$pkg@$version") ||
      { rm -rf "$stage"; die "go install $pkg@$version failed"; }
  fi
  tool_built "$name" "$recipe" "$out" $((SECONDS - t0))
  rm -rf "$stage"
}

install_buildx_plugin() {
  local src=$TOOLS_DIR/buildx dst=$PLUGIN_DIR/docker-buildx
  mkdir -p "$PLUGIN_DIR"
  # A symlink is someone's choice of plugin (scripts/stack.sh links Debian's
  # docker-buildx into the DOCKER_CONFIG of its Docker 28 engines): keep it.
  if [[ -L $dst && ! $dst -ef $src ]]; then
    log "docker-buildx plugin: $dst links to $(readlink "$dst"), left alone"
    return 0
  fi
  if [[ -x $dst ]] && { [[ $dst -ef $src ]] || cmp -s "$src" "$dst"; }; then
    return 0
  fi
  # A hard link when on the same filesystem, else a copy; never a symlink into
  # a work tree that may be deleted.
  ln -f "$src" "$dst" 2>/dev/null || { cp -f "$src" "$dst.tmp" && mv -f "$dst.tmp" "$dst"; }
  log "docker-buildx plugin: $dst"
}

install_buildx() {
  local p=github.com/docker/buildx
  install_go buildx $p/cmd/buildx "$BUILDX_VERSION" 0 "" \
    "-s -w -X $p/version.Version=$BUILDX_VERSION -X $p/version.Package=$p"
  install_buildx_plugin
}

install_buildkit() {
  local p=github.com/moby/buildkit
  local ld="-s -w -X $p/version.Version=$BUILDKIT_VERSION -X $p/version.Package=$p"
  # Upstream builds buildkitd with CGO_ENABLED=0 and these tags too: seccomp
  # profiles are generated in Go and applied by runc, nothing needs libseccomp.
  install_go buildkitd $p/cmd/buildkitd "$BUILDKIT_VERSION" 0 "osusergo netgo static_build seccomp" "$ld" main
  install_go buildctl $p/cmd/buildctl "$BUILDKIT_VERSION" 0 "" "$ld" main
}

install_dockerfile_frontend() {
  # The image docker/dockerfile:1 holds this one binary (upstream builds it
  # with CGO_ENABLED=0 and these tags; frontend/dockerfile/release/*/tags add
  # none for the mainline channel of this version).
  local p=github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend
  install_go dockerfile-frontend $p "$BUILDKIT_VERSION" 0 "netgo static_build osusergo" \
    "-s -w -X main.Version=buildkit-$BUILDKIT_VERSION -X main.Package=$p" main github.com/moby/buildkit
}

install_act() {
  # act embeds its VERSION file; no ldflags needed for `act --version`.
  install_go act github.com/nektos/act "$ACT_VERSION" 0 "" "-s -w"
}

install_docker29() {
  # As hack/make.sh builds the static dockerd, with cgo off (no btrfs driver, which needs
  # its headers; overlayfs and the containerd snapshotters are pure Go). The version it reports
  # says what it is: 29.8.1-dev, built from the moby module's version.
  local p=github.com/moby/moby/v2
  install_go dockerd-29 $p/cmd/dockerd "$DOCKER29_DAEMON_VERSION" 0 \
    "netgo osusergo static_build nri_no_wasm exclude_graphdriver_btrfs" \
    "-s -w -X $p/dockerversion.Version=$DOCKER29_DAEMON_LABEL -X $p/dockerversion.GitCommit=$DOCKER29_DAEMON_VERSION" main $p
  install_docker_cli docker-29 "$DOCKER29_CLI_VERSION"
  install_runc runc-29 "$RUNC_VERSION"
}

# install_runc NAME VERSION: runc's main package is its module's root, built inside the module.
install_runc() {
  local name=$1 version=$2 p=github.com/opencontainers/runc
  local root=${RUNC_SECCOMP_ROOT:-}
  [[ -n $root && -f $root/usr/include/seccomp.h ]] || die "$name: RUNC_SECCOMP_ROOT must hold libseccomp-dev's files (usr/include/seccomp.h)"
  local pc=$root/usr/lib/x86_64-linux-gnu/pkgconfig
  local recipe="$p@$version how=main cgo=1 tags=seccomp urfave_cli_no_docs buildmode=pie trimpath"
  tool_present "$name" "$version" "$recipe" && return 0
  command -v go >/dev/null || die "go is not on PATH (need go >= 1.24 for $name)"
  command -v pkg-config >/dev/null || die "$name: pkg-config is not installed (apt-get install pkg-config)"
  local dir bin=$TOOLS_DIR/$name t0=$SECONDS
  log "$name $version: building $p@$version (cgo, seccomp) ..."
  dir=$(module_dir "$p@$version")
  [[ -d $dir ]] || die "go mod download $p@$version failed"
  (cd "$dir" && GOWORK=off CGO_ENABLED=1 PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root GOFLAGS=-trimpath \
    go build -buildmode=pie -tags "seccomp urfave_cli_no_docs" -ldflags "-X main.gitCommit=$version" -o "$bin.tmp" .) ||
    { rm -f "$bin.tmp"; die "go build $p@$version failed"; }
  "$bin.tmp" --version >/dev/null || { rm -f "$bin.tmp"; die "$name does not run here"; }
  tool_built "$name" "$recipe" "$bin.tmp" $((SECONDS - t0))
}

# install_docker_cli NAME VERSION: docker/cli has no go.mod (it versions by calendar, not by
# SemVer): its vendor.mod is the module file, as its scripts/with-go-mod.sh does. Its vendor/ is
# not whole in the module's zip, so the dependencies come from the module proxy (go.sum checks them).
install_docker_cli() {
  local name=$1 version=$2 p=github.com/docker/cli
  local recipe="$p/cmd/docker@$version+incompatible how=vendor.mod cgo=0 ldflags=-s -w -X $p/cli/version.Version=${version#v} trimpath"
  tool_present "$name" "$version" "$recipe" && return 0
  command -v go >/dev/null || die "go is not on PATH (need go >= 1.26.8 for $name)"
  local dir stage=$TOOLS_DIR/.stage-$name t0=$SECONDS
  log "$name $version: building $p/cmd/docker@$version+incompatible ..."
  dir=$(module_dir "$p@$version+incompatible")
  [[ -d $dir ]] || die "go mod download $p@$version+incompatible failed"
  rm -rf "$stage" && mkdir -p "$stage" "$STAMPS"
  cp -r "$dir" "$stage/src" && chmod -R u+w "$stage/src"
  (cd "$stage/src" && cp vendor.mod go.mod && cp vendor.sum go.sum && rm -rf vendor &&
    GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local go build -mod=mod -trimpath \
      -ldflags "-s -w -X $p/cli/version.Version=${version#v}" -o "$stage/docker" ./cmd/docker) ||
    { rm -rf "$stage"; die "go build $p/cmd/docker@$version failed"; }
  tool_built "$name" "$recipe" "$stage/docker" $((SECONDS - t0))
  rm -rf "$stage"
}

main() {
  local targets=("$@")
  ((${#targets[@]})) || targets=(all)
  mkdir -p "$TOOLS_DIR"
  for t in "${targets[@]}"; do
    case $t in
      buildx) install_buildx ;;
      buildkit | buildkitd | buildctl) install_buildkit ;;
      act) install_act ;;
      dockerfile-frontend) install_dockerfile_frontend ;;
      docker29) install_docker29 ;;
      all) install_buildx; install_buildkit; install_act; install_dockerfile_frontend ;;
      *) die "unknown tool '$t' (valid: buildx, buildkit, act, dockerfile-frontend, docker29, all)" ;;
    esac
  done
}

main "$@"
