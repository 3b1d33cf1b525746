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
import coop.comptoir.testing.discord.FakeUser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Discord bridge attacked from outside, through the real Synapse: Mallory, an ordinary member,
 * tries to reach a staff-only channel, to rewrite or quote what others wrote, and to use what she
 * administers (a direct chat with the bot, a room of her own) to link or import. Alice is one of
 * Comptoir's configured administrators ({@code commands.admins}).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DiscordBridgeSecurityE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-discord-security-token-0123456789";
    private static final String FOR_ADMINS = "linking a room and importing a history are for Comptoir's administrators";

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient mallory;
    private static String bot;
    private static FakeUser dBob;
    private static FakeChannel publicChannel;
    private static FakeChannel staff;
    private static FakeChannel hers;
    private static FakeChannel elsewhere;
    private static FakeChannel toBeEncrypted;
    private static String publicRoom;
    private static String staffRoom;
    private static String malloryRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "public", "equipe", "caisse", "chiffre")
                .guild("Ailleurs", "dehors").user("alice", "Alice").user("bob", "Bob").start();
        dBob = discord.user("bob");
        publicChannel = discord.channel("public");
        staff = discord.channel("equipe");
        hers = discord.channel("caisse");
        elsewhere = discord.channel("dehors");
        toBeEncrypted = discord.channel("chiffre");

        alice = rig.newUser("alice");
        alice.setDisplayName("Alice");
        mallory = rig.newUser("mallory");
        mallory.setDisplayName("Mallory");
        publicRoom = alice.createRoom(bot, mallory.userId());
        mallory.join(publicRoom);
        staffRoom = alice.createRoom(bot);
        malloryRoom = mallory.createRoom(bot, alice.userId());
        alice.join(malloryRoom);

        comptoir = rig.comptoir("discord-security", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ObjectNode d = ((ArrayNode) c.withArray("plugins")).addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", publicChannel.guildId()).put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl());
        }).start();
        for (String room : List.of(publicRoom, staffRoom, malloryRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
        discord.awaitConnectedClients(1, WAIT);
        link(publicRoom, publicChannel);
        link(staffRoom, staff);
        discord.userSays(hers.id(), dBob.id(), "avant le lien"); // history: only an import would copy it
        link(malloryRoom, hers); // an administrator's choice: Mallory is admin of that room
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, null);
    }

    private static void link(String room, FakeChannel channel) {
        String cmd = alice.sendText(room, "!bridge link discord " + channel.id());
        alice.awaitEvent(room, Events.noticeReply(bot, cmd, "linked to #" + channel.name()), WAIT);
    }

    private static String ghost(FakeUser user) {
        return "@_discord_" + user.id() + ":" + Rig.SERVER_NAME;
    }

    private static FakeMessage onDiscord(FakeChannel channel, String text) {
        return discord.awaitMessageIn(channel.id(), m -> m.isWebhookMessage() && m.content().contains(text), WAIT);
    }

    private static String answer(MatrixTestClient who, String room, String command) {
        String cmd = who.sendText(room, command);
        return who.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(cmd)), WAIT).path("content").path("body").asText();
    }

    @Test
    void aMemberCannotLinkAStaffChannelFromADirectChatWithTheBot() {
        String dm = mallory.createRoom(bot); // she is its admin (power level 100), as anyone in a room they create
        mallory.awaitEvent(dm, Events.membership(bot, "join"), WAIT);
        String refused = answer(mallory, dm, "!bridge link discord " + staff.id());
        String unknown = answer(mallory, dm, "!bridge link discord 1234567890123456789");
        assertThat(refused).contains(FOR_ADMINS).isEqualTo(unknown); // the answer tells nothing of the channel

        discord.userSays(staff.id(), dBob.id(), "réservé à l'équipe");
        mallory.sendText(dm, "je poste chez l'équipe");
        alice.awaitEvent(staffRoom, Events.newMessageFrom(ghost(dBob), "réservé à l'équipe"), WAIT);
        mallory.sendText(publicRoom, "témoin");
        onDiscord(publicChannel, "témoin");
        assertThat(mallory.roomMessages(dm)).noneMatch(e -> e.path("sender").asText().startsWith("@_discord_"));
        assertThat(discord.webhookMessages(staff.id())).noneMatch(m -> m.content().contains("je poste"));
    }

    @Test
    void aRoomAdminWhoIsNotAmongComptoirsAdministratorsCannotImport() {
        assertThat(answer(mallory, malloryRoom, "!bridge import")).contains(FOR_ADMINS);
        assertThat(answer(mallory, malloryRoom, "!bridge status")).contains("Discord channel " + hers.id());
        discord.userSays(hers.id(), dBob.id(), "après le lien");
        mallory.awaitEvent(malloryRoom, Events.newMessageFrom(ghost(dBob), "après le lien"), WAIT);
        assertThat(mallory.roomMessages(malloryRoom)).noneMatch(e -> e.path("content").path("body").asText().contains("avant le lien"));
    }

    @Test
    void aChannelOfAnotherDiscordServerCannotBeLinkedEvenByAnAdministrator() {
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        assertThat(answer(alice, room, "!bridge link discord " + elsewhere.id())).contains("cannot find the channel " + elsewhere.id());
    }

    @Test
    void anEditOfSomeoneElsesMessageLeavesTheDiscordCopyAlone() {
        String original = alice.sendText(publicRoom, "Réunion à 18h");
        FakeMessage copy = onDiscord(publicChannel, "Réunion à 18h");
        ObjectNode edit = Http.object().put("msgtype", "m.text").put("body", "* Réunion annulée");
        edit.putObject("m.new_content").put("msgtype", "m.text").put("body", "Réunion annulée");
        edit.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original);
        mallory.sendEvent(publicRoom, "m.room.message", edit); // Synapse takes it; Matrix clients ignore it
        mallory.sendText(publicRoom, "après la tentative");
        onDiscord(publicChannel, "après la tentative"); // same queue: the edit was handled before
        assertThat(discord.findMessage(copy.id()).orElseThrow().content()).isEqualTo("Réunion à 18h");
        assertThat(discord.findMessage(copy.id()).orElseThrow().isEdited()).isFalse();
    }

    @Test
    void aMemberWhoTakesSomeoneElsesNameIsToldApartOnDiscord() {
        mallory.setDisplayName("Alice");
        try {
            mallory.awaitEvent(publicRoom, Events.membership(mallory.userId(), "join")
                    .and(e -> "Alice".equals(e.path("content").path("displayname").asText())), WAIT);
            mallory.sendText(publicRoom, "c'est moi, Alice");
            assertThat(onDiscord(publicChannel, "c'est moi, Alice").authorName()).isEqualTo("Alice (" + mallory.userId() + ")");
        } finally {
            mallory.setDisplayName("Mallory");
        }
    }

    @Test
    void aReplyNeverQuotesAStaffThreadIntoAnotherChannel() {
        FakeMessage root = discord.userSays(staff.id(), dBob.id(), "inventaire de la caisse");
        alice.awaitEvent(staffRoom, Events.newMessageFrom(ghost(dBob), "inventaire de la caisse"), WAIT);
        FakeChannel thread = discord.userCreatesThread(staff.id(), root.id(), dBob.id(), "Caisse");
        discord.userSays(thread.id(), dBob.id(), "le code du coffre est 4821");
        JsonNode secret = alice.awaitEvent(staffRoom, Events.newMessageFrom(ghost(dBob), "le code du coffre"), WAIT);

        // Mallory is not in the staff room; a reply may name any event ID (a former member knows some)
        ObjectNode reply = Http.object().put("msgtype", "m.text").put("body", "quel code ?");
        reply.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", secret.path("event_id").asText());
        mallory.sendEvent(publicRoom, "m.room.message", reply);
        FakeMessage posted = onDiscord(publicChannel, "quel code ?");
        assertThat(posted.content()).doesNotContain("4821").doesNotContain("coffre");
    }

    @Test
    void aDeletionByADiscordModeratorLeavesTheMatrixOriginalAndSaysSo() {
        String original = mallory.sendText(publicRoom, "mon annonce");
        FakeMessage copy = onDiscord(publicChannel, "mon annonce");
        discord.userDeletes(publicChannel.id(), copy.id());
        alice.awaitEvent(publicRoom, Events.messageFrom(bot).and(Events.repliesTo(original))
                .and(Events.bodyContains("deleted on Discord; it stays visible here")), WAIT);
        assertThat(alice.roomMessages(publicRoom)).noneMatch(e -> "m.room.redaction".equals(e.path("type").asText())
                && (original.equals(e.path("redacts").asText()) || original.equals(e.path("content").path("redacts").asText())));
    }

    @Test
    void anEncryptedRoomIsNotLinkedAndAPortalThatBecameEncryptedSaysSo() {
        ObjectNode create = Http.object().put("preset", "private_chat");
        create.putArray("invite").add(bot);
        create.putArray("initial_state").addObject().put("type", "m.room.encryption").put("state_key", "")
                .putObject("content").put("algorithm", "m.megolm.v1.aes-sha2");
        String encrypted = alice.createRoom(create);
        alice.awaitEvent(encrypted, Events.membership(bot, "join"), WAIT);
        // a client may still send a command unencrypted
        assertThat(answer(alice, encrypted, "!bridge link discord " + publicChannel.id()))
                .startsWith("This room is encrypted, and I cannot read encrypted messages yet");

        String later = alice.createRoom(bot);
        alice.awaitEvent(later, Events.membership(bot, "join"), WAIT);
        link(later, toBeEncrypted);
        encrypt(alice, later);
        String status = answer(alice, later, "!bridge status");
        assertThat(status).contains("This room is encrypted: I cannot read encrypted messages yet");
        answer(alice, later, "!bridge status");
        assertThat(comptoir.logText().lines().filter(l -> l.contains("is encrypted: the bot cannot read")).count())
                .as("logged once").isEqualTo(1);
    }

    private static void encrypt(MatrixTestClient who, String room) {
        okhttp3.HttpUrl url = okhttp3.HttpUrl.get(rig.synapse().url()).newBuilder().addPathSegments("_matrix/client/v3/rooms")
                .addPathSegment(room).addPathSegments("state/m.room.encryption/").build();
        Request put = new Request.Builder().url(url)
                .header("Authorization", "Bearer " + who.accessToken())
                .put(RequestBody.create("{\"algorithm\":\"m.megolm.v1.aes-sha2\"}", Http.JSON_TYPE)).build();
        assertThat(Http.call(put).status()).isEqualTo(200);
    }
}
