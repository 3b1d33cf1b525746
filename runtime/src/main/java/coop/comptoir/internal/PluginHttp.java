package coop.comptoir.internal;

import java.util.List;
import java.util.function.Supplier;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * The HTTP client plugins get from {@code PluginContext.http()}: the homeserver's client (same
 * connection pool, dispatcher and time-outs) with TLS, which plugins need for outside services
 * (Discourse, Odoo, calendars). Built at the first call, so that a runtime whose plugins never ask
 * does not load the JDK's TLS and trust store. Thread-safe; {@link #get} never blocks on I/O.
 */
final class PluginHttp implements Supplier<OkHttpClient> {
    private final OkHttpClient homeserver;
    private volatile OkHttpClient client;

    PluginHttp(OkHttpClient homeserver) {
        this.homeserver = homeserver;
    }

    @Override
    public OkHttpClient get() {
        OkHttpClient built = client;
        if (built == null) {
            synchronized (this) {
                built = client;
                if (built == null) {
                    built = homeserver.connectionSpecs().stream().anyMatch(ConnectionSpec::isTls)
                            ? homeserver
                            : homeserver.newBuilder()
                                    .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
                                    .build();
                    client = built;
                }
            }
        }
        return built;
    }
}
