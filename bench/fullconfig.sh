#!/usr/bin/env bash
# Comptoir with every part on at once (issue #15's "full configuration"), beside the empty runtime:
# welcome (greeting the harness's 20 rooms), shifts (a YAML schedule of 200 weekly shifts), forum
# (polling a small fake Discourse), the Discord bridge (20 channels of the fake Discord linked to 20
# rooms) and bench-count, a plugin jar whose handler runs for every event. The homeserver is a fake
# that accepts every call. Fakes, config and plugin jar: bench/fullconfig (FullConfigFakes).
# Modes: empty (bench/comptoir-bench.yaml, no plugin), full (the harness's rooms are welcome rooms;
# the 20 portals are other rooms, so the bridge's filter sees each message and lets it go), bridged
# (the same, with the harness's 20 rooms as the portals: every message is also relayed to Discord).
# Method and results: docs/benchmarks.md ("Full configuration").
#
#   bash bench/fullconfig.sh                   # REPS=3 of empty, full, bridged; then RSS vs portals 0 20 100 500
#   REPS=1 MODES=full PORTALS_LIST= bash bench/fullconfig.sh
#   DUR=20s K=10 IDLE=10 BUILD=0 bash bench/fullconfig.sh
#
# Per repetition and mode, on a fresh database, with the options ./comptoir run uses
# (config/jvm.options + the class data sharing archive): time to the first answered transaction
# and to "plugin instances started" (every plugin started, Discord connected), CPU to get there,
# idle RSS after IDLE s, then the shared harness's wrk (txn.lua, K events per transaction) at 1 and
# at 16 in flight for DUR each: events stored per second (wrk) and events whose handlers all ran per
# second (/count, waited for until the backlog is drained), wrk's latencies, the server's CPU per
# event, the handler runs of each plugin (/metrics); then burst.py --probe at 1 in flight for 10 s:
# each request's own latency, and the delay from sending to bench-count's handler run; peak RSS.
# Then, one run per portal count: start-up and idle / peak RSS (after a 10-s 16-connection burst),
# then a restart on the same database (start-up and idle RSS again).
# Output: bench/results/<date>-fullconfig-<time>.jsonl (one JSON line per run) and a summary table.
# Uses ports 29563/29573 (BENCH_PORT/BENCH_CTL). Needs wrk, curl, python3 and the shared harness (../shared/bench).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
REPS=${REPS:-3}
MODES=${MODES:-empty full bridged}
DUR=${DUR:-20s}
K=${K:-10}
IDLE=${IDLE:-10}
SHIFTS=${SHIFTS:-200}
PORTALS=${PORTALS:-20}
PORTALS_LIST=${PORTALS_LIST-0 20 100 500}
# Not the other bench scripts' 29303/29313: they may run at the same time on a shared machine.
export BENCH_PORT=${BENCH_PORT:-29563} BENCH_CTL=${BENCH_CTL:-29573}
for p in "$BENCH_PORT" "$BENCH_CTL"; do
  if ss -ltn "( sport = :$p )" 2>/dev/null | grep -q LISTEN; then
    echo "fullconfig: port $p is taken (another benchmark?); set BENCH_PORT / BENCH_CTL" >&2; exit 1
  fi
done
lua="${COMPTOIR_BENCH_HARNESS:-$root/../shared/bench}/txn.lua"
command -v wrk >/dev/null || { echo "fullconfig: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$lua" ] || { echo "fullconfig: the shared harness is not at $(dirname "$lua")" >&2; exit 1; }
cd "$root"
if [ "${BUILD:-1}" = 1 ]; then
  [ -f dist/target/comptoir.jar ] || mvn -B -q -o package -DskipTests -pl dist -am
  mvn -B -q -o -Pfullconfig -pl bench/fullconfig -am package -DskipTests
