package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import coop.comptoir.testing.discord.RecordedCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SIGKILL at the worst moment, made deterministic: the fake Discord kills Comptoir once it has
 * stored a message and before it answers the webhook call (so Discord has the message and Comptoir
 * never learns its ID, nor stores the link). After the restart the engine asks the connector whether
 * the message is already there; the witness is the fake Discord's record of every message created,
 * which folds nothing.
 */
@Tag("faults")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashWindowsE2ETest {
    private static final String TOKEN = "e2e-crash-windows-discord-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(5);

    private final Rig rig = Rig.get();
    private final String bot = rig.botUserId();
    private FakeDiscord discord;
    private ComptoirProcess comptoir;

    @AfterEach
    void tearDown() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, null);
    }

    @Test
    void aFileAndAThreadMessageKilledBetweenDiscordsAnswerAndTheLinkArePostedOnce() throws Exception {
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", "rayons").user("alice", "Alice").start();
        FakeChannel channel = discord.channel("rayons");
        FakeUser dAlice = discord.user("alice");
        MatrixTestClient alice = rig.newUser("alice");
        alice.setDisplayName("Alice Matrix");
        String room = alice.createRoom(bot);
        comptoir = rig.comptoir("crash-windows", c -> {
            ObjectNode d = c.withArray("plugins").addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", channel.guildId()).put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl()).put("public_address", rig.appserviceUrl());
            d.putArray("links").addObject().put("room", room).put("channel", channel.id());
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);

        // 1. A file (m.file): Discord stores the upload, then Comptoir dies before it hears back.
        byte[] list = "farine, sucre, sel".getBytes(StandardCharsets.UTF_8);
        killBeforeAnswering(c -> c.is("POST", "/webhooks/\\d+/[^/]+") && !c.files().isEmpty());
        String mxc = alice.upload(list, "text/plain", "courses.txt");
        ObjectNode file = Http.object().put("msgtype", "m.file").put("body", "courses.txt").put("filename", "courses.txt")
                .put("url", mxc);
        file.putObject("info").put("mimetype", "text/plain").put("size", list.length);
        String fileEvent = alice.sendEvent(room, "m.room.message", file);
        java.util.function.Supplier<List<FakeMessage>> fileCopies = () -> discord.webhookMessages(channel.id()).stream()
                .filter(m -> m.attachments().stream().anyMatch(a -> a.filename().equals("courses.txt"))).toList();
        restartAfterTheKill(fileEvent, () -> fileCopies.get().size());
        List<FakeMessage> files = fileCopies.get();
        assertThat(files).as("the file on Discord, every copy; log " + comptoir.logFile()).hasSize(1);
        // linked: deleting it on Matrix deletes the one copy on Discord
        alice.redact(room, fileEvent);
        Events.await(() -> discord.findMessage(files.get(0).id()).orElseThrow().deleted(), WAIT, "the file deleted on Discord");

        // 2. A message in a Discord thread (from Matrix, m.thread on the bridged root).
        FakeMessage root = discord.userSays(channel.id(), dAlice.id(), "Inventaire du rayon vrac samedi");
        JsonNode rootEvent = alice.awaitEvent(room, Events.newMessageFrom("@_discord_" + dAlice.id() + ":" + Rig.SERVER_NAME,
                "Inventaire du rayon vrac samedi"), WAIT);
        FakeChannel thread = discord.userCreatesThread(channel.id(), root.id(), dAlice.id(), "Inventaire");
        killBeforeAnswering(c -> c.is("POST", "/webhooks/\\d+/[^/]+") && thread.id().equals(c.queryParameter("thread_id")));
        ObjectNode answer = Http.object().put("msgtype", "m.text").put("body", "Je viens à 9 h");
        answer.putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", rootEvent.path("event_id").asText())
                .put("is_falling_back", true).putObject("m.in_reply_to").put("event_id", rootEvent.path("event_id").asText());
        String threadEvent = alice.sendEvent(room, "m.room.message", answer);
        java.util.function.Supplier<List<FakeMessage>> threadCopies = () -> discord.messagesIn(thread.id()).stream()
                .filter(m -> m.isWebhookMessage() && m.content().equals("Je viens à 9 h")).toList();
        restartAfterTheKill(threadEvent, () -> threadCopies.get().size());
        List<FakeMessage> inThread = threadCopies.get();
        assertThat(inThread).as("the thread message on Discord, every copy; log " + comptoir.logFile()).hasSize(1);
        // linked, and known to live in the thread: an edit on Matrix reaches it
        ObjectNode edit = Http.object().put("msgtype", "m.text").put("body", "* Je viens à 10 h");
        edit.putObject("m.new_content").put("msgtype", "m.text").put("body", "Je viens à 10 h");
        edit.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", threadEvent);
        alice.sendEvent(room, "m.room.message", edit);
        Events.await(() -> discord.findMessage(inThread.get(0).id()).orElseThrow().content().equals("Je viens à 10 h"), WAIT,
                "the edit on Discord");
        System.out.println("faults report: crash windows: 1 file and 1 thread message, each killed after Discord stored it"
                + " and before Comptoir heard back: 0 visible doubles");
    }

    private CountDownLatch killed;

    /** Arms the fake Discord: the next matching successful request kills Comptoir (SIGKILL) before it is answered. */
    private void killBeforeAnswering(Predicate<RecordedCall> which) {
        killed = new CountDownLatch(1);
        CountDownLatch mine = killed;
        discord.beforeAnswering(which, call -> {
            try {
                comptoir.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            mine.countDown();
        });
    }

    /**
     * Waits for the kill, starts Comptoir again, and waits until it has either found {@code event} on
     * Discord (its log says so) or posted it again ({@code copies} above 1), then for a quiet moment.
     */
    private void restartAfterTheKill(String event, java.util.function.IntSupplier copies) throws Exception {
        assertThat(killed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("Comptoir killed by the fake Discord").isTrue();
        comptoir.start();
        discord.awaitConnectedClients(1, WAIT);
        Events.await(() -> comptoir.logText().contains(event + " was already on") || copies.getAsInt() > 1, WAIT,
                "Comptoir finding " + event + " on Discord, or posting it again (log " + comptoir.logFile() + ")");
        Thread.sleep(QUIET.toMillis());
    }
}
