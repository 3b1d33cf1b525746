#!/usr/bin/env python3
"""Summary of a bench/fullconfig.sh run: median (min-max) per mode, and the RSS vs portals table.
    python3 bench/fullconfig_summary.py bench/results/<date>-fullconfig-<time>.jsonl
"""
import json, statistics, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
machine = next((r["machine"] for r in rows if "machine" in r), {})
print("machine: %s cores, %s MiB, %s, %s, commit %s" % (machine.get("nproc"), machine.get("mem_total_mib"),
      machine.get("cpu"), machine.get("java"), machine.get("commit")))


def med(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "—"
    m = statistics.median(xs)
    fmt = (lambda v: "%.1f" % v) if any(isinstance(x, float) and x < 100 for x in xs) else (lambda v: "{:,.0f}".format(v))
    return "%s (%s–%s)" % (fmt(m), fmt(min(xs)), fmt(max(xs))) if len(xs) > 1 else fmt(m)


runs = [r for r in rows if "mode" in r]
modes = sorted({r["mode"] for r in runs})
lines = [
    ("load (1-min) at start, per rep", lambda r: None),
    ("first answered transaction (ms)", lambda r: r["first_answer_ms"]),
    ("every plugin started (ms since process start)", lambda r: r["plugins_started_ms"]),
    ("CPU to every plugin started (ms)", lambda r: r["cpu_ms_to_plugins_started"]),
    ("idle RSS (MiB)", lambda r: r["idle_rss_mib"]),
    ("peak RSS (MiB)", lambda r: r["peak_rss_mib"]),
    ("events stored/s, 1 in flight (wrk)", lambda r: r["one"]["stored_per_s"]),
    ("events handled/s, 1 in flight", lambda r: r["one"]["handled_per_s"]),
    ("wrk p99 / max, 1 in flight (ms)", lambda r: None),
    ("events stored/s, 16 in flight (wrk)", lambda r: r["sixteen"]["stored_per_s"]),
    ("events handled/s, 16 in flight", lambda r: r["sixteen"]["handled_per_s"]),
    ("wrk p99, 16 in flight (ms)", lambda r: r["sixteen"]["wrk"]["lat_us"]["p99"] / 1000),
    ("transactions refused (503: backlog full), 1 / 16 in flight", lambda r: None),
    ("server CPU per event, 1 / 16 in flight (µs)", lambda r: None),
    ("burst.py 1 in flight: p50 / p99 / max (ms)", lambda r: None),
]
print("| metric | " + " | ".join(modes) + " |")
print("|---|" + "---:|" * len(modes))
for name, f in lines:
    cells = []
    for m in modes:
        rs = [r for r in runs if r["mode"] == m]
        if name.startswith("load"):
            cells.append(", ".join(r["load_start"].split()[0] for r in rs))
        elif name.startswith("wrk p99 / max"):
            cells.append("%s / %s" % (med([r["one"]["wrk"]["lat_us"]["p99"] / 1000 for r in rs]),
                                      med([r["one"]["wrk"]["lat_us"]["max"] / 1000 for r in rs])))
        elif name.startswith("transactions refused"):
            cells.append("%s / %s" % (med([r["one"]["wrk"]["non2xx"] for r in rs]), med([r["sixteen"]["wrk"]["non2xx"] for r in rs])))
        elif name.startswith("server CPU"):
            cells.append("%s / %s" % (med([r["one"]["server_cpu_us_per_event"] for r in rs]),
                                      med([r["sixteen"]["server_cpu_us_per_event"] for r in rs])))
        elif name.startswith("burst.py"):
            cells.append("%s / %s / %s" % (med([r["burst_probe"]["p50_ms"] for r in rs]),
                                           med([r["burst_probe"]["p99_ms"] for r in rs]),
                                           med([r["burst_probe"]["max_ms"] for r in rs])))
        else:
            cells.append(med([f(r) for r in rs]))
    print("| %s | %s |" % (name, " | ".join(cells)))
for r in runs:
    if r["mode"] != "empty":
        print("rep %d %s: send -> bench-count handler (ms): %s; handler runs after 16 in flight: %s"
              % (r["rep"], r["mode"], r["probe_send_to_handler_ms"], r["sixteen"]["handler_runs_after"]))
por = [r for r in rows if "portals_run" in r]
if por:
    print("\n| bridged channels | linked at start | load at start | first answer (ms) | every plugin started (ms) | CPU to started (ms) | idle RSS (MiB) | peak RSS after 16-conn burst (MiB) | restart: first answer / every plugin started (ms), idle RSS (MiB) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for r in por:
        rs = r.get("restart")
        print("| %d | %d | %s | %s | %s | %s | %s | %s | %s |" % (r["portals_run"], r["portals_linked_at_start"], r["load_start"].split()[0],
              r["first_answer_ms"], r["plugins_started_ms"], r["cpu_ms_to_plugins_started"], r["idle_rss_mib"], r["peak_rss_mib"],
              "%s / %s, %s" % (rs["first_answer_ms"], rs["plugins_started_ms"], rs["idle_rss_mib"]) if rs else "—"))
