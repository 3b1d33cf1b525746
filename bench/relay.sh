#!/usr/bin/env bash
# Relay latency through the Discord bridge (Comptoir's own share) at 10, 50 and 200 messages/s
# across 20 channels, both ways; method and results: docs/benchmarks.md ("Relay latency").
# Runs src/test's RelayBench (real Synapse from the e2e rig, the fake Discord, the shaded jar with
# config/jvm.options). Output: bench/results/<date>-relay-<time>.jsonl, one JSON line per
# direction and rate, with the load average at the start and end of each phase.
#   RATES=10,50,200 SECONDS_PER_RATE=15 bash bench/relay.sh
#   SYNAPSE_SENDS=true bash bench/relay.sh     # Discord -> Matrix sends go on to Synapse
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/bench/results/$(date -u +%F)-relay-$(date -u +%H%M).jsonl"
mkdir -p bench/results
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD); $(nproc) cores" | tee "${out%.jsonl}.log" >&2
# -Dtest also reaches the root pom's fuzz-inputs execution: the bench skips itself there once its
# output exists.
mvn -B -o -pl src/test -am verify -Dtest=RelayBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.out="$out" -Dbench.rates="${RATES:-10,50,200}" -Dbench.seconds="${SECONDS_PER_RATE:-15}" \
  -Dbench.synapseSends="${SYNAPSE_SENDS:-false}" >> "${out%.jsonl}.log" 2>&1 || { tail -60 "${out%.jsonl}.log"; exit 1; }
cat "$out"
