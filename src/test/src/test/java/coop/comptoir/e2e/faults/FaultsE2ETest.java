package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.plugin.WitnessPlugin;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Faults injected while messages flow, counted by witnesses that do not deduplicate
 * ({@link FaultLedger}, {@link WitnessPlugin}, the fake Discord's own record): nothing may be lost
 * or visible twice; handler re-runs are counted and printed.
 *
 * <p>Short variants by default (CI); the long ones with {@code -Dcomptoir.faults=long} (see
 * docs/reliability.md). The seed of the random kills is printed and can be set with
 * {@code -Dcomptoir.faults.seed=N}.
 */
@Tag("faults")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class FaultsE2ETest {
    private static final boolean LONG = "long".equals(System.getProperty("comptoir.faults"));
    private static final String TOKEN = "e2e-faults-discord-token-0123456789abcdef";
    private static final Duration QUIET = Duration.ofSeconds(5);

    private final Rig rig = Rig.get();
    private final String bot = rig.botUserId();
    private FakeDiscord discord;
    private ComptoirProcess comptoir;

    @AfterEach
    void tearDown() throws Exception {
        BridgeTeardown.stopThenClose(comptoir, discord);
    }

    /** The discord and witness plugins, the room linked to the channel. */
    private ComptoirProcess comptoir(String name, Path witness, String room, FakeChannel channel) throws Exception {
        return comptoir(name, witness, room, channel, c -> { });
    }

    /** As above, with more configuration (e.g. the shifts plugin). */
    private ComptoirProcess comptoir(String name, Path witness, String room, FakeChannel channel, Consumer<ObjectNode> more)
            throws Exception {
        Consumer<ObjectNode> config = c -> {
            ArrayNode plugins = c.withArray("plugins");
            plugins.addObject().put("type", "witness").put("file", witness.toString());
            ObjectNode d = plugins.addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", channel.guildId())
                    .put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl())
                    .put("public_address", rig.appserviceUrl());
            d.putArray("links").addObject().put("room", room).put("channel", channel.id());
            more.accept(c);
        };
        return rig.comptoir(name, config);
    }

    /**
     * Scenario 1: Comptoir is killed (SIGKILL) at seeded random moments while Matrix commands, Matrix
     * messages to Discord and Discord messages to Matrix flow, and started again each time.
     */
    @Test
    void sigkillsWhileMessagesFlowLoseNothingAndShowNothingTwice() throws Exception {
        int messages = LONG ? 1000 : 300;
        int minKills = LONG ? 30 : 10;
        Duration interval = Duration.ofMillis(LONG ? 120 : 110);
        long seed = Long.getLong("comptoir.faults.seed", 13L);
        Random random = new Random(seed);

        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", "caisse").user("alice", "Alice").start();
        FakeChannel channel = discord.channel("caisse");
        FakeUser dAlice = discord.user("alice");
        MatrixTestClient alice = rig.newUser("alice");
        String commandRoom = alice.createRoom(bot);
        String bridgedRoom = alice.createRoom(bot);
        String shiftsRoom = alice.createRoom(bot);
        Path witness = Files.createTempDirectory("witness").resolve("calls.tsv");
        // shift reminders fall due during the kills: one every kill, as the plugins' clock moves a minute
        int shifts = LONG ? 20 : 8;
        PluginClock clock = new PluginClock(witness.resolveSibling("clock"));
        clock.set(Instant.parse("2026-06-06T04:00:00Z"));
        Path schedule = witness.resolveSibling("shifts.yaml");
        Files.writeString(schedule, shiftTemplates(shifts, alice.userId()));
        comptoir = clock.applyTo(comptoir("faults-kill", witness, bridgedRoom, channel,
                c -> shiftsSection(c, schedule, shiftsRoom))).start();
        alice.awaitEvent(shiftsRoom, Events.membership(bot, "join"), Duration.ofSeconds(30));
        alice.awaitEvent(commandRoom, Events.membership(bot, "join"), Duration.ofSeconds(30));
        alice.awaitEvent(bridgedRoom, Events.membership(bot, "join"), Duration.ofSeconds(30));
        discord.awaitConnectedClients(1, Duration.ofSeconds(30));

        FaultLedger ledger = new FaultLedger();
        AtomicBoolean sendingDone = new AtomicBoolean();
        CompletableFuture<Void> sending = new MixedTraffic(ledger, alice, commandRoom, bridgedRoom, discord, channel.id(),
                dAlice.id()).sendAsync(messages, interval, "c", "", sendingDone);

        int kills = 0;
        Instant lastUp = Instant.now();
        long slowestRestart = 0;
        List<Instant> killedAt = new java.util.ArrayList<>();
        while (!sendingDone.get() || kills < minKills) {
            if (kills < shifts) {
                clock.set(Instant.parse("2026-06-06T05:00:00Z").plus(Duration.ofMinutes(kills)).minusSeconds(1));
            }
            Thread.sleep(300 + random.nextInt(LONG ? 3000 : 2200));
            comptoir.kill();
            killedAt.add(Instant.now());
            kills++;
            long t0 = System.nanoTime();
            comptoir.start();
            slowestRestart = Math.max(slowestRestart, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            lastUp = Instant.now();
        }
        sending.get(1, TimeUnit.MINUTES);
        assertThat(ledger.sent()).isEqualTo(messages);

        String ghostPrefix = "@_discord_";
        Duration deadline = Duration.ofSeconds(LONG ? 300 : 120);
        Instant until = Instant.now().plus(deadline);
        while (Instant.now().isBefore(until) && !(ledger.allArrived(alice.roomMessages(commandRoom), bot,
                alice.roomMessages(bridgedRoom), ghostPrefix, discord.messagesIn(channel.id()))
                && reminders(alice.roomMessages(shiftsRoom)).size() >= shifts)) {
            Thread.sleep(1000);
        }
        double recovered = Duration.between(lastUp, Instant.now()).toMillis() / 1000.0;
        Thread.sleep(QUIET.toMillis());
        FaultLedger.Counts counts = ledger.count(alice.roomMessages(commandRoom), bot, alice.roomMessages(bridgedRoom),
                ghostPrefix, discord.messagesIn(channel.id()), witness);
        Map<String, Long> reminded = reminders(alice.roomMessages(shiftsRoom));
        for (int i = 0; i < shifts; i++) {
            counts.tally("shift reminder (scheduler)", "Service p" + i, reminded.getOrDefault("p" + i, 0L), 0);
        }
        String report = counts.report("SIGKILL (seed " + seed + ")", kills + " SIGKILLs, slowest restart "
                + slowestRestart + " ms", recovered);
        report += "  re-runs of a command whose first call had finished (handled mark lost): "
                + FaultLedger.rerunsAfterFinishing(witness) + "\n";
        System.out.println("faults report:" + report);
        String why = report + "\nkilled at " + killedAt + "\nComptoir log " + comptoir.logFile() + ", witness " + witness;
        assertThat(counts.sent()).as(why).isEqualTo(messages + shifts);
        assertThat(counts.lost()).as(why).isZero();
        assertThat(counts.visibleDoubles()).as(why).isZero();
        assertThat(kills).isGreaterThanOrEqualTo(minKills);
    }

    /**
     * Scenario 3: Discord is down (REST 503, Gateway refused), then rate-limits (429 with
     * {@code retry_after}), then fails (500): what Matrix says meanwhile waits in the queue, shown by
     * {@code !bridge status}, and reaches Discord afterwards, in order, once each.
     */
    @Test
    void discordDownThenRateLimitedThenFailingDeliversEverythingInOrder() throws Exception {
        Duration down = Duration.ofSeconds(LONG ? 120 : 20);
        int before = 5;
        int during = LONG ? 60 : 15;
        int after = 10;
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", "livraisons").user("alice", "Alice").start();
        FakeChannel channel = discord.channel("livraisons");
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        Path witness = Files.createTempDirectory("witness").resolve("calls.tsv");
        comptoir = comptoir("faults-discord-down", witness, room, channel).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));
        discord.awaitConnectedClients(1, Duration.ofSeconds(30));

        FaultLedger ledger = new FaultLedger();
        int n = 0;
        for (; n < before; n++) {
            send(alice, room, ledger, n);
        }
        discord.awaitMessageIn(channel.id(), m -> m.content().equals("livraison " + (before - 1)), Duration.ofSeconds(30));

        discord.outage(true);
        Instant outageStart = Instant.now();
        long pause = down.toMillis() / during;
        for (int i = 0; i < during; i++, n++) {
            send(alice, room, ledger, n);
            Thread.sleep(pause);
        }
        String status = alice.sendText(room, "!bridge status");
        JsonNode shown = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(status)), Duration.ofSeconds(30));
        String statusText = shown.path("content").path("body").asText();
        Thread.sleep(Math.max(0, down.toMillis() - Duration.between(outageStart, Instant.now()).toMillis()));

        discord.rateLimitNext(3, 1.5);
        discord.outage(false);
        Instant restored = Instant.now();
        for (int i = 0; i < after / 2; i++, n++) {
            send(alice, room, ledger, n);
        }
        discord.failNext(3);
        for (int i = 0; i < after / 2; i++, n++) {
            send(alice, room, ledger, n);
        }
        int total = n;
        Events.await(() -> discord.messagesIn(channel.id()).stream().anyMatch(m -> m.content().equals("livraison " + (total - 1))),
                Duration.ofSeconds(LONG ? 180 : 60), "the last message on Discord");
        double recovered = Duration.between(restored, Instant.now()).toMillis() / 1000.0;
        Thread.sleep(QUIET.toMillis());

        List<FakeMessage> onDiscord = discord.messagesIn(channel.id());
        FaultLedger.Counts counts = ledger.count(List.of(), bot, List.of(), "@_discord_", onDiscord, witness);
        String report = counts.report("Discord down " + down.toSeconds() + " s, then 429, then 500",
                "REST 503 + Gateway refused " + down.toSeconds() + " s, 3× 429 (retry_after 1.5 s), 3× 500", recovered);
        System.out.println("faults report:" + report + "  status during the outage: " + statusText.replace('\n', '|'));
        String why = report + "\nstatus: " + statusText + "\nComptoir log " + comptoir.logFile();
        assertThat(counts.lost()).as(why).isZero();
        assertThat(counts.visibleDoubles()).as(why).isZero();
        List<String> order = onDiscord.stream().filter(FakeMessage::isWebhookMessage).map(FakeMessage::content).toList();
        assertThat(order).as("messages on Discord, in order; " + why).containsExactlyElementsOf(ledger.toDiscordTexts());
        assertThat(statusText).as("!bridge status during the outage").containsPattern("Waiting: [1-9]\\d* to Discord");
        assertThat(statusText).as("!bridge status during the outage").contains("disconnected");
        assertThat(discord.requests().stream().filter(c -> c.status() == 429 || c.status() == 500).count())
                .as("429 and 500 answers given").isEqualTo(6);
    }

    /** Shifts p0, p1, … on Saturday 6 June 2026 at 09:00, 09:01, … in Paris, reminded 2 h before (05:00Z, 05:01Z, …). */
    static String shiftTemplates(int shifts, String member) {
        StringBuilder sb = new StringBuilder("templates:\n");
        for (int i = 0; i < shifts; i++) {
            sb.append(String.format("  - {name: p%d, title: Service p%d, weeks: ABCD, weekday: samedi, start: \"%02d:%02d\", "
                    + "end: \"12:00\", team: p, members: [\"%s\"]}%n", i, i, 9 + i / 60, i % 60, member));
        }
        return sb.toString();
    }

    /** The shifts plugin: YAML schedule, 1 s tick, team {@code p} in {@code room}, reminders 2 h before. */
    static void shiftsSection(ObjectNode c, Path schedule, String room) {
        ObjectNode s = c.withArray("plugins").addObject();
        s.put("type", "shifts").put("id", "shifts").put("anchor", "2026-01-05").put("zone", "Europe/Paris")
                .put("tick", "1s").put("poll_interval", "2s").put("horizon", "2d").put("address", "tu");
        s.putObject("source").put("type", "yaml").put("file", schedule.toString());
        s.putArray("reminders").add("2h");
        s.putObject("teams").put("p", room);
    }

    /** Reminders in a room, every event, per shift name ({@code p0}, …). */
    static Map<String, Long> reminders(List<JsonNode> room) {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("Service (p\\d+)");
        return room.stream().filter(e -> "m.room.message".equals(e.path("type").asText()))
                .filter(e -> !e.path("content").has("m.new_content"))
                .map(e -> e.path("content").path("body").asText()).filter(b -> b.contains("Rappel : service"))
                .map(name::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1))
                .collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.stream.Collectors.counting()));
    }

    private static void send(MatrixTestClient alice, String room, FaultLedger ledger, int n) {
        String text = "livraison " + n;
        ledger.toDiscord(alice.sendText(room, text), text);
    }
}
