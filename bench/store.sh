#!/usr/bin/env bash
# Store scale and journal clean-up (bench/jmh, docs/benchmarks.md):
#   bash bench/store.sh            # StoreScale on SQLite and PostgreSQL, JournalPruneStall on both
#   bash bench/store.sh scale sqlite 1000000
#   bash bench/store.sh prune sqlite 300000
# PostgreSQL: COMPTOIR_TEST_PG_URL (the tools use their own schema and drop it at the end).
# Writes bench/results/<date>-store-<time>.jsonl (one JSON line per measurement, load average in it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -o -Pjmh -pl bench/jmh -am package -DskipTests
fi
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -Dlogback.configurationFile=logback-bench.xml}
out=bench/results/$(date -u +%F)-store-$(date -u +%H%M).jsonl
mkdir -p bench/results
run() {
  local what=$1 db=$2 n=${3:-}
  local cls=coop.comptoir.bridge.engine.StoreScale
  [ "$what" = prune ] && cls=coop.comptoir.bench.JournalPruneStall
  echo "# $(date -u +%FT%TZ) $what $db $n commit $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp bench/jmh/target/benchmarks.jar "$cls" "$db" $n | tee -a "$out"
}
if [ $# -gt 0 ]; then
  run "$@"
else
  run scale sqlite
  [ -n "${COMPTOIR_TEST_PG_URL:-}" ] && run scale postgres
  run prune sqlite
  [ -n "${COMPTOIR_TEST_PG_URL:-}" ] && run prune postgres
fi
echo "results: $out" >&2
