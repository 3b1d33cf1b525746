package coop.comptoir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigLoader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's database fails while it handles an event; Comptoir is restarted before the retry
 * succeeds. After the restart the event reaches that plugin again, and only that plugin: the other
 * plugin, and the other room's event, are not handled twice. The later event of the same room
 * waited for it. (No homeserver is needed: the transactions are sent the way Synapse sends them.)
 */
class ComptoirRuntimeRestartTest {
    private static final String HS_TOKEN = "hs-token-for-tests";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Instances record the event IDs they are called with; {@code failing} ("instance eventId") throw a store failure. */
    static final class Witness implements PluginFactory<com.fasterxml.jackson.databind.JsonNode> {
        @Override
        public Class<com.fasterxml.jackson.databind.JsonNode> configType() {
            return com.fasterxml.jackson.databind.JsonNode.class;
        }

        final Map<String, List<String>> calls = new ConcurrentHashMap<>();
        final Set<String> failing;

        Witness(Set<String> failing) {
            this.failing = failing;
        }

        @Override
        public String type() {
            return "witness";
        }

        @Override
        public Plugin create(com.fasterxml.jackson.databind.JsonNode config, PluginContext context) {
            String id = context.instanceId();
            List<String> mine = calls.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
            context.events().onMessage(e -> {
                mine.add(e.eventId().value());
                if (failing.contains(id + " " + e.eventId().value())) {
                    throw new Database.StoreException("could not write the outbox", new SQLException("database is locked"));
                }
            });
            return new Plugin() {};
        }

        List<String> of(String instance) {
            return calls.getOrDefault(instance, List.of());
        }
    }

    @Test
    void aRetryGoesOnAfterARestartForTheFailingPluginOnly() throws Exception {
        Witness before = new Witness(Set.of("flaky $a1"));
        ComptoirConfig config = config();
        ComptoirRuntime first = ComptoirRuntime.start(config, List.of(before));
        try {
            assertThat(put(first, "1", event("$a1", "!a"), event("$b1", "!b"), event("$a2", "!a"))).isEqualTo(200);
            waitFor(() -> before.of("flaky").containsAll(List.of("$a1", "$b1")) && before.of("steady").contains("$b1"));
        } finally {
            long start = System.nanoTime();
            first.close();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .as("stopping does not wait for a retry that is seconds away").isLessThan(5);
        }
        assertThat(before.of("steady")).as("$a2 waits behind $a1 in its room").containsExactlyInAnyOrder("$a1", "$b1");

        Witness after = new Witness(Set.of());
        ComptoirRuntime second = ComptoirRuntime.start(config, List.of(after));
        try {
            waitFor(() -> after.of("flaky").contains("$a2") && after.of("steady").contains("$a2"));
            Thread.sleep(200);
            assertThat(after.of("flaky")).containsExactly("$a1", "$a2");
            assertThat(after.of("steady")).as("what steady did before the restart is not done again").containsExactly("$a2");
        } finally {
            second.close();
        }
    }

    private ComptoirConfig config() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return ConfigLoader.parse("""
                homeserver: {server_name: coop.example, url: 'http://127.0.0.1:9'}
                appservice: {port: %d, as_token: as-token-for-tests, hs_token: %s}
                database: {url: 'jdbc:sqlite:comptoir.db'}
                plugins:
                  - {type: witness, id: steady}
                  - {type: witness, id: flaky}
                """.formatted(port, HS_TOKEN), dir, Map.of());
    }

    private static String event(String id, String room) {
        return "{\"type\":\"m.room.message\",\"room_id\":\"" + room + ":coop.example\",\"sender\":\"@alice:coop.example\","
                + "\"event_id\":\"" + id + "\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"bonjour\"}}";
    }

    private int put(ComptoirRuntime rt, String txnId, String... events) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/_matrix/app/v1/transactions/" + txnId))
                .header("Authorization", "Bearer " + HS_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"events\":[" + String.join(",", events) + "]}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void waitFor(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
