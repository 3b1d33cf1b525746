package coop.comptoir.e2e.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One measured phase of a benchmark: the load average at its start and end, the CPU time (user +
 * system, all threads) Comptoir's process used during it, its resident memory at the end and at
 * its peak, and the latency percentiles of what was measured. Linux only ({@code /proc}).
 */
final class Sample {
    private static final double TICK_MS = 10.0; // USER_HZ = 100 on Linux

    private final long pid;
    private final String loadStart;
    private final long cpuStart;
    private final long t0 = System.nanoTime();
    private final Instant at = Instant.now();

    private Sample(long pid) {
        this.pid = pid;
        this.loadStart = load();
        this.cpuStart = cpuTicks(pid);
    }

    static Sample start(long pid) {
        return new Sample(pid);
    }

    /** The JSON line of this phase; {@code micros} are the latencies measured (one per message that arrived). */
    String finish(String what, int rate, double achieved, int sent, List<Long> micros, String note) {
        long cpu = cpuTicks(pid) - cpuStart;
        ObjectNode o = Http.object();
        o.put("bench", what).put("at", at.toString()).put("rate_target", rate)
                .put("rate_achieved", Math.round(achieved * 10) / 10.0).put("channels", 20)
                .put("sent", sent).put("arrived", micros.size()).put("lost", sent - micros.size());
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        if (!sorted.isEmpty()) {
            o.put("p50_ms", pct(sorted, 0.50)).put("p90_ms", pct(sorted, 0.90)).put("p99_ms", pct(sorted, 0.99))
                    .put("max_ms", sorted.get(sorted.size() - 1) / 1000.0);
        }
        o.put("comptoir_cpu_ms", cpu * TICK_MS)
                .put("comptoir_cpu_us_per_msg", sent == 0 ? 0 : Math.round(cpu * TICK_MS * 1000 / sent))
                .put("phase_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0)
                .put("rss_mib", status(pid, "VmRSS")).put("peak_rss_mib", status(pid, "VmHWM"))
                .put("load_start", loadStart).put("load_end", load()).put("note", note);
        return o.toString();
    }

    private static double pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1000.0;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A {@code /proc/PID/status} memory line ({@code VmRSS}, {@code VmHWM}) in MiB. */
    static double status(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Math.round(kb / 102.4) / 10.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }
}
