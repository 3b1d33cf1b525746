#!/usr/bin/env bash
# Idle memory as issue #15's target reads it: RUNS runs (default 3) of bench/startup.sh, each left
# idle IDLE_WAIT seconds (default 60) before its RSS is read, `uptime` printed before each run,
# then the medians. One JSON line per run on stdout (bench/startup.sh's), the medians last.
# When the jar has no class data sharing archive yet, a first short run writes it (as the first
# start of the service does) and is not counted.
#   bash bench/idle.sh                          # the options of ./comptoir run
#   JAVA_OPTS_EXTRA=-Xmn2m bash bench/idle.sh   # one more option
#   CDS_DIR=/tmp/cds-xml JAVA_OPTS_EXTRA=-Dlogback.configurationFile=$PWD/config/logback.xml bash bench/idle.sh
# Other variables are bench/startup.sh's (BENCH_PORT, BENCH_CTL, BENCH_DB, JAR, OPTS, CONFIG).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${RUNS:-3}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=../dist/src/deb/jvm-options.sh
. "$root/dist/src/deb/jvm-options.sh"
if [ -z "${OPTS+x}" ] && comptoir_jvm_options "$root/config/jvm.options" "$java_bin" "${CDS_DIR-$root/dist/target}" \
    "${JAR:-$root/dist/target/comptoir.jar}" run | grep -q ArchiveClassesAtExit; then
  echo "# no archive for this jar yet: a first run writes it (not counted); $(uptime)" >&2
  IDLE_WAIT=5 BURST=3 bash "$here/startup.sh" >/dev/null
fi
lines=()
for i in $(seq 1 "$runs"); do
  echo "# run $i of $runs, $(date -u +%H:%M:%S) UTC, uptime:$(uptime | sed 's/.*load/ load/')" >&2
  line="$(IDLE_WAIT="${IDLE_WAIT:-60}" BURST="${BURST:-3}" bash "$here/startup.sh")"
  echo "$line"
  lines+=("$line")
done
printf '%s\n' "${lines[@]}" | python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
def med(key):
    return statistics.median(r[key] for r in rows if r.get(key) is not None)
print(json.dumps({"median_of": len(rows), "idle_rss_mib": med("idle_rss_mib"), "idle_pss_mib": med("idle_pss_mib"),
                  "first_answer_ms": med("first_answer_ms"), "cpu_ms_to_first_answer": med("cpu_ms_to_first_answer"),
                  "classes_loaded": med("classes_loaded"), "threads": med("threads"), "peak_rss_mib": med("peak_rss_mib")}))'
