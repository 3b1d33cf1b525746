package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a test brings to a {@link FakePluginContext} (homeserver, store) and how the context runs. */
class FakePluginContextSetUpTest {
    private static final RoomId ROOM = RoomId.of("!salle:coop.example");
    private static final UserId BOT = UserId.of("@comptoir:coop.example");

    @TempDir
    Path dir;

    @Test
    void aHomeserverAndAStoreFromTheTestAreUsedAndTheStoreIsOpenedAgainAtEachRestart() throws Exception {
        RecordingMatrixClient matrix = new RecordingMatrixClient(BOT).strictMembership();
        matrix.addMember(ROOM, BOT);
        List<TestDatabase> opened = new ArrayList<>();
        FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).matrix(matrix).database(() -> {
            TestDatabase db = TestDatabase.open("jdbc:sqlite:" + dir.resolve("own.db"), 2);
            opened.add(db);
            return db;
        }).build();
        assertThat(ctx.recordingMatrix()).isSameAs(matrix);
        assertThat(ctx.matrix()).isSameAs(matrix);
        ctx.database().migrate("demo", List.of(Database.Migration.both(1, "t", "CREATE TABLE demo_t (x TEXT)")));
        ctx.matrix().send(ROOM, OutgoingMessage.text("avant"), "t1");

        FakePluginContext again = ctx.restart();
        assertThat(opened).hasSize(2);
        assertThat(again.database()).isSameAs(opened.get(1));
        assertThat(again.recordingMatrix()).isSameAs(matrix);
        int rows = again.database().withConnection(c -> { // throws if the table is not there
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM demo_t")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(rows).as("same data").isZero();
        again.close();
        assertThat(dir.resolve("comptoir.db")).as("the default store is not made").doesNotExist();
    }

    @Test
    void aHomeserverOfAnotherServerIsRefused() {
        RecordingMatrixClient other = new RecordingMatrixClient(UserId.of("@bot:ailleurs.example"));
        assertThatThrownBy(() -> FakePluginContext.builder("demo", "demo", dir).matrix(other).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jobsCanBeLostOnRestartAsWithSqlitesInMemoryScheduler() throws Exception {
        FakePluginContext kept = FakePluginContext.builder("demo", "demo", java.nio.file.Files.createDirectories(dir.resolve("a")))
                .build();
        kept.scheduler().once("j", "h", kept.clock().instant().plusSeconds(60), Map.of());
        FakePluginContext keptAgain = kept.restart();
        assertThat(keptAgain.fakeScheduler().keys()).containsExactly("j");
        keptAgain.close();

        FakePluginContext lost = FakePluginContext.builder("demo", "demo", dir).jobsLostOnRestart().build();
        lost.scheduler().once("j", "h", lost.clock().instant().plusSeconds(60), Map.of());
        FakePluginContext lostAgain = lost.restart();
        assertThat(lostAgain.fakeScheduler().keys()).isEmpty();
        lostAgain.close();
    }

    @Test
    void inRealTimeTheClockRunsAndTheTestCanStillMoveItAhead() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).realTime().build()) {
            Instant first = ctx.clock().instant();
            assertThat(Duration.between(Instant.now(), first).abs()).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
            assertThat(ctx.clock().instant()).as("it runs").isAfter(first);
            ctx.fakeClock().advance(Duration.ofDays(7));
            assertThat(ctx.clock().instant()).isAfter(first.plus(Duration.ofDays(7)));
            assertThat(ctx.clock().instant()).isBefore(Instant.now().plus(Duration.ofDays(7)).plusSeconds(5));
        }
    }

    @Test
    void aCommandIsHandledBeforeThePluginsOwnHandlersSeeTheMessageAsInTheRuntime() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            List<String> order = new ArrayList<>();
            ctx.commands().register(Command.of("ping", "répond", "answers", inv -> order.add("command")));
            ctx.events().onMessage(e -> order.add("handler"));
            ObjectNode e = JsonNodeFactory.instance.objectNode().put("type", "m.room.message").put("event_id", "$p")
                    .put("room_id", ROOM.value()).put("sender", "@alice:coop.example").put("origin_server_ts", 1);
            e.putObject("content").put("msgtype", "m.text").put("body", "!ping");
            ctx.deliver(MatrixEvent.of(e));
            assertThat(order).containsExactly("command", "handler");
        }
    }

    @Test
    void theRegisteredRoutesAndTheRouterAreThereToSee() throws Exception {
        try (FakePluginContext ctx = FakePluginContext.builder("demo", "demo", dir).build()) {
            assertThat(ctx.registeredRoutes()).isEmpty();
            ctx.routes().post("/hook", req -> new RouteResponse(200, "{}"));
            ctx.routes().getUnder("/media", req -> new RouteResponse(200, "{}"));
            assertThat(ctx.registeredRoutes()).containsExactly("POST /_comptoir/plugins/demo/hook",
                    "GET /_comptoir/plugins/demo/media/…");
            AtomicInteger ran = new AtomicInteger();
            ctx.commands().register(Command.of("ping", "répond", "answers", inv -> ran.incrementAndGet()));
            ctx.commandRouter().unregisterAll("demo");
            ctx.say(ROOM, UserId.of("@alice:coop.example"), "!ping");
            assertThat(ran).hasValue(0);
        }
    }
}
