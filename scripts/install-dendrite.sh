#!/usr/bin/env bash
# Installs the Dendrite homeserver used by the end-to-end tests tagged "dendrite" (built from source
# with `go install`, through the Go module proxy), then prints the folder of its binaries (and
# nothing else) on stdout.
#
#   scripts/install-dendrite.sh      # binaries in $COMPTOIR_DENDRITE_DIR or ~/.cache/comptoir/dendrite-<version>/bin
#
# Idempotent: when the folder already holds the pinned version it returns at once. Progress goes to
# stderr so that callers can do `bin=$(scripts/install-dendrite.sh)`. The build needs Go 1.21 or
# newer and a C compiler (Dendrite's SQLite driver uses cgo); the module and build caches stay under
# ~/.cache/comptoir/ so that a second build is quick.
#
# Environment:
#   COMPTOIR_DENDRITE_DIR   where the binaries go
#   COMPTOIR_GO             the go command (default: go on the PATH, else /usr/local/go/bin/go)
set -euo pipefail

DENDRITE_VERSION=0.13.8
cache=$HOME/.cache/comptoir
bin=${COMPTOIR_DENDRITE_DIR:-$cache/dendrite-$DENDRITE_VERSION/bin}
tools=(dendrite generate-config generate-keys)

say() { printf 'install-dendrite: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

installed() {
  local t
  for t in "${tools[@]}"; do [ -x "$bin/$t" ] || return 1; done
  [ "$(cat "$bin/VERSION" 2>/dev/null)" = "$DENDRITE_VERSION" ]
}

if installed; then
  printf '%s\n' "$bin"
  exit 0
fi

mkdir -p "$bin"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$bin/.lock"
  flock 9
  if installed; then
    printf '%s\n' "$bin"
    exit 0
  fi
fi

go=${COMPTOIR_GO:-}
if [ -z "$go" ]; then
  if command -v go >/dev/null 2>&1; then go=$(command -v go); else go=/usr/local/go/bin/go; fi
fi
[ -x "$go" ] || die "no Go toolchain ($go): install Go 1.21 or newer (https://go.dev/dl/; Debian 13: apt-get install golang-go)"
go_minor=$("$go" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
[ -n "$go_minor" ] && [ "$go_minor" -ge 21 ] \
  || die "$("$go" env GOVERSION) is too old: Dendrite $DENDRITE_VERSION needs Go 1.21 or newer (Debian 12's golang-go is 1.19: use https://go.dev/dl/)"
command -v "$("$go" env CC)" >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 \
  || die "no C compiler: Dendrite's SQLite driver needs one (Debian: apt-get install gcc)"

say "building Dendrite $DENDRITE_VERSION with $("$go" env GOVERSION) (a few minutes the first time)"
packages=()
for t in "${tools[@]}"; do packages+=("github.com/matrix-org/dendrite/cmd/$t@v$DENDRITE_VERSION"); done
GOBIN="$bin" GOMODCACHE="$cache/go-mod" GOCACHE="$cache/go-build" CGO_ENABLED=1 GOFLAGS=-modcacherw \
  "$go" install "${packages[@]}" >&2
printf '%s\n' "$DENDRITE_VERSION" >"$bin/VERSION"
installed || die "the Dendrite binaries are missing from $bin after the build"
printf '%s\n' "$bin"
