#!/usr/bin/env bash
# Installs the Synapse homeserver used by the end-to-end tests and scripts/try-local.sh into a
# Python virtual environment, then prints the environment's path (and nothing else) on stdout.
#
#   scripts/install-synapse.sh            # venv in $COMPTOIR_SYNAPSE_VENV or ~/.cache/comptoir/synapse-venv
#
# Idempotent: when the venv already holds the pinned version it returns at once. Progress goes
# to stderr so that callers can do `venv=$(scripts/install-synapse.sh)`.
#
# Environment:
#   COMPTOIR_SYNAPSE_VENV   where the venv lives
#   COMPTOIR_PYTHON         the interpreter that creates it (default python3; 3.10 or newer)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/venv-lib.sh"

SYNAPSE_VERSION=1.163.2
venv=${COMPTOIR_SYNAPSE_VENV:-$HOME/.cache/comptoir/synapse-venv}
python=${COMPTOIR_PYTHON:-python3}

say() { printf 'install-synapse: %s\n' "$*" >&2; }

installed_version() {
  [ -x "$venv/bin/python" ] || return 0
  "$venv/bin/python" - <<'PY' 2>/dev/null || true
import importlib.metadata as metadata
try:
    print(metadata.version("matrix-synapse"))
except metadata.PackageNotFoundError:
    pass
PY
}

venv_ready_or_continue "$SYNAPSE_VERSION"
venv_lock "$SYNAPSE_VERSION"

command -v "$python" >/dev/null 2>&1 || die "$python not found: install Python 3.10+ (Debian: apt-get install python3 python3-venv)"
"$python" - <<'PY' || die "$python is too old: Synapse $SYNAPSE_VERSION needs Python 3.10 or newer"
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
PY

venv_create

say "installing matrix-synapse==$SYNAPSE_VERSION (takes a minute the first time)"
"$venv/bin/pip" install --quiet --disable-pip-version-check "matrix-synapse==$SYNAPSE_VERSION" >&2

[ "$(installed_version)" = "$SYNAPSE_VERSION" ] || die "matrix-synapse $SYNAPSE_VERSION is not importable from $venv after the install"
printf '%s\n' "$venv"
