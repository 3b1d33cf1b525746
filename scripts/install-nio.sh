#!/usr/bin/env bash
# Installs matrix-nio (an independent Matrix client that encrypts, on vodozemac) into a Python
# virtual environment for the end-to-end tests of encrypted rooms, then prints the environment's
# path (and nothing else) on stdout. Idempotent: returns at once when the pinned version is there.
#
#   scripts/install-nio.sh         # venv in $COMPTOIR_NIO_VENV or ~/.cache/comptoir/nio-venv
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/venv-lib.sh"

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

venv_ready_or_continue "$NIO_VERSION"
venv_lock "$NIO_VERSION"
venv_create
say "installing matrix-nio[e2e] $NIO_VERSION"
"$venv/bin/pip" install --quiet "matrix-nio[e2e]==$NIO_VERSION" >&2
[ "$(installed_version)" = "$NIO_VERSION" ] || die "matrix-nio $NIO_VERSION did not install with encryption"
printf '%s\n' "$venv"
