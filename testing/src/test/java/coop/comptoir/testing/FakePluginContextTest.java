package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.store.Database.Migration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small plugin wired to the fake context: its command, store, job and webhook all work. */
class FakePluginContextTest {
    private static final RoomId ROOM = RoomId.of("!salle:coop.example");

    @TempDir
    Path dir;

    /** What a plugin's create() would do. */
    private static void startPlugin(PluginContext ctx) {
        ctx.database().migrate("demo", List.of(Migration.both(1, "greetings", "CREATE TABLE demo_greetings (who TEXT NOT NULL)")));
        ctx.commands().register(Command.of("bonjour", "dit bonjour", "says hello", inv -> {
            ctx.database().inTransaction(c -> c.createStatement().executeUpdate(
                    "INSERT INTO demo_greetings VALUES ('" + inv.event().sender().localpart() + "')"));
            inv.reply("Bonjour !");
        }));
        ctx.scheduler().handler("remind", (key, due, data) -> ctx.matrix().send(RoomId.of(data.get("room")),
                OutgoingMessage.notice("Rappel de " + due), "remind-" + due));
        ctx.scheduler().once("r1", "remind", ctx.clock().instant().plus(Duration.ofHours(1)), Map.of("room", ROOM.value()));
        ctx.routes().post("/hook", req -> new RouteResponse(200, "{\"got\":\"" + new String(req.body(), StandardCharsets.UTF_8) + "\"}"));
    }

    private static MatrixEvent message(String sender, String body) {
        ObjectNode e = JsonNodeFactory.instance.objectNode().put("type", "m.room.message").put("event_id", "$e" + body.hashCode())
                .put("room_id", ROOM.value()).put("sender", sender).put("origin_server_ts", 1);
        e.putObject("content").put("msgtype", "m.text").put("body", body);
        return MatrixEvent.of(e);
    }

