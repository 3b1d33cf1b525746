package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 6: Comptoir is asked to stop (SIGTERM, as {@code systemctl stop} does) while the
 * bridge imports a Discord channel's history ({@code !bridge import}) and while a burst of messages
 * flows (Matrix commands, Matrix → Discord, Discord → Matrix), then started again. The stop is
 * graceful: what the homeserver sent is either handled or refused (and sent again), never
 * acknowledged and dropped; the import resumes where it stopped. Counted without deduplication:
 * every imported message's events in the room ({@code /messages}), {@link FaultLedger} for the
 * burst, the witness file for handler re-runs.
 */
@Tag("faults")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class GracefulStopE2ETest {
    private static final boolean LONG = "long".equals(System.getProperty("comptoir.faults"));
    private static final String TOKEN = "e2e-graceful-discord-token-0123456789abcdef";
    private static final String GHOSTS = "@_discord_";

    private final Rig rig = Rig.get();
    private final String bot = rig.botUserId();
    private FakeDiscord discord;
    private ComptoirProcess comptoir;

    @AfterEach
    void tearDown() throws Exception {
        BridgeTeardown.stopThenClose(comptoir, discord);
    }

    @Test
    void sigtermsDuringAnImportAndABurstLoseNothingAndTheImportResumes() throws Exception {
        int history = LONG ? 1500 : 240;
        int burst = LONG ? 600 : 150;
        int stops = LONG ? 6 : 3;
        Duration interval = Duration.ofMillis(LONG ? 80 : 60);

        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", "archives", "caisse")
                .user("alice", "Alice").user("bob", "Bob").start();
        FakeChannel archives = discord.channel("archives");
        FakeChannel caisse = discord.channel("caisse");
        FakeUser dAlice = discord.user("alice");
        FakeUser dBob = discord.user("bob");
        List<String> past = new ArrayList<>();
        for (int i = 0; i < history; i++) {
            String text = "archive " + i;
            discord.userSays(archives.id(), (i % 2 == 0 ? dAlice : dBob).id(), text);
            past.add(text);
        }

        MatrixTestClient alice = rig.newUser("alice");
        String commandRoom = alice.createRoom(bot);
        String bridgedRoom = alice.createRoom(bot);
        String archivesRoom = alice.createRoom(bot);
        Path witness = Files.createTempDirectory("witness").resolve("calls.tsv");
        comptoir = rig.comptoir("faults-sigterm", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = c.withArray("plugins");
            plugins.addObject().put("type", "witness").put("file", witness.toString());
            ObjectNode d = plugins.addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", caisse.guildId()).put("max_retry_delay_seconds", 2)
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl()).put("public_address", rig.appserviceUrl());
            ArrayNode links = d.putArray("links");
            links.addObject().put("room", bridgedRoom).put("channel", caisse.id());
            links.addObject().put("room", archivesRoom).put("channel", archives.id());
        }).start();
        for (String room : List.of(commandRoom, bridgedRoom, archivesRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));
        }
        discord.awaitConnectedClients(1, Duration.ofSeconds(30));
        assertThat(imported(alice, archivesRoom)).as("history bridged before the import was asked").isEmpty();

        FaultLedger ledger = new FaultLedger();
        AtomicBoolean sendingDone = new AtomicBoolean();
        alice.sendText(archivesRoom, "!bridge import");
        CompletableFuture<Void> sending = new MixedTraffic(ledger, alice, commandRoom, bridgedRoom, discord, caisse.id(),
                dAlice.id()).sendAsync(burst, interval, "s", "rafale ", sendingDone);

        // a SIGTERM each time the import has gone a little further (and the burst flows meanwhile)
        List<String> stopsDone = new ArrayList<>();
        long slowestStop = 0;
        Instant lastUp = Instant.now();
        for (int s = 1; s <= stops; s++) {
            int reached = history * s / (stops + 2);
            Events.await(() -> imported(alice, archivesRoom).size() >= reached, Duration.ofSeconds(120),
                    reached + " messages imported");
            int seen = imported(alice, archivesRoom).size();
            long t0 = System.nanoTime();
            comptoir.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            slowestStop = Math.max(slowestStop, stopMillis);
            stopsDone.add("at " + seen + " imported: stopped in " + stopMillis + " ms, exit " + comptoir.exitValue());
            comptoir.start();
            lastUp = Instant.now();
        }
        sending.get(2, TimeUnit.MINUTES);
        assertThat(sendingDone).isTrue();

        Instant until = Instant.now().plus(Duration.ofSeconds(LONG ? 300 : 120));
        while (Instant.now().isBefore(until) && !(imported(alice, archivesRoom).size() >= history
                && ledger.allArrived(alice.roomMessages(commandRoom), bot, alice.roomMessages(bridgedRoom), GHOSTS,
                discord.messagesIn(caisse.id())))) {
            Thread.sleep(1000);
        }
        double recovered = Duration.between(lastUp, Instant.now()).toMillis() / 1000.0;
        Thread.sleep(5000);

        // the import: every event of the room, per text, in order
        List<String> inRoom = imported(alice, archivesRoom);
        Map<String, Long> perText = inRoom.stream().collect(Collectors.groupingBy(t -> t, LinkedHashMap::new, Collectors.counting()));
        long importLost = past.stream().filter(t -> !perText.containsKey(t)).count();
        long importDoubles = perText.values().stream().filter(n -> n > 1).count();
        FaultLedger.Counts counts = ledger.count(alice.roomMessages(commandRoom), bot, alice.roomMessages(bridgedRoom), GHOSTS,
                discord.messagesIn(caisse.id()), witness);
        long finishedReruns = FaultLedger.rerunsAfterFinishing(witness);
        String report = counts.report("SIGTERM during an import and a burst", stops + " SIGTERMs + starts, slowest stop "
                + slowestStop + " ms", recovered)
                + String.format("  history import: %d messages, lost %d, visible twice %d%n", history, importLost, importDoubles)
                + "  re-runs of a call that had finished: " + finishedReruns + "\n  stops: " + stopsDone + "\n";
        System.out.println("faults report:" + report);
        String why = report + "\nComptoir log " + comptoir.logFile() + ", witness " + witness;
        assertThat(importLost).as("imported messages missing; " + why).isZero();
        assertThat(importDoubles).as("imported messages visible twice; " + why).isZero();
        assertThat(inRoom).as("the history in its order; " + why).containsExactlyElementsOf(past);
        assertThat(counts.lost()).as(why).isZero();
        assertThat(counts.visibleDoubles()).as(why).isZero();
        assertThat(finishedReruns).as("a graceful stop keeps every handled mark; " + why).isZero();
        assertThat(comptoir.logText()).as("the import resumed after a stop").contains("Resuming the history import");
    }

    /**
     * {@code !migration apply} of an export file (DiscordChatExporter JSON) interrupted by SIGTERMs:
     * after each start the import goes on from the last message sent, each message ends up once in
     * the room, in order, and a stop is not reported to the room as a failure.
     */
    @Test
    void sigtermsDuringAMigrationImportResumeAndSendEachMessageOnce() throws Exception {
        int history = LONG ? 1500 : 240;
        int stops = LONG ? 5 : 2;
        Path dir = rig.freshDir("faults-migration-export");
        StringBuilder json = new StringBuilder("{\"guild\": {\"id\": \"91\", \"name\": \"Coop\"}, \"channel\": {\"id\": \"93\", "
                + "\"type\": \"GuildTextChat\", \"name\": \"vieux-salon\"}, \"messages\": [");
        List<String> past = new ArrayList<>();
        Instant t = Instant.parse("2022-03-01T08:00:00Z");
        for (int i = 0; i < history; i++) {
            String text = "export " + i;
            past.add(text);
            json.append(i == 0 ? "" : ",").append(String.format("{\"id\": \"%d\", \"type\": \"Default\", \"timestamp\": \"%s\", "
                    + "\"content\": \"%s\", \"author\": {\"id\": \"%d\", \"name\": \"p%d\", \"nickname\": null}, "
                    + "\"attachments\": []}", 5000 + i, t.plusSeconds(60L * i), text, 600 + i % 3, i % 3));
        }
        Path file = dir.resolve("vieux-salon.json");
        Files.writeString(file, json.append("]}"));

        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        comptoir = rig.comptoir("faults-sigterm-migration", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            c.withArray("plugins").addObject().put("type", "migration").put("progress_every", 50);
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));
        String preview = alice.sendText(room, "!migration import discord-json " + file);
        alice.awaitEvent(room, Events.noticeReply(bot, preview, "apply"), Duration.ofSeconds(30));
        alice.sendText(room, "!migration apply");

        List<String> stopsDone = new ArrayList<>();
        Instant lastUp = Instant.now();
        for (int s = 1; s <= stops; s++) {
            int reached = history * s / (stops + 2);
            Events.await(() -> exported(alice, room).size() >= reached, Duration.ofSeconds(120), reached + " messages imported");
            int seen = exported(alice, room).size();
            long t0 = System.nanoTime();
            comptoir.stop();
            stopsDone.add("at " + seen + ": stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms, exit "
                    + comptoir.exitValue());
            comptoir.start();
            lastUp = Instant.now();
        }
        Events.await(() -> exported(alice, room).size() >= history, Duration.ofSeconds(LONG ? 300 : 120), "every message imported");
        double recovered = Duration.between(lastUp, Instant.now()).toMillis() / 1000.0;
        Thread.sleep(5000);

        List<String> inRoom = exported(alice, room);
        Map<String, Long> perText = inRoom.stream().collect(Collectors.groupingBy(x -> x, LinkedHashMap::new, Collectors.counting()));
        long lost = past.stream().filter(x -> !perText.containsKey(x)).count();
        long doubles = perText.values().stream().filter(n -> n > 1).count();
        List<String> notices = alice.roomMessages(room).stream().filter(Events.messageFrom(bot))
                .map(e -> e.path("content").path("body").asText()).toList();
        String report = String.format("%n| 6. SIGTERM during !migration apply | %d | %d SIGTERMs + starts | %d | %d | - | %.1f s |%n"
                + "  stops: %s%n  bot notices: %s%n", history, stops, lost, doubles, recovered, stopsDone, notices);
        System.out.println("faults report:" + report);
        String why = report + "\nComptoir log " + comptoir.logFile();
        assertThat(lost).as("messages missing; " + why).isZero();
        assertThat(doubles).as("messages visible twice; " + why).isZero();
        assertThat(inRoom).as("in order; " + why).containsExactlyElementsOf(past);
        assertThat(notices).as("a stop is not a failure shown to the room; " + why)
                .noneMatch(n -> n.startsWith("Import arrêté") || n.startsWith("Import stopped"));
        assertThat(comptoir.logText()).as("resumed at the start").contains("Resuming the import of")
                .as("the message going out at the stop is finished and recorded, not cut (then sent again)")
                .contains("paused by the stop").doesNotContain("stopped after");
    }

    /** The imported messages' bodies (every event of the room, oldest first). */
    private static List<String> exported(MatrixTestClient alice, String room) {
        return alice.roomMessages(room).stream()
                .filter(e -> "m.room.message".equals(e.path("type").asText()))
                .filter(e -> e.path("sender").asText().startsWith("@_import_discord_"))
                .map(e -> e.path("content").path("body").asText()).toList();
    }

    /** The bodies of the Discord ghosts' messages in the room, oldest first, every event (no deduplication). */
    private static List<String> imported(MatrixTestClient alice, String room) {
        return alice.roomMessages(room).stream()
                .filter(e -> "m.room.message".equals(e.path("type").asText()))
                .filter(e -> e.path("sender").asText().startsWith(GHOSTS))
                .filter(e -> !e.path("content").has("m.new_content"))
                .map(e -> e.path("content").path("body").asText()).toList();
    }
}
