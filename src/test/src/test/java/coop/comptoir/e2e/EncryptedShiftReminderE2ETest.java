package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.NioMember;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code encryption.enabled} with the shifts plugin: a reminder the bot posts on its own in an
 * encrypted team room is encrypted, and a member's encrypting client (matrix-nio) decrypts it. The
 * plugins' clock is moved by the test, as in the other shifts end-to-end tests.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EncryptedShiftReminderE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Saturday 6 June 2026, 6:00 in Paris (UTC+2). */
    private static final Instant T0 = Instant.parse("2026-06-06T04:00:00Z");

    private final Rig rig = Rig.get();
    private ComptoirProcess comptoir;

    @AfterEach
    void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    @Test
    void aTeamMemberDecryptsTheShiftReminderInAnEncryptedTeamRoom() throws Exception {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String team = alice.createRoom(encryptedRoomInviting(bot));
        Path dir = rig.freshDir("encrypted-shifts");
        Path yaml = dir.resolve("shifts.yaml");
        Files.writeString(yaml, "templates:\n"
                + "  - name: r\n    title: Service r\n    weeks: ABCD\n    weekday: samedi\n"
                + "    start: \"09:00\"\n    end: \"12:00\"\n    team: r\n    seats: 0\n"
                + "    members: [\"" + alice.userId() + "\"]\n");
        PluginClock clock = new PluginClock(dir.resolve("clock"));
        clock.set(T0);
        comptoir = clock.applyTo(rig.comptoir("e2ee-shifts", config -> {
            config.putObject("encryption").put("enabled", true);
            ObjectNode s = ((ArrayNode) config.withArray("plugins")).addObject();
            s.put("type", "shifts").put("id", "shifts").put("anchor", "2026-01-05").put("zone", "Europe/Paris")
                    .put("tick", "1s").put("poll_interval", "2s").put("horizon", "2d").put("address", "tu");
            s.putObject("source").put("type", "yaml").put("file", yaml.toString());
            s.putArray("reminders").add("2h");
            s.putArray("personal_reminders").add("1h");
            s.putObject("teams").put("r", team);
        })).start();
        alice.awaitEvent(team, Events.membership(bot, "join"), WAIT);

        // Alice's device exists and the bot knows it: the room keys of the bot go to it.
        NioMember aliceClient = NioMember.of(alice);
        JsonNode ping = aliceClient.sendAndAwait(team, bot, "!ping", "pong", WAIT);
        assertThat(ping.path("decrypted").asBoolean()).as("the first exchange: %s", ping).isTrue();

        // due at 7:00 in Paris (2 h before 9:00), 05:00Z
        clock.set(Instant.parse("2026-06-06T05:00:00Z").minusSeconds(3));
        JsonNode reminder = aliceClient.await(team, bot, "Rappel : service", WAIT);
        assertThat(reminder.has("error")).as("the reminder: %s", reminder).isFalse();
        assertThat(reminder.path("decrypted").asBoolean()).as("the reminder was encrypted, and decrypts: %s", reminder).isTrue();
        assertThat(reminder.path("body").asText()).contains("Service r");
        assertThat(alice.roomMessages(team).stream().filter(Events.newMessageFrom(bot, "Rappel : service")).count())
                .as("no reminder in clear text in the encrypted room").isZero();

        // Personal reminders: the bot reads encrypted rooms, so the direct chat it opens is encrypted,
        // and its hello, sent while Alice is only invited, is readable once she joins.
        JsonNode optIn = aliceClient.sendAndAwait(team, bot, "!rappels on", "noté", WAIT);
        assertThat(optIn.path("decrypted").asBoolean()).as("the opt-in: %s", optIn).isTrue();
        String dm = alice.awaitInvite(WAIT).getKey();
        alice.join(dm);
        assertThat(alice.state(dm, "m.room.encryption", "")).as("the direct chat is encrypted").isPresent();
        JsonNode hello = aliceClient.await(dm, bot, "rappels de service", WAIT);
        assertThat(hello.path("decrypted").asBoolean()).as("the hello in the direct chat: %s", hello).isTrue();

        // due at 8:00 in Paris (1 h before 9:00), 06:00Z
        clock.set(Instant.parse("2026-06-06T06:00:00Z").minusSeconds(3));
        JsonNode personal = aliceClient.await(dm, bot, "Petit rappel", WAIT);
        assertThat(personal.path("decrypted").asBoolean()).as("the personal reminder: %s", personal).isTrue();
        assertThat(personal.path("body").asText()).contains("Service r");
        assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain("cannot read");
    }

    private static ObjectNode encryptedRoomInviting(String bot) {
        ObjectNode body = Http.object().put("preset", "private_chat");
        body.putArray("invite").add(bot);
        ObjectNode state = body.putArray("initial_state").addObject();
        state.put("type", "m.room.encryption").put("state_key", "");
        state.putObject("content").put("algorithm", "m.megolm.v1.aes-sha2");
        return body;
    }
}
