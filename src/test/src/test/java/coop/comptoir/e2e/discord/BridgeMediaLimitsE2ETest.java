package coop.comptoir.e2e.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import coop.comptoir.testing.discord.RecordedCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Size limits of the Discord bridge, played from outside: a Matrix member who lies about a file's
 * size, and a Matrix avatar too large to serve. Comptoir reaches Synapse through a
 * {@link HomeserverTap}, which counts the bytes and media downloads Comptoir really fetched.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BridgeMediaLimitsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-discord-media-token-0123456789abcdef";
    /** What Discord takes in a guild without boosts, the connector's floor. */
    private static final long DISCORD_LIMIT = 10L * 1024 * 1024;
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    private static Rig rig;
    private static HomeserverTap tap;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient carol;
    private static String bot;
    private static FakeChannel fichiers;
    private static String room;
    private static String avatarMediaId;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        tap = HomeserverTap.start(rig.synapse().url());
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "fichiers").user("dora", "Dora").start();
        fichiers = discord.channel("fichiers");

        carol = rig.newUser("carol");
        carol.setDisplayName("Carol");
        // an avatar over the 5 MB the avatar route serves, PNG from its first bytes
        byte[] hugeAvatar = Arrays.copyOf(PNG, 6 * 1024 * 1024);
        String avatar = carol.upload(hugeAvatar, "application/octet-stream", "carol.png");
        avatarMediaId = avatar.substring(avatar.lastIndexOf('/') + 1);
        carol.setAvatarUrl(avatar);
        room = carol.createRoom(bot);

        comptoir = rig.comptoir("discord-media-limits", c -> {
            ((ObjectNode) c.get("homeserver")).put("url", tap.url());
            ObjectNode d = ((ArrayNode) c.withArray("plugins")).addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("guild_id", fichiers.guildId())
                    .put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl())
                    .put("public_address", rig.appserviceUrl());
            d.putArray("links").addObject().put("room", room).put("channel", fichiers.id());
        }).start();
        carol.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, null, tap);
    }

    @Test
    @Order(1)
    void aSmallFileCrossesThroughTheTap() {
        byte[] list = "pain, beurre, confiture".getBytes(StandardCharsets.UTF_8);
        carol.sendEvent(room, "m.room.message", file("liste.txt", "text/plain", carol.upload(list, "text/plain", "liste.txt"),
                list.length));

        FakeMessage posted = discord.awaitMessageIn(fichiers.id(), m -> m.isWebhookMessage() && !m.attachments().isEmpty(), WAIT);
        assertThat(posted.attachments()).singleElement().satisfies(a -> assertThat(a.filename()).isEqualTo("liste.txt"));
        // A delivery tried before the Discord session is up is retried, and downloads the file again.
        assertThat(tap.downloads()).as("the file came through the tap").isNotEmpty()
                .allSatisfy(path -> assertThat(path).startsWith("/_matrix/client/v1/media/download/"));
    }

    @Test
    @Order(2)
    void aFileLargerThanDiscordTakesButClaimingToBeSmallIsNamedAndNotFetchedWhole() {
        byte[] video = new byte[16 * 1024 * 1024];
        String mxc = carol.upload(video, "video/mp4", "assemblee.mp4");
        long before = tap.bytesToComptoir();

        String sent = carol.sendEvent(room, "m.room.message", file("assemblee.mp4", "video/mp4", mxc, 1200).put("msgtype", "m.video"));

        FakeMessage posted = discord.awaitMessageIn(fichiers.id(),
                m -> m.isWebhookMessage() && m.content().contains("assemblee.mp4"), WAIT);
        assertThat(posted.attachments()).isEmpty();
        assertThat(posted.content()).isEqualTo("📎 assemblee.mp4 (16,0 Mo, trop lourd pour être copié depuis Matrix)");
        JsonNode notice = carol.awaitEvent(room, e -> bot.equals(e.path("sender").asText())
                && e.path("content").path("body").asText().contains("trop lourd pour Discord"), WAIT);
        assertThat(notice.path("content").path("body").asText())
                .isEqualTo("Le fichier « assemblee.mp4 » (16,0 Mo) est trop lourd pour Discord (10,0 Mo au plus) : "
                        + "seul son nom y a été transmis.");
        assertThat(sent).isNotBlank();
        assertThat(tap.bytesToComptoir() - before).as("bytes Comptoir fetched from Synapse for the file")
                .isLessThan(DISCORD_LIMIT);
    }

    @Test
    @Order(3)
    void anAvatarTooLargeIsFetchedOnceAndNeverServed() throws Exception {
        carol.sendText(room, "Bonjour de Carol");
        onDiscord("Bonjour de Carol");
        RecordedCall execute = discord.awaitRequest(c -> c.is("POST", "/webhooks/\\d+/[^/]+")
                && c.json() != null && c.json().path("content").asText().contains("Bonjour de Carol"), WAIT);
        String avatarUrl = execute.json().path("avatar_url").asText();
        assertThat(avatarUrl).startsWith(rig.appserviceUrl() + "/_comptoir/plugins/discord/avatar/");
        long before = tap.bytesToComptoir();

        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(avatarUrl)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(answer.statusCode()).as("hit %d", i + 1).isEqualTo(404);
        }
        assertThat(tap.downloads().stream().filter(p -> p.endsWith("/" + avatarMediaId)))
                .as("downloads of the avatar from Synapse").hasSize(1);
        assertThat(tap.bytesToComptoir() - before).as("bytes Comptoir fetched for the avatar").isLessThan(5L * 1024 * 1024);
    }

    private static FakeMessage onDiscord(String text) {
        return discord.awaitMessageIn(fichiers.id(), m -> m.isWebhookMessage() && m.content().contains(text), WAIT);
    }

    private static ObjectNode file(String name, String type, String mxc, long claimedSize) {
        ObjectNode content = Http.object().put("msgtype", "m.file").put("body", name).put("filename", name).put("url", mxc);
        content.putObject("info").put("mimetype", type).put("size", claimedSize);
        return content;
    }
}
