package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Names;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Comptoir cannot read end-to-end encrypted rooms yet, and says so instead of staying silent: once
 * per room, in plain text and in French, when it joins an encrypted room, when encryption is turned
 * on where it is, or when a member writes there in encrypted form. Once means once across restarts.
 * Ghosts' encrypted events, and unencrypted rooms, get nothing. The direct chats Comptoir opens
 * (welcome's guide, shifts' reminders) are not encrypted, so that it can read them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EncryptedRoomsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** The French notice, recognisable by its first words. */
    private static final String NOTICE = "chiffré de bout en bout";
    private static final String MEGOLM = "m.megolm.v1.aes-sha2";

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static String guideRoom;
    private static String shiftsRoom;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        alice = rig.newUser("alice");
        guideRoom = alice.createRoom(Http.object().put("preset", "public_chat").put("name", "Accueil " + Names.unique("r"))
                .set("invite", Http.JSON.createArrayNode().add(bot)));
        shiftsRoom = alice.createRoom(bot);
        Path dir = rig.freshDir("encrypted-rooms-files");
        Path schedule = dir.resolve("shifts.yaml");
        Files.writeString(schedule, "templates: []\n");
        comptoir = rig.comptoir("encrypted-rooms", config -> {
            ArrayNode plugins = (ArrayNode) config.get("plugins");
            ObjectNode welcome = plugins.addObject().put("type", "welcome").put("coop", "La Cagette")
                    .put("wiki", "https://wiki.cagette.test").put("group_window_seconds", 1);
            welcome.putArray("rooms").addObject().put("room", guideRoom).put("direct_message", true);
            ObjectNode shifts = plugins.addObject().put("type", "shifts").put("id", "shifts").put("anchor", "2026-01-05");
            shifts.putObject("source").put("type", "yaml").put("file", schedule.toString());
        }).start();
        alice.awaitEvent(guideRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(shiftsRoom, Events.membership(bot, "join"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    @Test
    void anEncryptedRoomIsToldOnceInPlainFrenchAcrossTrafficAndARestart() throws Exception {
        String room = encryptedRoom(alice, bot);

        JsonNode notice = alice.awaitEvent(room, notice(), WAIT);
        assertThat(notice.path("content").path("msgtype").asText()).isEqualTo("m.notice");
        assertThat(notice.path("content").has("formatted_body")).as("plain text only").isFalse();
        assertThat(notice.path("content").path("body").asText())
                .startsWith("Bonjour ! Ce salon est chiffré de bout en bout")
                .contains("rappels", "annonces", "!aide", "non chiffré");

        alice.sendEvent(room, "m.room.encrypted", megolm("!ping"));
        alice.sendEvent(room, "m.room.encrypted", megolm("!rappels on"));
        awaitPong(alice, room);
        assertThat(notices(alice, room)).as("notices after encrypted traffic").hasSize(1);

        comptoir.restart();
        alice.sendEvent(room, "m.room.encrypted", megolm("!services"));
        alice.sendState(room, "m.room.encryption", "", Http.object().put("algorithm", MEGOLM));
        awaitPong(alice, room);
        assertThat(notices(alice, room)).as("notices after a restart").hasSize(1);
        // Synapse would swallow a second send with the same transaction ID: the log sees every decision.
        assertThat(toldLines(room)).as("'told' log lines for %s in %s", room, comptoir.logFile()).isEqualTo(1);
    }

    @Test
    void aPlainRoomGetsNothingUntilEncryptionIsTurnedOn() {
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        awaitPong(alice, room);
        assertThat(notices(alice, room)).as("notices in an unencrypted room").isEmpty();

        alice.sendState(room, "m.room.encryption", "", Http.object().put("algorithm", MEGOLM));
        alice.awaitEvent(room, notice(), WAIT);
        alice.sendEvent(room, "m.room.encrypted", megolm("!aide"));
        awaitPong(alice, room);
        assertThat(notices(alice, room)).hasSize(1);
    }

    @Test
    void ghostsEncryptedEventsAreNotAnsweredButAMembersAre() {
        String room = alice.createRoom(bot);
        String ghost = "@_echo_" + Names.uniqueNumber() + ":" + Rig.SERVER_NAME;
        alice.invite(room, ghost);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(room, Events.messageFrom(ghost).and(Events.bodyContains("bonjour")), WAIT);

        sendAsGhost(ghost, room, "m.room.encrypted", megolm("relayed"));
        awaitPong(alice, room);
        assertThat(notices(alice, room)).as("notices after a ghost's encrypted event").isEmpty();

        alice.sendEvent(room, "m.room.encrypted", megolm("!ping"));
        alice.awaitEvent(room, notice(), WAIT);
    }

    @Test
    void theWelcomeGuideComesInAnUnencryptedDirectChat() {
        MatrixTestClient fanny = rig.newUser("fanny");
        fanny.setDisplayName("Fanny");
        fanny.join(guideRoom);

        Map.Entry<String, JsonNode> invite = fanny.awaitInvite(WAIT);
        assertThat(types(invite.getValue())).as("invite state of the guide's chat").contains("m.room.member")
                .doesNotContain("m.room.encryption");
        fanny.join(invite.getKey());
        fanny.awaitEvent(invite.getKey(), Events.messageFrom(bot), WAIT);
        assertThat(fanny.state(invite.getKey(), "m.room.encryption", "")).as("encryption of the guide's chat").isEmpty();
    }

    @Test
    void theShiftsRemindersComeInAnUnencryptedDirectChat() {
        MatrixTestClient dave = rig.newUser("dave");
        alice.invite(shiftsRoom, dave.userId());
        dave.join(shiftsRoom);
        String command = dave.sendText(shiftsRoom, "!rappels on");
        dave.awaitEvent(shiftsRoom, Events.noticeReply(bot, command, "C’est noté"), WAIT);

        Map.Entry<String, JsonNode> invite = dave.awaitInvite(WAIT);
        assertThat(types(invite.getValue())).as("invite state of the reminders' chat").contains("m.room.member")
                .doesNotContain("m.room.encryption");
        dave.join(invite.getKey());
        dave.awaitEvent(invite.getKey(), Events.messageFrom(bot).and(Events.bodyContains("rappels")), WAIT);
        assertThat(dave.state(invite.getKey(), "m.room.encryption", "")).as("encryption of the reminders' chat").isEmpty();
        String ping = dave.sendText(invite.getKey(), "!ping");
        dave.awaitEvent(invite.getKey(), Events.noticeReply(bot, ping, "pong"), WAIT);
    }

    // ---------------------------------------------------------------------------------------------

    /** A private room created encrypted (as Element does by default), with the bot invited. */
    private static String encryptedRoom(MatrixTestClient creator, String invitee) {
        ObjectNode body = Http.object().put("preset", "private_chat");
        body.putArray("invite").add(invitee);
        ObjectNode encryption = body.putArray("initial_state").addObject().put("type", "m.room.encryption").put("state_key", "");
        encryption.putObject("content").put("algorithm", MEGOLM);
        return creator.createRoom(body);
    }

    /** What a client's megolm message looks like from the outside; Comptoir only needs to see its type. */
    private static ObjectNode megolm(String label) {
        String noise = Integer.toHexString(label.hashCode()) + Names.uniqueNumber();
        return Http.object()
                .put("algorithm", MEGOLM)
                .put("sender_key", "cG9zdGVkIGJ5IHRoZSBlbmQtdG8tZW5kIHRlc3RzIG9mIENvbXB0b2ly")
                .put("ciphertext", "AwgAEnAZ" + noise + "b2zQx+5mYhK8Vj0w7l1Zk3uPq9rR2sT4vW6yA8cE0gI2kM4oQ6sU")
                .put("session_id", "c2Vzc2lvbi1vZi10aGUtdGVzdHM")
                .put("device_id", "E2ETESTDEV");
    }

    /** Sends an event as a ghost of the echo-ghost plugin, with the appservice's token, as a bridge would. */
    private static void sendAsGhost(String ghost, String room, String type, ObjectNode content) {
        HttpUrl url = HttpUrl.get(rig.synapse().url()).newBuilder().addPathSegments("_matrix/client/v3/rooms")
                .addPathSegment(room).addPathSegment("send").addPathSegment(type)
                .addPathSegment("e2e-ghost-" + Names.uniqueNumber()).addQueryParameter("user_id", ghost).build();
        Http.Answer answer = Http.call(new Request.Builder().url(url)
                .header("Authorization", "Bearer " + rig.registration().asToken())
                .put(RequestBody.create(content.toString(), Http.JSON_TYPE)).build());
        assertThat(answer.status()).as("send as %s: %s", ghost, answer).isEqualTo(200);
    }

    /**
     * Says {@code !ping} in plain text and waits for the answer. Events of a room are handled in
     * order, so once the pong is there, everything sent before it was handled.
     */
    private static void awaitPong(MatrixTestClient who, String room) {
        String ping = who.sendText(room, "!ping");
        who.awaitEvent(room, Events.noticeReply(bot, ping, "pong"), WAIT);
    }

    private static Predicate<JsonNode> notice() {
        return Events.messageFrom(bot).and(Events.bodyContains(NOTICE));
    }

    private static List<JsonNode> notices(MatrixTestClient who, String room) {
        return who.roomMessages(room).stream().filter(notice()).toList();
    }

    /** Lines of Comptoir's log, over all its starts, saying the members of {@code room} were told. */
    private static long toldLines(String room) {
        Pattern told = Pattern.compile("Room " + Pattern.quote(room) + " is end-to-end encrypted.*told");
        return comptoir.logText().lines().filter(l -> told.matcher(l).find()).count();
    }

    private static List<String> types(JsonNode inviteState) {
        return StreamSupport.stream(inviteState.path("events").spliterator(), false)
                .map(e -> e.path("type").asText()).toList();
    }
}
