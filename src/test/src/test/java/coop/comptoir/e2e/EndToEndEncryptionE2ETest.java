package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.NioMember;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code encryption.enabled}: the bot has a device of its own and reads encrypted rooms. The member
 * here uses matrix-nio, a client that really encrypts (room keys shared over Olm with every member's
 * device, messages in Megolm), not a stand-in.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EndToEndEncryptionE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("e2ee",
            config -> config.putObject("encryption").put("enabled", true));

    private static final Rig rig = Rig.get();

    @Test
    void pingInAnEncryptedRoomIsAnsweredAndTheDeviceSurvivesARestart() throws Exception {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(encryptedRoomInviting(bot));
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);

        JsonNode before = botDevices(alice, bot);
        // other classes' Comptoirs (fresh databases, same Synapse) may have left devices of their own
        String deviceId = lastDevice(COMPTOIR.process().logText());
        assertThat(before.has(deviceId)).as("the bot's devices with keys: %s", before).isTrue();
        JsonNode keys = before.path(deviceId);
        assertThat(keys.path("algorithms").toString()).contains("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2");
        assertThat(keys.path("signatures").path(bot).has("ed25519:" + deviceId)).as("self-signed: %s", keys).isTrue();

        NioMember aliceClient = NioMember.of(alice);
        JsonNode answer = aliceClient.sendAndAwait(room, bot, "!ping", "pong", WAIT);
        assertThat(answer.has("error")).as("the exchange: %s", answer).isFalse();
        assertThat(answer.path("bot_devices").toString()).as("nio saw the bot's device").contains(deviceId);
        assertThat(answer.path("decrypted").asBoolean()).as("the bot's answer was encrypted, and decrypts: %s", answer).isTrue();
        String log = COMPTOIR.process().logText();
        assertThat(log).as("Comptoir's log").contains("Received a room key for " + room)
                .doesNotContain(rig.registration().asToken());

        // A restart keeps the device, its keys and the room keys: the same session still decrypts.
        COMPTOIR.process().restart();
        JsonNode after = botDevices(alice, bot);
        assertThat(lastDevice(COMPTOIR.process().logText())).as("the same device after a restart").isEqualTo(deviceId);
        assertThat(after.path(deviceId).path("keys")).isEqualTo(keys.path("keys"));
        JsonNode again = aliceClient.sendAndAwait(room, bot, "!ping", "pong", WAIT);
        assertThat(again.has("error")).as("the exchange after a restart: %s", again).isFalse();
        assertThat(again.path("decrypted").asBoolean()).as("encrypted after a restart: %s", again).isTrue();
    }

    @Test
    void aMemberWhoJoinsLaterReadsTheBotsNextMessagesAndOneWhoLeftGetsANewKeyNoMore() throws Exception {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        MatrixTestClient bob = rig.newUser("bob");
        String room = alice.createRoom(encryptedRoomInviting(bot));
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        NioMember aliceClient = NioMember.of(alice);
        JsonNode first = aliceClient.sendAndAwait(room, bot, "!ping", "pong", WAIT);
        assertThat(first.path("decrypted").asBoolean()).as("alice's first exchange: %s", first).isTrue();

        alice.invite(room, bob.userId());
        bob.join(room);
        JsonNode bobs = NioMember.of(bob).sendAndAwait(room, bot, "!ping", "pong", WAIT);
        assertThat(bobs.path("decrypted").asBoolean()).as("bob, who joined later, reads the bot: %s", bobs).isTrue();

        int keysBefore = countOf(COMPTOIR.process().logText(), "New room key for " + room);
        bob.leave(room);
        alice.awaitEvent(room, Events.membership(bob.userId(), "leave"), WAIT);
        JsonNode after = aliceClient.sendAndAwait(room, bot, "!ping", "pong", WAIT);
        assertThat(after.path("decrypted").asBoolean()).as("alice after bob left: %s", after).isTrue();
        assertThat(countOf(COMPTOIR.process().logText(), "New room key for " + room))
                .as("bob had the bot's room key: the bot made a new one once he left").isEqualTo(keysBefore + 1);
    }

    /** The device this Comptoir started last, from its log. */
    private static String lastDevice(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("End-to-end encryption on: device (\\S+) of").matcher(log);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as("the device in Comptoir's log").isNotNull();
        return last;
    }

    private static int countOf(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static ObjectNode encryptedRoomInviting(String bot) {
        ObjectNode body = Http.object().put("preset", "private_chat");
        body.putArray("invite").add(bot);
        ObjectNode state = body.putArray("initial_state").addObject();
        state.put("type", "m.room.encryption").put("state_key", "");
        state.putObject("content").put("algorithm", "m.megolm.v1.aes-sha2");
        return body;
    }

    /** The bot's devices as another user sees them ({@code /keys/query}): device id → signed device keys. */
    private static JsonNode botDevices(MatrixTestClient asker, String bot) {
        ObjectNode query = Http.object();
        query.putObject("device_keys").putArray(bot);
        Request request = new Request.Builder()
                .url(HttpUrl.get(rig.synapse().url()).newBuilder().addPathSegments("_matrix/client/v3/keys/query").build())
                .header("Authorization", "Bearer " + asker.accessToken())
                .post(RequestBody.create(query.toString(), Http.JSON_TYPE)).build();
        Http.Answer answer = Http.call(request);
        assertThat(answer.status()).as("keys/query: %s", answer).isEqualTo(200);
        return answer.json().path("device_keys").path(bot);
    }
}