fi
jar="$root/dist/target/comptoir.jar"
fakes_jar="$root/bench/fullconfig/target/fullconfig.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=../dist/src/deb/jvm-options.sh
. "$root/dist/src/deb/jvm-options.sh"
out="$root/bench/results/$(date -u +%F)-fullconfig-$(date -u +%H%M).jsonl"
mkdir -p "$root/bench/results"
work=/tmp/comptoir-fullconfig
tck=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }
machine=$(printf '{"machine":{"nproc":%d,"mem_total_mib":%d,"cpu":"%s","kernel":"%s","java":"%s","commit":"%s","started":"%s"}}' \
  "$(nproc)" "$(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$(uname -r)" "$("$java_bin" -version 2>&1 | head -1 | tr -d '"')" "$(git rev-parse --short HEAD)" "$(date -u +%FT%TZ)")
echo "$machine" | tee "$out" >&2

fpid= cpid=
cleanup() {
  [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null || true
  [ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null || true
  exec 7>&- 2>/dev/null || true
  cpid= fpid=
}
trap cleanup EXIT

# start_fakes DIR PORTALS [BRIDGE_HARNESS_ROOMS]: the fakes in their own JVM (stdin held open on
# fd 7), config in DIR.
start_fakes() {
  local dir=$1 n=$2 bridged=${3:-false}
  mkfifo "$dir/fakes.in"
  "$java_bin" -Xmx256m -XX:+UseSerialGC -jar "$fakes_jar" --dir "$dir" --portals "$n" --shifts "$SHIFTS" --port "$BENCH_PORT" --ctl "$BENCH_CTL" --bridge-harness-rooms "$bridged" \
    <"$dir/fakes.in" >"$dir/fakes.out" 2>"$dir/fakes.err" &
  fpid=$!
  exec 7>"$dir/fakes.in"
  for _ in $(seq 1 600); do grep -q '^READY' "$dir/fakes.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "fullconfig: the fakes did not start; $dir/fakes.err:" >&2; tail -20 "$dir/fakes.err" >&2; exit 1
}

body='{"events":[{"type":"m.room.message","room_id":"!r:remote.example","sender":"@u:remote.example","content":{"msgtype":"m.text","body":"hi"},"origin_server_ts":1,"event_id":"$startup"}]}'
# start_comptoir CONFIG LOG: sets cpid, first_ms, cpu_first_ms, ready_ms (from the start-up trace).
start_comptoir() {
  local config=$1 log=$2 start_ns code
  local opts
  opts="${OPTS-$(comptoir_jvm_options "$root/config/jvm.options" "$java_bin" "${CDS_DIR-$root/dist/target}" "$jar" run)}"
  archive_before=$([ -n "$(ls "${CDS_DIR-$root/dist/target}"/*.jsa 2>/dev/null)" ] && echo true || echo false)
  start_ns=$(date +%s%N)
  # shellcheck disable=SC2086
  "$java_bin" $opts -Dcomptoir.startup.trace -jar "$jar" run --config "$config" >"$log" 2>&1 &
  cpid=$!
  first_ms=null
  for _ in $(seq 1 6000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Authorization: Bearer hs_secret' -H 'Content-Type: application/json' \
      --data "$body" "http://127.0.0.1:$BENCH_PORT/_matrix/app/v1/transactions/startup-1" || true)
    if [ "$code" = 200 ]; then first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 )); break; fi
    kill -0 "$cpid" 2>/dev/null || { echo "fullconfig: Comptoir stopped; $log:" >&2; tail -30 "$log" >&2; exit 1; }
    sleep 0.01
  done
  cpu_first_ms=$(awk -v hz="$tck" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$cpid/stat")
  # The empty runtime's homeserver is unreachable on purpose: its plugins (none) never start.
  [ "${wait_ready:-1}" = 1 ] && for _ in $(seq 1 3000); do grep -q 'Comptoir is ready' "$log" && break; sleep 0.1; done
  ready_ms=$( (grep 'plugin instances started' "$log" || true) | sed 's/.*(\([0-9]*\) ms since the process started).*/\1/' | tail -1)
  ready_ms=${ready_ms:-null}
  cpu_ready_ms=$(awk -v hz="$tck" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$cpid/stat")
}

stop_comptoir() { kill "$cpid"; wait "$cpid" 2>/dev/null || true; cpid=; }
stop_fakes() { kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null || true; exec 7>&-; fpid=; }
count() { curl -sf "http://127.0.0.1:$BENCH_CTL/count" | sed 's/[^0-9]//g'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$cpid/stat"; }
rss() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$cpid/status"; }
hwm() { awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$cpid/status"; }
handler_runs() { curl -sf "http://127.0.0.1:$BENCH_CTL/metrics" | awk '/^comptoir_handler_duration_seconds_count/ {
  match($0, /plugin="[^"]*"/); p = substr($0, RSTART + 8, RLENGTH - 9); printf "%s\"%s\":%d", (n++ ? "," : ""), p, $2 } END { if (!n) printf "" }'; }

# load_step N: wrk with N connections for DUR, then waits until every stored event was handled.
load_step() {
  local n=$1 th c0 e0 t0 wj c1 e1 t1 sent stable last h0 h1 ls0
  th=$(( n < 2 ? 1 : 2 ))
  h0="{$(handler_runs)}"
  c0=$(cpu_ticks); e0=$(count); t0=$(date +%s%N); ls0=$(load)
  wj=$(RUN_ID="fc$n-$(date +%s%N)" K=$K wrk -t$th -c"$n" -d"$DUR" --timeout 10s -s "$lua" "http://127.0.0.1:$BENCH_PORT" \
    | grep '^WRKJSON ' | sed 's/^WRKJSON //')
  sent=$(echo "$wj" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ok"])')
  local want=$(( e0 + sent * K )) stored_t=$(date +%s%N)
  last=-1; stable=0
  for _ in $(seq 1 1200); do   # up to 120 s for the handlers to catch up
    e1=$(count)
    [ "$e1" -ge "$want" ] && break
    if [ "$e1" = "$last" ]; then stable=$((stable + 1)); [ $stable -ge 50 ] && break; else stable=0; fi
    last=$e1; sleep 0.1
  done
  t1=$(date +%s%N); c1=$(cpu_ticks); h1="{$(handler_runs)}"
  printf '{"in_flight":%d,"wrk":%s,"events_stored":%d,"events_handled":%d,"stored_per_s":%.0f,"handled_per_s":%.0f,"drain_after_wrk_ms":%d,"server_cpu_us_per_event":%.1f,"handler_runs_before":%s,"handler_runs_after":%s,"load_start":"%s","load_end":"%s"}' \
    "$n" "$wj" $((sent * K)) $((e1 - e0)) "$(echo "$sent * $K * 1000000000 / ($stored_t - $t0)" | bc -l)" \
    "$(echo "($e1 - $e0) * 1000000000 / ($t1 - $t0)" | bc -l)" $(( (t1 - stored_t) / 1000000 )) \
    "$(echo "($c1 - $c0) * 1000000 / $tck / ($e1 - $e0 + 1)" | bc -l)" "$h0" "$h1" "$ls0" "$(load)"
}

for rep in $(seq 1 "$REPS"); do
  for mode in $MODES; do
    dir="$work/$mode-$rep"; rm -rf "$dir"; mkdir -p "$dir"
    l0=$(load)
    if [ "$mode" != empty ]; then
      start_fakes "$dir" "$PORTALS" "$([ "$mode" = bridged ] && echo true || echo false)"
      config=$(sed -n 's/^READY //p' "$dir/fakes.out")
    else
      config="$here/comptoir-bench.yaml"; export BENCH_DB="$dir/comptoir.db"
    fi
    wait_ready=$([ "$mode" != empty ] && echo 1 || echo 0) start_comptoir "$config" "$dir/comptoir.log"
    sleep "$IDLE"
    idle_rss=$(rss)
    idle_split=$(awk '/^RssAnon|^RssFile/ {printf "%s%.1f ", $1, $2/1024}' "/proc/$cpid/status")
    one=$(load_step 1)
    sixteen=$(load_step 16)
    probe=$(python3 "$here/burst.py" --connections 1 --seconds 10 --k "$K" --port "$BENCH_PORT" --probe)
    peak=$(hwm)
    stop_comptoir
    probe_delay=$(grep -o 'bench-count: probe delay ms .*' "$dir/comptoir.log" | sed 's/bench-count: probe delay ms //' || true)
    [ "$mode" != empty ] && stop_fakes
    printf '{"rep":%d,"mode":"%s","portals":%d,"shifts":%d,"archive_before":%s,"first_answer_ms":%s,"cpu_ms_to_first_answer":%s,"plugins_started_ms":%s,"cpu_ms_to_plugins_started":%s,"idle_rss_mib":%s,"idle_rss_split_mib":"%s","peak_rss_mib":%s,"one":%s,"sixteen":%s,"burst_probe":%s,"probe_send_to_handler_ms":"%s","fakes":"%s","load_start":"%s","load_end":"%s"}\n' \
      "$rep" "$mode" "$([ "$mode" != empty ] && echo "$PORTALS" || echo 0)" "$([ "$mode" != empty ] && echo "$SHIFTS" || echo 0)" \
      "$archive_before" "$first_ms" "$cpu_first_ms" "$ready_ms" "$cpu_ready_ms" "$idle_rss" "$idle_split" "$peak" \
      "$one" "$sixteen" "$probe" "$probe_delay" "$([ "$mode" != empty ] && tail -1 "$dir/fakes.err" | tr -d '"' || true)" \
      "$l0" "$(load)" | tee -a "$out"
  done
done

# RSS and start-up vs the number of bridged channels (full configuration, one run each).
for n in $PORTALS_LIST; do
  dir="$work/portals-$n"; rm -rf "$dir"; mkdir -p "$dir"
  l0=$(load)
  start_fakes "$dir" "$n"; config=$(sed -n 's/^READY //p' "$dir/fakes.out")
  start_comptoir "$config" "$dir/comptoir.log"
  first_ms_1=$first_ms ready_ms_1=$ready_ms cpu_ready_ms_1=$cpu_ready_ms
  sleep "$IDLE"
  idle_rss=$(rss)
  burst=$(python3 "$here/burst.py" --connections 16 --seconds 10 --k "$K" --port "$BENCH_PORT")
  peak=$(hwm)
  portals_up=$(grep -c 'Portal from the config' "$dir/comptoir.log" || true)
  stop_comptoir
  # A restart on the same database: the portals, reminders and forum baseline are already stored.
  start_comptoir "$config" "$dir/comptoir-restart.log"
  sleep "$IDLE"
  restart=$(printf '{"first_answer_ms":%s,"plugins_started_ms":%s,"cpu_ms_to_plugins_started":%s,"idle_rss_mib":%s}' \
    "$first_ms" "$ready_ms" "$cpu_ready_ms" "$(rss)")
  stop_comptoir; stop_fakes
  printf '{"portals_run":%d,"portals_linked_at_start":%d,"archive_before":%s,"first_answer_ms":%s,"plugins_started_ms":%s,"cpu_ms_to_plugins_started":%s,"idle_rss_mib":%s,"peak_rss_mib":%s,"burst16":%s,"restart":%s,"load_start":"%s","load_end":"%s"}\n' \
    "$n" "$portals_up" "$archive_before" "$first_ms_1" "$ready_ms_1" "$cpu_ready_ms_1" "$idle_rss" "$peak" "$burst" "$restart" "$l0" "$(load)" | tee -a "$out"
done

python3 "$here/fullconfig_summary.py" "$out"
echo "results: $out" >&2
