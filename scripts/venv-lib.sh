# Shared by install-synapse.sh and install-nio.sh (sourced, not run): the steps around a pinned
# package in a Python virtual environment. The caller sets $venv (where it lives) and $python (the
# interpreter that creates it), and defines say (progress on stderr) and installed_version (prints
# the version in the venv, or nothing). Only the venv's path may go to stdout.

die() { say "$*"; exit 1; }

# venv_ready_or_continue VERSION: prints the venv's path and ends the script when it holds VERSION.
venv_ready_or_continue() {
  if [ "$(installed_version)" = "$1" ]; then
    printf '%s\n' "$venv"
    exit 0
  fi
}

# venv_lock VERSION: two installers at once (a test JVM and a terminal) would corrupt the venv, so
# this waits for $venv.lock (held until the script ends), then checks again for VERSION.
venv_lock() {
  mkdir -p "$(dirname "$venv")"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$venv.lock"
    flock 9
    venv_ready_or_continue "$1"
  fi
}

# venv_create: replaces a venv without pip (a half-made one), creates it when missing.
venv_create() {
  if [ -e "$venv" ] && [ ! -x "$venv/bin/pip" ]; then
    say "removing the unusable environment at $venv"
    rm -rf -- "$venv"
  fi
  if [ ! -e "$venv" ]; then
    say "creating a virtual environment at $venv"
    "$python" -m venv "$venv" >&2 \
      || die "could not create the venv (Debian: apt-get install python3-venv)"
  fi
}
