package coop.comptoir.e2e.shifts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What whoever edits the coop's calendar can make the bot do, through the real Synapse, with an
 * iCalendar file as the source. The bot is also in a private room of Dave and Alice (it was invited
 * there for something else): an event whose category is that room's ID or alias reaches the
 * default room, never that one. A rule that recurs every minute is left out, and the admins' room
 * hears of it once, however many polls follow.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShiftsSecurityE2ETest {
    static final Duration WAIT = Duration.ofSeconds(40);
    /** Saturday 6 June 2026, 6:00 in Paris (UTC+2). */
    static final Instant T0 = Instant.parse("2026-06-06T04:00:00Z");

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static PluginClock clock;
    private static MatrixTestClient alice, dave;
    private static String bot, teamRoom, services, admins, secret, secretAlias;
    private static Path ics;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        alice = rig.newUser("alice");
        dave = rig.newUser("dave");
        teamRoom = alice.createRoom(bot);
        services = alice.createRoom(bot);
        admins = alice.createRoom(bot);
        // Dave's private room with Alice; the bot joins it on Dave's invitation, for another purpose
        ObjectNode body = Http.object().put("preset", "private_chat").put("room_alias_name", "secret-" + System.nanoTime());
        body.putArray("invite").add(bot).add(alice.userId());
        secret = dave.createRoom(body);
        secretAlias = "#" + body.path("room_alias_name").asText() + ":" + Rig.SERVER_NAME;
        alice.join(secret);

        Path dir = rig.freshDir("shifts-security-e2e");
        ics = dir.resolve("planning.ics");
        clock = new PluginClock(dir.resolve("clock"));
        clock.set(T0);
        writeCalendar(saturday("team-a", "A") + saturday("by-id", secret) + saturday("by-alias", secretAlias) + EVERY_MINUTE);
        comptoir = clock.applyTo(rig.comptoir("shifts-security", c -> {
            ObjectNode s = ((ArrayNode) c.withArray("plugins")).addObject();
            s.put("type", "shifts").put("id", "shifts").put("anchor", "2026-01-05").put("zone", "Europe/Paris")
                    .put("tick", "1s").put("poll_interval", "2s").put("horizon", "2d");
            s.putObject("source").put("type", "ical").put("file", ics.toString());
            s.putArray("reminders").add("2h");
            s.putArray("personal_reminders");
            s.putObject("teams").put("A", teamRoom);
            s.put("default_room", services).put("admin_room", admins);
        })).start();
        for (String room : List.of(teamRoom, services, admins)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
        alice.awaitEvent(secret, Events.membership(bot, "join"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    /** Saturday 6 June 2026, 10:00–12:00 in Paris, Alice attending; its team from CATEGORIES. */
    private static String saturday(String uid, String category) {
        return """
                BEGIN:VEVENT
                UID:%s@e2e
                SUMMARY:Service %s
                CATEGORIES:%s
                DTSTART;TZID=Europe/Paris:20260606T100000
                DTEND;TZID=Europe/Paris:20260606T120000
                ATTENDEE;CN=Alice:matrix:u/%s
                END:VEVENT
                """.formatted(uid, uid, category, alice.userId().substring(1));
    }

    /** Every minute since Friday: 2,880 instances in the horizon of two days. */
    private static final String EVERY_MINUTE = """
            BEGIN:VEVENT
            UID:flood@e2e
            SUMMARY:Ping
            CATEGORIES:A
            DTSTART:20260605T000000Z
            DURATION:PT1M
            RRULE:FREQ=MINUTELY
            END:VEVENT
            """;

    private static void writeCalendar(String events) throws Exception {
        Path tmp = ics.resolveSibling("planning.ics.tmp");
        Files.writeString(tmp, ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//e2e//FR\n" + events + "END:VCALENDAR\n").replace("\n", "\r\n"));
        Files.move(tmp, ics, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static long fromBot(String room) {
        return alice.roomMessages(room).stream().filter(Events.messageFrom(bot)).count();
    }

    @Test
    void aRoomNamedInTheCalendarGetsNothingTheDefaultRoomGetsItsRemindersAndTheFloodIsToldOnce() throws Exception {
        // due at 8:00 in Paris (2 h before 10:00), 06:00Z
        clock.set(Instant.parse("2026-06-06T06:00:00Z").minusSeconds(3));

        alice.awaitEvent(teamRoom, Events.newMessageFrom(bot, "« Service team-a »"), WAIT);
        alice.awaitEvent(services, Events.newMessageFrom(bot, "« Service by-id »"), WAIT);
        alice.awaitEvent(services, Events.newMessageFrom(bot, "« Service by-alias »"), WAIT);
        JsonNode notice = alice.awaitEvent(admins, Events.newMessageFrom(bot, "Planning des services"), WAIT);
        Thread.sleep(8000); // four more polls, several ticks

        assertThat(fromBot(secret)).as("messages of the bot in the room named by the calendar").isZero();
        assertThat(fromBot(services)).as("the two reminders routed to the default room").isEqualTo(2);
        assertThat(fromBot(teamRoom)).as("the flood is left out: one reminder in the team's room").isEqualTo(1);
        assertThat(notice.path("content").path("body").asText())
                .contains("event \"flood@e2e\" (Ping) : se répète plus de 500 fois dans les 2 prochains jours");
        assertThat(fromBot(admins)).as("notices in the admins' room").isEqualTo(1);
        Matcher warned = Pattern.compile("left out or without a room").matcher(comptoir.logText());
        int lines = 0;
        while (warned.find()) {
            lines++;
        }
        assertThat(lines).as("log lines about it").isEqualTo(1);
    }
}
