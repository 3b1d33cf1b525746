#!/usr/bin/env bash
# Installs matrix-nio (an independent Matrix client that encrypts, on vodozemac) into a Python
# virtual environment for the end-to-end tests of encrypted rooms, then prints the environment's
# path (and nothing else) on stdout. Idempotent: returns at once when the pinned version is there.
#
#   scripts/install-nio.sh         # venv in $COMPTOIR_NIO_VENV or ~/.cache/comptoir/nio-venv
set -euo pipefail

NIO_VERSION=0.26.0
venv=${COMPTOIR_NIO_VENV:-$HOME/.cache/comptoir/nio-venv}
python=${COMPTOIR_PYTHON:-python3}

say() { printf 'install-nio: %s\n' "$*" >&2; }

installed_version() {
  [ -x "$venv/bin/python" ] || return 0
  "$venv/bin/python" - <<'PY' 2>/dev/null || true
import importlib.metadata as metadata
try:
    import nio.crypto
    if nio.crypto.ENCRYPTION_ENABLED:
        print(metadata.version("matrix-nio"))
except Exception:
    pass
PY
}

if [ "$(installed_version)" = "$NIO_VERSION" ]; then
  printf '%s\n' "$venv"
  exit 0
fi
mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv.lock"
  flock 9
  if [ "$(installed_version)" = "$NIO_VERSION" ]; then
    printf '%s\n' "$venv"
    exit 0
  fi
fi
if [ ! -x "$venv/bin/pip" ]; then
  rm -rf -- "$venv"
  say "creating a virtual environment at $venv"
  "$python" -m venv "$venv" >&2
fi
say "installing matrix-nio[e2e] $NIO_VERSION"
"$venv/bin/pip" install --quiet "matrix-nio[e2e]==$NIO_VERSION" >&2
[ "$(installed_version)" = "$NIO_VERSION" ] || { say "matrix-nio $NIO_VERSION did not install with encryption"; exit 1; }
printf '%s\n' "$venv"
