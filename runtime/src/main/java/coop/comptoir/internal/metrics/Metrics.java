package coop.comptoir.internal.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The runtime's Prometheus metrics, one registry per runtime (no global state), exposed as text on
 * {@code /metrics}. Label values are bounded: plugin instance IDs, endpoint templates, statuses.
 * No exemplars (Comptoir has no tracing to link them to): without them the library starts no
 * sampler thread and loads none of its tracing classes.
 */
public final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * Transactions from the homeserver, by result: ok, duplicate, reused_id (an ID seen before with
     * other events, handled), busy (503: too many events waiting), gap, bad_json, not_json,
     * too_large, unauthorized, forbidden, error.
     */
    public final Counter transactions = Counter.builder().name("comptoir_transactions_total")
            .help("Transactions received from the homeserver, by result").labelNames("result").withoutExemplars().register(registry);
    /** Requests to plugin routes, by result: handled, error, refused (headers), too_large, too_slow, busy, unreadable. */
    public final Counter pluginRouteRequests = Counter.builder().name("comptoir_plugin_route_requests_total")
            .help("Requests to plugin routes (/_comptoir/plugins/...), by result").labelNames("result").withoutExemplars().register(registry);
    public final Counter eventsReceived = Counter.builder().name("comptoir_events_received_total")
            .help("Events received in transactions (stored before acknowledgement)").withoutExemplars().register(registry);
    public final Counter eventsHandled = Counter.builder().name("comptoir_events_handled_total")
            .help("Events delivered to the handlers").withoutExemplars().register(registry);
    public final Counter handlerErrors = Counter.builder().name("comptoir_handler_errors_total")
            .help("Handlers that threw, by plugin instance").labelNames("plugin").withoutExemplars().register(registry);
    public final Counter eventRetries = Counter.builder().name("comptoir_event_retries_total")
            .help("Events a handler asked to get again later, by plugin instance").labelNames("plugin").withoutExemplars().register(registry);
    public final Counter eventsSkipped = Counter.builder().name("comptoir_events_skipped_total")
            .help("Events given up after the last retry, by plugin instance").labelNames("plugin").withoutExemplars().register(registry);
    public final Histogram handlerSeconds = Histogram.builder().name("comptoir_handler_duration_seconds")
            .help("Time a plugin instance spent on one event").labelNames("plugin")
            .classicOnly().classicUpperBounds(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30).withoutExemplars().register(registry);
    public final Histogram commitSeconds = Histogram.builder().name("comptoir_transaction_store_duration_seconds")
            .help("Time from receiving a transaction to its durable storage")
            .classicOnly().classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1).withoutExemplars().register(registry);
    public final Counter outgoingRequests = Counter.builder().name("comptoir_outgoing_requests_total")
            .help("Requests to the homeserver, by method, endpoint and HTTP status (0 = no answer)")
            .labelNames("method", "endpoint", "status").withoutExemplars().register(registry);
    public final Histogram outgoingSeconds = Histogram.builder().name("comptoir_outgoing_request_duration_seconds")
            .help("Duration of requests to the homeserver, by endpoint").labelNames("endpoint")
            .classicOnly().classicUpperBounds(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30).withoutExemplars().register(registry);
    public final Gauge dispatchQueue = Gauge.builder().name("comptoir_dispatch_queue_events")
            .help("Events stored but not yet handled").withoutExemplars().register(registry);
    public final Gauge ready = Gauge.builder().name("comptoir_ready")
            .help("1 once the homeserver answered the ping, else 0").withoutExemplars().register(registry);
    public final Gauge backupLastSnapshot = Gauge.builder().name("comptoir_backup_last_snapshot_timestamp_seconds")
            .help("Unix time of the last snapshot of the SQLite database written (backup.every), 0 before the first")
            .withoutExemplars().register(registry);
    public final Counter backupFailures = Counter.builder().name("comptoir_backup_failures_total")
            .help("Snapshots of the SQLite database that could not be written").withoutExemplars().register(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** The current values in Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
