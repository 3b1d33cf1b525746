#!/usr/bin/env bash
# How throughput, tail latency, CPU and memory grow with the transactions in flight (issue #15's
# growth table): one Comptoir (bench/server.sh, the empty runtime, fresh SQLite database), then for
# each N in IN_FLIGHT, wrk with N connections for DUR (the shared harness's txn.lua, K events per
# transaction) and burst.py with N connections (each request's own latency, no wrk correction).
#   bash bench/growth.sh                          # IN_FLIGHT="1 4 16 64" DUR=10s K=10
#   IN_FLIGHT="1 16" DUR=20s bash bench/growth.sh
# One JSON line per N in bench/results/<date>-growth-<time>.jsonl, with the load average and the
# server's CPU seconds per event (from /proc: holds under load better than wall-clock figures).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
IN_FLIGHT=${IN_FLIGHT:-1 4 16 64}
DUR=${DUR:-10s}
K=${K:-10}
secs=${DUR%s}
lua="${COMPTOIR_BENCH_HARNESS:-$root/../shared/bench}/txn.lua"
command -v wrk >/dev/null || { echo "growth: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$root/dist/target/comptoir.jar" ] || { echo "growth: build dist/target/comptoir.jar first (mvn -B -q -o verify -DskipTests)" >&2; exit 1; }
out="$root/bench/results/$(date -u +%F)-growth-$(date -u +%H%M).jsonl"
log=$(mktemp)
bash "$here/server.sh" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "http://127.0.0.1:29313/count" && break
  sleep 0.1
done
cpu() { awk '{print $14+$15}' "/proc/$pid/stat"; }   # clock ticks, user + system
tck=$(getconf CLK_TCK)
count() { curl -sf "http://127.0.0.1:29313/count" | sed 's/[^0-9]//g'; }
for n in $IN_FLIGHT; do
  th=$(( n < 2 ? 1 : 2 ))
  c0=$(cpu); e0=$(count)
  wj=$(RUN_ID="g$n-$(date +%s)" K=$K wrk -t$th -c"$n" -d"$DUR" --timeout 10s -s "$lua" http://127.0.0.1:29303 | grep '^WRKJSON ' | sed 's/^WRKJSON //')
  c1=$(cpu); e1=$(count)
  bj=$(python3 "$here/burst.py" --connections "$n" --seconds "$secs" --k "$K")
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status"); hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
  printf '{"in_flight":%d,"k":%d,"events_counted":%d,"server_cpu_us_per_event":%.1f,"rss_kib":%d,"hwm_kib":%d,"wrk":%s,"burst":%s,"load":"%s","commit":"%s"}\n' \
    "$n" "$K" $((e1 - e0)) "$(echo "($c1 - $c0) * 1000000 / $tck / ($e1 - $e0 + 1)" | bc -l)" "$rss" "$hwm" "$wj" "$bj" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git -C "$root" rev-parse --short HEAD)" | tee -a "$out"
done
echo "results: $out" >&2
