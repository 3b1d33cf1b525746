package coop.comptoir.e2e.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.NioMember;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code encryption.enabled} with the Discord bridge: an encrypted room is linked, its admins are
 * told (encrypted, readable) that Discord is not encrypted, and what a member's encrypting client
 * (matrix-nio) writes there reaches the fake Discord decrypted.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EncryptedDiscordBridgeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "e2e-discord-bot-token-e2ee-0123456789";

    private final Rig rig = Rig.get();
    private FakeDiscord discord;
    private ComptoirProcess comptoir;

    @AfterEach
    void stop() throws Exception {
        if (comptoir != null) {
            assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(TOKEN).doesNotContain("cannot read");
            comptoir.stop();
        }
        if (discord != null) {
            discord.close();
        }
    }

    @Test
    void anEncryptedRoomIsLinkedAndWhatAMemberWritesReachesDiscordDecrypted() throws Exception {
        String bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "chiffre").user("alice", "Alice").start();
        FakeChannel channel = discord.channel("chiffre");
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(encryptedRoomInviting(bot));
        comptoir = rig.comptoir("discord-e2ee", c -> {
            c.putObject("encryption").put("enabled", true);
            c.putObject("commands").putArray("admins").add(alice.userId());
            ObjectNode d = ((ArrayNode) c.withArray("plugins")).addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", channel.guildId()).put("max_retry_delay_seconds", 2)
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl()).put("public_address", rig.appserviceUrl());
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);

        NioMember aliceClient = NioMember.of(alice);
        JsonNode told = aliceClient.sendAndAwait(room, bot, "!bridge link discord " + channel.id(), "but Discord is not", WAIT);
        assertThat(told.has("error")).as("linking: %s", told).isFalse();
        assertThat(told.path("decrypted").asBoolean()).as("the notice is encrypted, and decrypts: %s", told).isTrue();
        assertThat(told.path("body").asText()).startsWith("🔓 This room is end-to-end encrypted, but Discord is not");

        // nothing from the bot is expected back: the short wait only bounds the exchange
        aliceClient.sendAndAwait(room, bot, "Bonjour depuis un salon chiffré", "(nothing)", Duration.ofSeconds(8));
        FakeMessage posted = discord.awaitMessageIn(channel.id(),
                m -> m.isWebhookMessage() && m.content().contains("Bonjour depuis un salon chiffré"), WAIT);
        assertThat(posted.content()).doesNotContain("m.megolm").doesNotContain("ciphertext");
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
