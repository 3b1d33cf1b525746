package coop.comptoir.e2e.shifts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Ports;
import coop.comptoir.e2e.rig.PostgresSchema;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two Comptoir processes on one PostgreSQL database (Quartz clustered), both with the shifts
 * plugin and the same moved clock: every reminder reaches its room once. Needs
 * {@code COMPTOIR_TEST_PG_URL} (CI sets it; locally {@code eval "$(bash .ci/postgres.sh)"}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShiftsClusterE2ETest {
    private static final int SHIFTS = 6;

    @Test
    void twoInstancesOnPostgresSendEachReminderOnce() throws Exception {
        PostgresSchema schema = PostgresSchema.create("shifts");
        String url = schema.url();

        Rig rig = Rig.get();
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        Path dir = rig.freshDir("shifts-cluster");
        Path yaml = dir.resolve("shifts.yaml");
        StringBuilder templates = new StringBuilder("templates:\n");
        for (int i = 0; i < SHIFTS; i++) {
            templates.append("  - {name: p").append(i).append(", title: Service p").append(i)
                    .append(", weeks: ABCD, weekday: samedi, start: \"09:0").append(i).append("\", end: \"12:00\", team: p, members: [\"")
                    .append(alice.userId()).append("\"]}\n");
        }
        Files.writeString(yaml, templates);
        PluginClock clock = new PluginClock(dir.resolve("clock"));
        clock.set(ShiftsE2ETest.T0);
        int secondPort = Ports.freeLoopbackPort();

        ComptoirProcess one = null, two = null;
        try {
            one = clock.applyTo(rig.comptoir("shifts-pg-1", c -> configure(c, url, yaml, room))).start();
            alice.awaitEvent(room, Events.membership(bot, "join"), ShiftsE2ETest.WAIT);
            two = clock.applyTo(rig.comptoir("shifts-pg-2", c -> {
                configure(c, url, yaml, room);
                ((ObjectNode) c.get("appservice")).put("port", secondPort);
            })).start();

            // the six reminders are due between 05:00Z and 05:05Z; both processes run ticks every second
            clock.set(Instant.parse("2026-06-06T05:00:00Z").minusSeconds(3));
            Thread.sleep(4000);
            clock.set(Instant.parse("2026-06-06T05:05:30Z"));
            Predicate<JsonNode> reminder = Events.newMessageFrom(bot, "Rappel : service");
            Events.await(() -> alice.roomMessages(room).stream().filter(reminder).count() >= SHIFTS, ShiftsE2ETest.WAIT,
                    SHIFTS + " reminders");
            Thread.sleep(6000);

            List<String> bodies = alice.roomMessages(room).stream().filter(reminder)
                    .map(e -> e.path("content").path("body").asText()).toList();
            assertThat(bodies).as("reminders").hasSize(SHIFTS);
            assertThat(bodies.stream().map(b -> b.substring(0, b.indexOf('\n'))).distinct()).hasSize(SHIFTS);
            assertThat(one.logText() + two.logText()).contains("Scheduler started: PostgreSQL, clustered");
        } finally {
            if (two != null) {
                two.stop();
            }
            if (one != null) {
                one.stop();
            }
            schema.close();
        }
    }

    private static void configure(ObjectNode c, String url, Path yaml, String room) {
        ((ObjectNode) c.get("database")).removeAll().put("url", url);
        ShiftsE2ETest.shiftsSection(c, yaml, Map.of("p", room), null, null);
    }
}
