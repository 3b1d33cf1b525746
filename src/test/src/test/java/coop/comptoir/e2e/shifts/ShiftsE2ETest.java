package coop.comptoir.e2e.shifts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Shift reminders through the real Synapse, with a YAML source and a clock the test moves: the
 * plugins of this Comptoir live on Saturday 6 June 2026 from 6:00 in Paris. One template per test,
 * each with its own team room; the tests move the clock forward only, in order.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShiftsE2ETest {
    static final Duration WAIT = Duration.ofSeconds(40);
    /** Saturday 6 June 2026, 6:00 in Paris (UTC+2). */
    static final Instant T0 = Instant.parse("2026-06-06T04:00:00Z");

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static PluginClock clock;
    private static MatrixTestClient alice, bob, dave;
    private static String bot, roomR, roomH, roomK, roomK2, roomD, helpRoom, adminRoom;
    private static Path yaml;
    private static final Map<String, String> templates = new LinkedHashMap<>();

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        alice = rig.newUser("alice");
        bob = rig.newUser("bob");
        dave = rig.newUser("dave");
        roomR = alice.createRoom(bot);
        roomH = alice.createRoom(bot);
        roomK = alice.createRoom(bot);
        roomK2 = alice.createRoom(bot);
        helpRoom = alice.createRoom(bot);
        adminRoom = alice.createRoom(bot);
        roomD = dave.createRoom(bot);
        Path dir = rig.freshDir("shifts-e2e");
        yaml = dir.resolve("shifts.yaml");
        clock = new PluginClock(dir.resolve("clock"));
        clock.set(T0);
        template("r", "samedi", "09:00", "12:00", 0, alice.userId(), bob.userId());
        template("h", "samedi", "14:00", "17:00", 3, alice.userId());
        template("k", "samedi", "18:00", "20:00", 0, alice.userId());
        template("k2", "samedi", "19:00", "21:00", 0, alice.userId());
        template("d", "dimanche", "10:00", "12:00", 0, dave.userId());
        writeSchedule();
        comptoir = clock.applyTo(rig.comptoir("shifts", c -> shiftsSection(c, yaml, Map.of("r", roomR, "h", roomH, "k", roomK,
                "k2", roomK2, "d", roomD), helpRoom, adminRoom))).start();
        for (String room : List.of(roomR, roomH, roomK, roomK2, helpRoom, adminRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
        dave.awaitEvent(roomD, Events.membership(bot, "join"), WAIT);
    }

    /** The shifts plugin section shared by the e2e tests: every week is a shift week, 1 s tick, 2 s polls. */
    static void shiftsSection(ObjectNode config, Path yaml, Map<String, String> teams, String helpRoom, String adminRoom) {
        ObjectNode s = ((ArrayNode) config.withArray("plugins")).addObject();
        s.put("type", "shifts").put("id", "shifts").put("anchor", "2026-01-05").put("zone", "Europe/Paris")
                .put("tick", "1s").put("poll_interval", "2s").put("horizon", "2d").put("address", "tu");
        s.putObject("source").put("type", "yaml").put("file", yaml.toString());
        s.putArray("reminders").add("2h");
        s.putArray("personal_reminders").add("1h");
        ObjectNode t = s.putObject("teams");
        teams.forEach(t::put);
        if (helpRoom != null) {
            s.putObject("understaffed").put("room", helpRoom).put("before", "4h");
        }
        if (adminRoom != null) {
            s.put("admin_room", adminRoom);
        }
    }

    private static void template(String name, String weekday, String start, String end, int seats, String... members) {
        StringBuilder sb = new StringBuilder();
        sb.append("  - name: ").append(name).append('\n')
                .append("    title: Service ").append(name).append('\n')
                .append("    weeks: ABCD\n")
                .append("    weekday: ").append(weekday).append('\n')
                .append("    start: \"").append(start).append("\"\n")
                .append("    end: \"").append(end).append("\"\n")
                .append("    team: ").append(name).append('\n')
                .append("    seats: ").append(seats).append('\n')
                .append("    members: [");
        for (int i = 0; i < members.length; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(members[i]).append('"');
        }
        templates.put(name, sb.append("]\n").toString());
    }

    private static void writeSchedule() throws Exception {
        Path tmp = yaml.resolveSibling("shifts.yaml.tmp");
        Files.writeString(tmp, "templates:\n" + String.join("", templates.values()));
        Files.move(tmp, yaml, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    static List<String> mentioned(JsonNode event) {
        return StreamSupport.stream(event.path("content").path("m.mentions").path("user_ids").spliterator(), false)
                .map(JsonNode::asText).toList();
    }

    static Predicate<JsonNode> reminder() {
        return Events.newMessageFrom(bot, "Rappel : service");
    }

    /** An edit of {@code original} whose new body contains {@code text}. */
    private static Predicate<JsonNode> editOf(String original, String text) {
        return Events.messageFrom(bot).and(e -> "m.replace".equals(e.path("content").path("m.relates_to").path("rel_type").asText())
                && original.equals(e.path("content").path("m.relates_to").path("event_id").asText())
                && e.path("content").path("m.new_content").path("body").asText().contains(text));
    }

    private static long count(MatrixTestClient who, String room, Predicate<JsonNode> p) {
        return who.roomMessages(room).stream().filter(p).count();
    }

    @Test
    @Tag("dendrite")
    @Order(1)
    void theReminderArrivesInTheTeamRoomAtItsDueTimeWithMentions() {
        // due at 7:00 in Paris (2 h before 9:00), 05:00Z; the plugins get there in 6 s
        Instant dueReal = Instant.now().plusSeconds(6);
        clock.set(Instant.parse("2026-06-06T05:00:00Z").minusSeconds(6));

        JsonNode r = alice.awaitEvent(roomR, reminder(), WAIT);

        assertThat(r.path("origin_server_ts").asLong()).as("not before the due time")
                .isGreaterThanOrEqualTo(dueReal.toEpochMilli() - 500);
        assertThat(r.path("content").path("body").asText())
                .startsWith("⏰ Rappel : service « Service r » le samedi 6 juin, 9h00–12h00.")
                .doesNotContain("retard");
        assertThat(r.path("content").path("formatted_body").asText())
                .contains("<a href=\"https://matrix.to/#/" + alice.userId() + "\">")
                .contains("<a href=\"https://matrix.to/#/" + bob.userId() + "\">");
        assertThat(mentioned(r)).containsExactlyInAnyOrder(alice.userId(), bob.userId());
        assertThat(r.path("content").path("msgtype").asText()).isEqualTo("m.notice");
    }

    @Test
    @Order(2)
    void theCallForHelpIsEditedAsSeatsFillAndNeverRePosted() throws Exception {
        // due 4 h before 14:00 in Paris: 08:00Z
        clock.set(Instant.parse("2026-06-06T08:00:01Z"));
        JsonNode alert = alice.awaitEvent(helpRoom, Events.newMessageFrom(bot, "Il manque 2 personnes"), WAIT);
        assertThat(alert.path("content").path("body").asText()).contains("samedi 6 juin, 14h00–17h00");

        template("h", "samedi", "14:00", "17:00", 3, alice.userId(), bob.userId());
        writeSchedule();
        alice.awaitEvent(helpRoom, editOf(alert.path("event_id").asText(), "Il manque 1 personne"), WAIT);

        template("h", "samedi", "14:00", "17:00", 3, alice.userId(), bob.userId(), "@carla:" + Rig.SERVER_NAME);
        writeSchedule();
        alice.awaitEvent(helpRoom, editOf(alert.path("event_id").asText(), "Complet, merci !"), WAIT);

        Thread.sleep(3000);
        assertThat(count(alice, helpRoom, Events.newMessageFrom(bot, ""))).as("calls for help posted").isEqualTo(1);
        assertThat(count(alice, helpRoom, Events.messageFrom(bot))).as("the call and its two edits").isEqualTo(3);
    }

    @Test
    @Order(3)
    void aRestartAroundTheDueTimeNeitherLosesNorRepeatsTheReminder() throws Exception {
        // K is due at 14:00Z: Comptoir is killed 20 s before and comes back 3 min after
        clock.set(Instant.parse("2026-06-06T14:00:00Z").minusSeconds(20));
        Thread.sleep(2500);
        comptoir.kill();
        clock.set(Instant.parse("2026-06-06T14:03:00Z"));
        comptoir.start();
        JsonNode late = alice.awaitEvent(roomK, reminder(), WAIT);
        assertThat(late.path("content").path("body").asText()).endsWith("(rappel envoyé avec 3 min de retard)");

        // K2 is due at 15:00Z: killed right after it went out, started again at once
        clock.set(Instant.parse("2026-06-06T15:00:01Z"));
        alice.awaitEvent(roomK2, reminder(), WAIT);
        comptoir.kill();
        comptoir.start();
        Thread.sleep(5000);

        assertThat(count(alice, roomK, reminder())).as("reminders in K").isEqualTo(1);
        assertThat(count(alice, roomK2, reminder())).as("reminders in K2").isEqualTo(1);
        assertThat(count(alice, roomR, reminder())).as("reminders in R").isEqualTo(1);
    }

    @Test
    @Order(4)
    void aMemberWhoOptsInGetsHerReminderByDirectMessage() {
        String command = dave.sendText(roomD, "!rappels on");
        dave.awaitEvent(roomD, Events.noticeReply(bot, command, "C’est noté"), WAIT);
        Map.Entry<String, JsonNode> invite = dave.awaitInvite(WAIT);
        String dm = invite.getKey();
        dave.join(dm);

        // D is Sunday 10:00 in Paris: the personal reminder is due an hour before, 07:00Z
        clock.set(Instant.parse("2026-06-07T07:00:01Z"));
        JsonNode personal = dave.awaitEvent(dm, Events.newMessageFrom(bot, "Petit rappel"), WAIT);
        assertThat(personal.path("content").path("body").asText())
                .startsWith("Coucou ! Petit rappel : tu es inscrit·e au service « Service d » le dimanche 7 juin, 10h00–12h00.");

        String list = dave.sendText(roomD, "!services");
        JsonNode answer = dave.awaitEvent(roomD, Events.noticeReply(bot, list, "semaine"), WAIT);
        // 2026-06-07 is a Sunday of the week of Monday 2026-06-01, 21 weeks after 2026-01-05: week B
        assertThat(answer.path("content").path("body").asText()).startsWith("Nous sommes en semaine B.")
                .contains("dimanche 7 juin, 10h00–12h00 — Service d (semaine B)");
        List<String> lines = new ArrayList<>(List.of(answer.path("content").path("body").asText().split("\n")));
        assertThat(lines).hasSize(3);
    }
}
