#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths (bench/jmh, docs/benchmarks.md), short runs by default.
#   bash bench/jmh.sh                      # all: JournalBench, DispatchBench, TextBench, LinkLookupBench
#   bash bench/jmh.sh TextBench            # one class (any JMH regexp / option after it)
#   JMH_ARGS="-f3 -wi 5 -i 10" bash bench/jmh.sh   # longer runs, on a quiet machine
#   BUILD=0 bash bench/jmh.sh              # reuse bench/jmh/target/benchmarks.jar
# Writes bench/results/<date>-jmh-<time>.txt (+ .json) with the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -o -Pjmh -pl bench/jmh -am package -DskipTests
fi
JMH_ARGS=${JMH_ARGS:--f1 -wi 3 -i 5 -w 2s -r 2s -prof gc}
stamp=$(date -u +%F)-jmh-$(date -u +%H%M)
out=bench/results/$stamp.txt
mkdir -p bench/results
{
  echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $(java -version 2>&1 | head -1); args: $JMH_ARGS $*"
  # shellcheck disable=SC2086
  java -jar bench/jmh/target/benchmarks.jar $JMH_ARGS -rf json -rff "bench/results/$stamp.json" "$@"
  echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