    @Test
    void aCommandIsAnsweredAndStored() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            startPlugin(ctx);
            ctx.deliver(message("@alice:coop.example", "!bonjour"));
            assertThat(ctx.recordingMatrix().bodiesIn(ROOM)).containsExactly("Bonjour !");
            int rows = ctx.database().withConnection(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM demo_greetings WHERE who = 'alice'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(1);
        }
    }

    @Test
    void theBotsOwnMessagesReachNoHandler() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            AtomicInteger seen = new AtomicInteger();
            ctx.events().onMessage(e -> seen.incrementAndGet());
            ctx.deliver(message("@comptoir:coop.example", "!aide"));
            ctx.deliver(message("@bob:coop.example", "salut"));
            assertThat(seen).hasValue(1);
            assertThat(ctx.recordingMatrix().sent()).isEmpty();
        }
    }

    @Test
    void aJobFiresOnlyWhenTheClockReachesIt() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            startPlugin(ctx);
            assertThat(ctx.fakeScheduler().runDue()).isZero();
            ctx.fakeClock().advance(Duration.ofMinutes(61));
            assertThat(ctx.fakeScheduler().runDue()).isEqualTo(1);
            assertThat(ctx.recordingMatrix().bodiesIn(ROOM)).containsExactly("Rappel de 2026-01-05T09:00:00Z");
            assertThat(ctx.fakeScheduler().nextFire("r1")).isEmpty();
        }
    }

    @Test
    void aWebhookIsCalledOnItsMountedPathOnly() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "forum", dir).build()) {
            startPlugin(ctx);
            byte[] body = "x".getBytes(StandardCharsets.UTF_8);
            RouteResponse ok = ctx.call(new RouteRequest("POST", "/_comptoir/plugins/forum/hook", Map.of(), body));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(new String(ok.body(), StandardCharsets.UTF_8)).contains("\"got\":\"x\"");
            assertThat(ctx.call(new RouteRequest("POST", "/hook", Map.of(), body)).status()).isEqualTo(404);
        }
    }

    @Test
    void aRouteRequiringASignatureRefusesAnUnsignedCallBeforeItsHandler() {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "forum", dir).build()) {
            AtomicInteger handled = new AtomicInteger();
            ctx.routes().post("/signed", coop.comptoir.api.http.RouteOptions.defaults().withRequiredHeader("X-Signature"),
                    req -> { handled.incrementAndGet(); return RouteResponse.ok(); });
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThat(ctx.call(new RouteRequest("POST", "/_comptoir/plugins/forum/signed", Map.of(), body)).status())
                    .isEqualTo(401);
            assertThat(handled).hasValue(0);
            assertThat(ctx.call(new RouteRequest("POST", "/_comptoir/plugins/forum/signed",
                    Map.of("x-signature", List.of("sha256=ab")), body)).status()).isEqualTo(200);
            assertThat(handled).hasValue(1);
        }
    }

    @Test
    void aCronJobRunsAsOftenAsItWasDue() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            AtomicInteger runs = new AtomicInteger();
            ctx.scheduler().handler("tick", (k, due, data) -> runs.incrementAndGet());
            ctx.scheduler().cron("hourly", "tick", "0 0 * * * ?", java.time.ZoneOffset.UTC, Map.of());
            ctx.fakeClock().advance(Duration.ofHours(3));
            assertThat(ctx.fakeScheduler().runDue()).isEqualTo(3);
            assertThat(runs).hasValue(3);
            assertThat(ctx.fakeScheduler().nextFire("hourly")).contains(java.time.Instant.parse("2026-01-05T12:00:00Z"));
        }
    }

    @Test
    void sayDeliversAMemberMessageThatTheAnswerRepliesTo() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            startPlugin(ctx);
            MatrixEvent first = ctx.say(ROOM, coop.comptoir.api.id.UserId.of("@alice:coop.example"), "!bonjour");
            MatrixEvent second = ctx.say(ROOM, coop.comptoir.api.id.UserId.of("@bob:coop.example"), "!bonjour");

            assertThat(ctx.recordingMatrix().bodiesIn(ROOM)).containsExactly("Bonjour !", "Bonjour !");
            assertThat(first.sender().localpart()).isEqualTo("alice");
            assertThat(first.eventId()).isNotEqualTo(second.eventId());
            assertThat(first.originServerTs()).isEqualTo(ctx.clock().millis());
            assertThat(ctx.recordingMatrix().messagesIn(ROOM).get(0).content()
                    .path("m.relates_to").path("m.in_reply_to").path("event_id").asText()).isEqualTo(first.eventId().value());
        }
    }

    private static int greetings(PluginContext ctx) {
        return ctx.database().withConnection(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM demo_greetings")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void aRestartKeepsTheStoreTheHomeserverAndTheJobsButNotWhatThePluginRegistered() throws Exception {
        FakePluginContext first = FakePluginContext.builder("demo", "demo", dir).build();
        startPlugin(first);
        first.say(ROOM, coop.comptoir.api.id.UserId.of("@alice:coop.example"), "!bonjour");

        try (FakePluginContext again = first.restart()) {
            again.say(ROOM, coop.comptoir.api.id.UserId.of("@alice:coop.example"), "!bonjour");
            assertThat(again.recordingMatrix().bodiesIn(ROOM)).as("no command until the plugin is created again")
                    .containsExactly("Bonjour !");
            assertThat(again.fakeScheduler().nextFire("r1")).as("Quartz keeps the job").isPresent();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> again.fakeScheduler().fire("r1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("remind");
            assertThat(greetings(again)).isEqualTo(1);
        }
    }

    @Test
    void aSecondInstanceSharesTheRouterAndTheEventStream() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "accueil", dir).build()) {
            FakePluginContext other = ctx.another("demo", "aide", JsonNodeFactory.instance.objectNode());
            AtomicInteger seen = new AtomicInteger();
            other.events().onMessage(e -> seen.incrementAndGet());
            startPlugin(ctx);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.commands().register(
                            Command.of("bonjour", "dit bonjour", "says hello", inv -> inv.reply("Salut !"))))
                    .hasMessageContaining("instance \"aide\"").hasMessageContaining("instance \"accueil\"");
            ctx.say(ROOM, coop.comptoir.api.id.UserId.of("@bob:coop.example"), "!bonjour");
            assertThat(seen).hasValue(1);
            assertThat(other.instanceId()).isEqualTo("aide");
            assertThat(other.config().path()).isEqualTo("plugins[1]");
        }
    }

    @Test
    void aSectionWrittenInYamlIsBoundAsInAConfigFile() {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).settings("""
                rooms: ["!a:coop.example"]
                delay: 10m
                """).build()) {
            assertThat(ctx.config().raw().path("rooms").get(0).asText()).isEqualTo("!a:coop.example");
            assertThat(ctx.config().raw().path("delay").asText()).isEqualTo("10m");
        }
    }

    @Test
    void fireRunsAJobWhateverItsTimeWithTheClocksTime() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            startPlugin(ctx);
            ctx.scheduler().cron("hourly", "remind", "0 0 * * * ?", java.time.ZoneOffset.UTC, Map.of("room", ROOM.value()));

            ctx.fakeScheduler().fire("r1");
            ctx.fakeScheduler().fire("hourly");

            assertThat(ctx.recordingMatrix().bodiesIn(ROOM)).as("the second run's transaction is the first's: sent once")
                    .containsExactly("Rappel de 2026-01-05T08:00:00Z");
            assertThat(ctx.fakeScheduler().nextFire("r1")).as("a one-off job is gone").isEmpty();
            assertThat(ctx.fakeScheduler().cronOf("hourly")).hasValue("0 0 * * * ?");
            assertThat(ctx.fakeScheduler().nextFire("hourly")).contains(java.time.Instant.parse("2026-01-05T09:00:00Z"));
        }
    }

    @Test
    void closingTheContextClosesThePluginsItCreatedThenTheStore() throws Exception {
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        coop.comptoir.api.plugin.PluginFactory<com.fasterxml.jackson.databind.JsonNode> factory = new coop.comptoir.api.plugin.PluginFactory<>() {
            @Override
            public String type() {
                return "demo";
            }

            @Override
            public Class<com.fasterxml.jackson.databind.JsonNode> configType() {
                return com.fasterxml.jackson.databind.JsonNode.class;
            }

            @Override
            public coop.comptoir.api.plugin.Plugin create(com.fasterxml.jackson.databind.JsonNode config, PluginContext ctx) {
                return new coop.comptoir.api.plugin.Plugin() {
                    @Override
                    public void close() {
                        closed.add(ctx.instanceId());
                    }
                };
            }
        };
        FakePluginContext ctx = FakePluginContext.builder("demo", "premier", dir).build();
        ctx.create(factory);
        ctx.another("demo", "second", JsonNodeFactory.instance.objectNode()).create(factory);

        ctx.close();
        ctx.close();

        assertThat(closed).containsExactly("second", "premier");
    }
}
