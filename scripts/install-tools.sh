#!/usr/bin/env bash
# Build the pinned Docker tooling from source through the Go module proxy
# (no GitHub, no container registries here): buildx (also as a docker CLI
# plugin), buildkitd + buildctl, act, and BuildKit's Dockerfile frontend
# (the binary of the docker/dockerfile image, which scripts/stack.sh wraps
# in an image for the local registry).
#
#   scripts/install-tools.sh [buildx|buildkit|act|dockerfile-frontend|all]...   (default: all)
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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${TOOLS_DIR:-$ROOT/.stack/tools/bin}
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
STAMPS=$TOOLS_DIR/.stamps

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# install_go NAME PKG VERSION CGO TAGS LDFLAGS [main [MODULE]]
# With "main", build inside the downloaded module as the main module: needed
# when its go.mod has exclude or replace directives, which `go install
# pkg@version` refuses (buildkit's does). MODULE defaults to PKG up to /cmd/.
install_go() {
  local name=$1 pkg=$2 version=$3 cgo=$4 tags=$5 ldflags=$6 how=${7:-install} module=${8:-}
  local bin=$TOOLS_DIR/$name stamp=$STAMPS/$name
  local recipe="$pkg@$version how=$how cgo=$cgo tags=$tags ldflags=$ldflags trimpath"
  if [[ -x $bin && -f $stamp && $(<"$stamp") == "$recipe" ]]; then
    log "$name $version: present"
    return 0
  fi
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
    dir=$(cd / && go mod download -json "$mod@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [[ -d $dir ]] || { rm -rf "$stage"; die "go mod download $mod@$version failed"; }
    (cd "$dir" && go build "${flags[@]}" -o "$out" "./${pkg#"$mod"/}") ||
      { rm -rf "$stage"; die "go build $pkg@$version failed"; }
  else
    # cd / : go install pkg@version must not see this repo's go.mod or go.work.
    (cd / && GOBIN=$stage go install "${flags[@]}" "$pkg@$version") ||
      { rm -rf "$stage"; die "go install $pkg@$version failed"; }
  fi
  mv -f "$out" "$bin"
  rm -rf "$stage"
  printf '%s' "$recipe" >"$stamp"
  log "$name $version: built in $((SECONDS - t0))s, $(du -m "$bin" | cut -f1) MiB"
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
      all) install_buildx; install_buildkit; install_act; install_dockerfile_frontend ;;
      *) die "unknown tool '$t' (valid: buildx, buildkit, act, dockerfile-frontend, all)" ;;
    esac
  done
}

main "$@"
