#!/usr/bin/env bash
# Start-up and memory of Comptoir, figures that hold on a loaded machine better than wall times:
# time to the first answered transaction (wall, with the load average beside it), classes loaded,
# idle RSS, peak RSS after a short burst, jar size. One line of JSON per run on stdout.
#   bash bench/startup.sh                     # the JVM options of ./comptoir (config/jvm.options)
#   JAVA_OPTS_EXTRA="-XX:TieredStopAtLevel=1" bash bench/startup.sh
#   CONFIG=path/to.yaml bash bench/startup.sh  # another configuration (default: the bench one)
#   OPTS="-XX:+UseSerialGC -Xmx256m" JAR=/tmp/old.jar bash bench/startup.sh   # other options / jar
# Needs curl and python3 (bench/burst.py sends the burst). Uses ports 29303/29313 (BENCH_PORT/BENCH_CTL).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="${JAR:-$root/dist/target/comptoir.jar}"
config="${CONFIG:-$here/comptoir-bench.yaml}"
port="${BENCH_PORT:-29303}"
ctl="${BENCH_CTL:-29313}"
export BENCH_PORT="$port" BENCH_CTL="$ctl" BENCH_DB="${BENCH_DB:-/tmp/asbench-startup/comptoir.db}"
work="$(dirname "$BENCH_DB")"
rm -rf "$work" && mkdir -p "$work"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The launcher's options: the same file ./comptoir reads, then the CDS options it adds.
# shellcheck source=../dist/src/deb/jvm-options.sh
. "$root/dist/src/deb/jvm-options.sh"
opts="${OPTS-$(comptoir_jvm_options "$root/config/jvm.options" "$java_bin" "${CDS_DIR-$root/dist/target}" "$jar" run)}"
classlog="$(mktemp)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
start_ns=$(date +%s%N)
# shellcheck disable=SC2086
"$java_bin" $opts ${JAVA_OPTS_EXTRA:-} -Xlog:class+load=info:file="$classlog" -Dcomptoir.startup.trace \
  -jar "$jar" run --config "$config" >"$work/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
body='{"events":[{"type":"m.room.message","room_id":"!r:remote.example","sender":"@u:remote.example","content":{"msgtype":"m.text","body":"hi"},"origin_server_ts":1,"event_id":"$startup"}]}'
first_ms=
for _ in $(seq 1 3000); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Authorization: Bearer hs_secret' \
    -H 'Content-Type: application/json' --data "$body" "http://127.0.0.1:$port/_matrix/app/v1/transactions/startup-1" || true)
  if [ "$code" = 200 ]; then first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 )); break; fi
  sleep 0.01
done
# CPU time (user + system, all threads) used to get there: less sensitive to the load than wall time.
cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
sleep 1
classes_at_first=$(grep -c 'source:' "$classlog" || true)
cds_classes=$(grep -c 'source: shared objects file' "$classlog" || true)
sleep "${IDLE_WAIT:-10}"
idle_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
idle_split=$(awk '/^RssAnon|^RssFile/ {printf "%s%.1f ", $1, $2/1024}' "/proc/$pid/status")
# Pss shares each page among the processes that map it (the JDK's archive, libjvm): what this
# process adds to the machine; threads at idle.
idle_pss_kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
threads=$(ls "/proc/$pid/task" | wc -l)
python3 "$here/burst.py" --connections 16 --seconds "${BURST:-10}" --port "$port" >"$work/burst" 2>&1 || true
peak_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true
trap - EXIT
printf '{"load":"%s","first_answer_ms":%s,"cpu_ms_to_first_answer":%s,"classes_loaded":%s,"classes_from_cds":%s,"idle_rss_mib":%.1f,"idle_pss_mib":%.1f,"threads":%s,"peak_rss_mib":%.1f,"jar_mib":%.1f,"idle_rss_split_mib":"%s","opts":"%s %s"}\n' \
  "$load" "${first_ms:-null}" "$cpu_ms" "$classes_at_first" "$cds_classes" "$(echo "$idle_kib/1024" | bc -l)" "$(echo "$idle_pss_kib/1024" | bc -l)" "$threads" \
  "$(echo "$peak_kib/1024" | bc -l)" "$(echo "$(stat -c %s "$jar")/1048576" | bc -l)" "$idle_split" "$opts" "${JAVA_OPTS_EXTRA:-}"
grep 'Start-up:' "$work/log" | sed 's/^.*Start-up: /  /' >&2
[ -n "${KEEP_CLASSLOG:-}" ] && cp "$classlog" "$KEEP_CLASSLOG"
rm -f "$classlog"
