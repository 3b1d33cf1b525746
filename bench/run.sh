#!/usr/bin/env bash
# Runs the shared appservice load harness with Comptoir beside the two Node.js baselines, on this
# machine, in one invocation (so all targets share one machine state). Needs Node.js, npm and wrk.
#   bash bench/run.sh                 # all three targets, REPS=3 DUR=20s by default
#   TARGETS=comptoir bash bench/run.sh  # Comptoir alone
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
harness="${COMPTOIR_BENCH_HARNESS:-$root/../shared/bench}"
[ -f "$harness/run-baseline.sh" ] || { echo "bench: the harness is not at $harness" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }

jar="$root/dist/target/comptoir.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q package -DskipTests)

# server.sh starts it on a fresh database each time, so every round measures the same work.
export CMD_comptoir="$here/server.sh"
export PORT_comptoir=29303 CTL_comptoir=29313 CWD_comptoir="$here"
export TARGETS="${TARGETS:-bridge botsdk comptoir}"
exec bash "$harness/run-baseline.sh"
