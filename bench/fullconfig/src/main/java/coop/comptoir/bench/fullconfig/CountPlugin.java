package coop.comptoir.bench.fullconfig;

import coop.comptoir.api.config.Problems;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The benchmark's own handler (type {@code bench-count}), packed by {@link FullConfigFakes} into a
 * jar of the configured plugins folder: it subscribes to every event and does a little real work
 * on each (reads the event's type, room and body and folds them into a checksum), so that every
 * event of the harness runs at least one handler and the runtime's {@code /count} (events whose
 * handlers all ran) counts handler runs, not only stored events. Its own runs show in
 * {@code /metrics} as {@code comptoir_handler_duration_seconds_count{plugin="count"}}.
 *
 * <p>Events from {@value #PROBE} ({@code bench/burst.py --probe}) carry the time they were sent
 * in {@code origin_server_ts}: for those it keeps how long after that its handler ran (milliseconds,
 * same machine clock) and prints the distribution when it stops ({@code bench-count: probe …}).
 */
public final class CountPlugin implements Plugin {
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong checksum = new AtomicLong();
    private final PluginContext ctx;
    /** The sender of probe events. */
    static final String PROBE = "@probe:remote.example";
    private static final int MAX_MS = 120_000;
    private final AtomicLongArray delays = new AtomicLongArray(MAX_MS + 1);

    CountPlugin(PluginContext ctx) {
        this.ctx = ctx;
        ctx.events().onAny(this::onEvent);
    }

    private void onEvent(MatrixEvent event) {
        long h = event.type().hashCode() * 31L + event.roomId().value().hashCode();
        h = h * 31 + event.message().map(m -> m.body() == null ? 0 : m.body().hashCode()).orElse(0);
        checksum.addAndGet(h);
        runs.incrementAndGet();
        if (PROBE.equals(event.sender().value())) {
            long ms = System.currentTimeMillis() - event.originServerTs();
            delays.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, ms)));
        }
    }

    /** {@code n=… p50=… p99=… p999=… max=…} in milliseconds, of the probe events seen. */
    private String probeSummary() {
        long n = 0;
        for (int i = 0; i <= MAX_MS; i++) {
            n += delays.get(i);
        }
        if (n == 0) {
            return "n=0";
        }
        StringBuilder out = new StringBuilder("n=" + n);
        double[] ps = {50, 90, 99, 99.9};
        String[] names = {"p50", "p90", "p99", "p999"};
        int k = 0;
        long seen = 0;
        int max = 0;
        for (int i = 0; i <= MAX_MS; i++) {
            long c = delays.get(i);
            seen += c;
            while (k < ps.length && seen >= Math.ceil(n * ps[k] / 100)) {
                out.append(' ').append(names[k++]).append('=').append(i);
            }
            if (c > 0) {
                max = i;
            }
        }
        return out.append(" max=").append(max).toString();
    }

    @Override
    public void close() {
        ctx.log().info("bench-count: {} handler runs (checksum {})", runs.get(), checksum.get());
        ctx.log().info("bench-count: probe delay ms {}", probeSummary());
    }

    /** Found through ServiceLoader in the plugin jar: type {@code bench-count}, no settings. */
    public static final class Factory implements PluginFactory<Factory.Settings> {
        /** No settings; the record exists because a factory binds its section to one. */
        public record Settings() {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "bench-count";
        }

        @Override
        public void validate(Settings config, Problems problems) {}

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new CountPlugin(context);
        }
    }
}
