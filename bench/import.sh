#!/usr/bin/env bash
# History import (!bridge import) from the fake Discord: rate, CPU per message, resident memory for
# two sizes imported one after the other (Comptoir's sends answered in front of Synapse), then a
# smaller import into the real Synapse to show where the bottleneck is. Method and results:
# docs/benchmarks.md ("History import"). Output: bench/results/<date>-import-<time>.jsonl.
#   SIZES=20000,100000 SYNAPSE_SIZE=2000 MAX_SECONDS=420 bash bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/bench/results/$(date -u +%F)-import-$(date -u +%H%M).jsonl"
mkdir -p bench/results
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD); $(nproc) cores" | tee "${out%.jsonl}.log" >&2
# -Dtest also reaches the root pom's fuzz-inputs execution: the bench skips itself there once its
# output exists.
mvn -B -o -pl src/test -am verify -Dtest=ImportBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.out="$out" -Dbench.sizes="${SIZES:-20000,100000}" -Dbench.synapseSize="${SYNAPSE_SIZE:-2000}" -Dbench.maxSeconds="${MAX_SECONDS:-420}" \
  >> "${out%.jsonl}.log" 2>&1 || { tail -60 "${out%.jsonl}.log"; exit 1; }
cat "$out"
