#!/usr/bin/env python3
"""Sends appservice transactions like the shared harness's txn.lua (K m.room.message events each,
fresh txnId and event IDs), over keep-alive connections, and prints each request's own latency:
no coordinated-omission correction (see docs/benchmarks.md for why wrk's figures differ).

    python3 bench/burst.py [--connections 1] [--seconds 10] [--k 10] [--port 29303]
Prints one JSON line: requests, events/s, latency p50/p90/p99/p999/max in ms, non-200 answers, and
what wrk 4 would print for the same samples (its coordinated-omission correction).
"""
import argparse, http.client, json, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--connections", type=int, default=1)
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("--k", type=int, default=10)
ap.add_argument("--port", type=int, default=29303)
ap.add_argument("--token", default="hs_secret")
# --probe: events sent by @probe:remote.example with origin_server_ts = the time of sending (ms), which
# the full configuration's bench-count plugin turns into a send -> handler-run delay (bench/fullconfig.sh).
ap.add_argument("--probe", action="store_true")
a = ap.parse_args()
run = str(int(time.time() * 1000))
lat, bad, lock = [], [0], threading.Lock()
stop_at = time.monotonic() + a.seconds


def body(tid, n):
    evs = []
    for i in range(a.k):
        g = n * a.k + i
        evs.append({"type": "m.room.message", "room_id": "!bRoom%02dxYzAbCdEfGh:remote.example" % (g % 20 + 1),
                    "sender": "@probe:remote.example" if a.probe else "@user%02d:remote.example" % ((g * 7) % 50 + 1),
                    "content": {"msgtype": "m.text", "body": "Message %d from thread %d" % (g, tid)},
                    "origin_server_ts": int(time.time() * 1000), "event_id": "$ev%s-%d-%d-%d_bench" % (run, tid, n, i),
                    "unsigned": {"age": g % 500}})
    return json.dumps({"events": evs}).encode()


def worker(tid):
    conn = http.client.HTTPConnection("127.0.0.1", a.port)
    mine, n, nbad = [], 0, 0
    headers = {"Authorization": "Bearer " + a.token, "Content-Type": "application/json"}
    while time.monotonic() < stop_at:
        n += 1
        b = body(tid, n)
        t0 = time.perf_counter()
        conn.request("PUT", "/_matrix/app/v1/transactions/%s-%d-%d" % (run, tid, n), b, headers)
        r = conn.getresponse()
        r.read()
        mine.append(time.perf_counter() - t0)
        if r.status != 200:
            nbad += 1
    with lock:
        lat.extend(mine)
        bad[0] += nbad


t = [threading.Thread(target=worker, args=(i,)) for i in range(a.connections)]
start = time.monotonic()
for x in t: x.start()
for x in t: x.join()
elapsed = time.monotonic() - start
lat.sort()
pct = lambda p, xs=lat: round(xs[min(len(xs) - 1, int(len(xs) * p / 100))] * 1000, 2) if xs else None
# What wrk 4 would print for these very samples: its stats_correct() adds, for every latency L above
# twice the mean interval between requests of one connection, the samples L - interval, L - 2 x
# interval, ... (a "coordinated omission" correction).
interval = elapsed / (len(lat) / a.connections) if lat else 0
extra = []
for x in lat:
    if x > 2 * interval:
        m = x - interval
        while m > interval:
            extra.append(m)
            m -= interval
corrected = sorted(lat + extra)
print(json.dumps({"connections": a.connections, "requests": len(lat), "events_per_s": round(len(lat) * a.k / elapsed),
                  "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "p999_ms": pct(99.9),
                  "max_ms": round(lat[-1] * 1000, 2) if lat else None, "non200": bad[0],
                  "sum_of_latencies_over_run": round(sum(lat) / elapsed / a.connections, 2) if lat else None,
                  "as_wrk_would_print": {"p50_ms": pct(50, corrected), "p99_ms": pct(99, corrected),
                                         "samples_added": len(extra)},
                  "load": open("/proc/loadavg").read().split()[:3]}))
