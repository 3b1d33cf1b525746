package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.BridgeConfig;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Account linking through the real Synapse and the fake Discord: {@code !link} on Matrix gives a
 * code by direct message; a wrong code is refused on Discord; the right one links Carole's Discord
 * account to Alice's Matrix account, and neither code message reaches Matrix (both are removed on
 * Discord); Carole's Discord messages then show Alice's Matrix name and avatar, also after Alice
 * changes her name; {@code !migration} counts her as moved; with {@code !link digest on}, a mention
 * on Discord comes back as a direct message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AccountLinkingE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-discord-bot-token-linking-0123456789";
    private static final Pattern CODE = Pattern.compile("code : ([A-Z0-9]{6})");
    /** The fake's default rights for @everyone, plus Manage Messages (the code message is removed). */
    private static final long EVERYONE = (1L << 10) | (1L << 11) | (1L << 29) | (1L << 16) | (1L << 6) | (1L << 15) | (1L << 14)
            | (1L << 35) | (1L << 36) | (1L << 38) | (1L << 18) | (1L << 26) | (1L << 17) | (1L << 13);
    /** A 1×1 PNG, as Alice's avatar. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static FakeChannel cafe;
    private static String cafeRoom;
    private static String orgaRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).everyonePermissions(EVERYONE).guild("Coop", "cafe")
                .user("carole", "Carole").user("dan", "Dan").start();
        cafe = discord.channel("cafe");
        alice = rig.newUser("alice");
        cafeRoom = alice.createRoom(bot);
        alice.sendState(cafeRoom, "m.room.name", "", new ObjectMapper().createObjectNode().put("name", "Café"));
        orgaRoom = alice.createRoom(bot);
        comptoir = rig.comptoir("account-linking", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = c.withArray("plugins");
            ObjectNode d = BridgeConfig.discord(plugins, discord, TOKEN, cafe.guildId())
                    .put("link_digest_every", "3s").put("max_retry_delay", "2s");
            d.putArray("links").addObject().put("room", cafeRoom).put("channel", cafe.id());
            plugins.addObject().put("type", "migration");
        }).start();
        alice.awaitEvent(cafeRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(orgaRoom, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
        alice.sendUntilAnswered(orgaRoom, bot, "!bridge", "!bridge", Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, () -> assertThat(discord.unknownRoutes()).isEmpty());
    }

    private static String ghost(FakeUser user) {
        return BridgeConfig.discordGhost(user.id());
    }

    private static List<FakeMessage> botPosts() {
        return discord.messagesIn(cafe.id()).stream().filter(m -> m.authorId().equals(discord.bot().id())).toList();
    }

    private static FakeMessage awaitBotPost(String text) {
        return discord.awaitMessageIn(cafe.id(), m -> m.authorId().equals(discord.bot().id()) && m.content().contains(text), WAIT);
    }

    @Test
    void aLinkedDiscordAccountShowsTheMatrixNameCountsAsMovedAndGetsTheDigest() throws Exception {
        FakeUser carole = discord.user("carole");
        FakeUser dan = discord.user("dan");
        discord.userSays(cafe.id(), carole.id(), "je suis encore sur Discord");
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(carole), "je suis encore sur Discord"), WAIT);
        discord.userSays(cafe.id(), dan.id(), "moi aussi");
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(dan), "moi aussi"), WAIT);
        String summary = alice.sendText(orgaRoom, "!migration");
        assertThat(alice.awaitEvent(orgaRoom, Events.noticeReply(bot, summary, "Café"), WAIT).path("content").path("body").asText())
                .contains("Encore seulement sur Discord : 2").doesNotContain("compte relié");

        alice.setDisplayName("Alice Martin");
        String avatar = alice.upload(PNG, "image/png", "alice.png");
        alice.setAvatarUrl(avatar);

        // !link in the bridged room: the code comes by direct message, the command stays on Matrix
        String asked = alice.sendText(cafeRoom, "!link");
        alice.awaitEvent(cafeRoom, Events.noticeReply(bot, asked, "message privé"), WAIT);
        String dm = alice.awaitInvite(WAIT).getKey();
        alice.join(dm);
        JsonNode codeNotice = alice.awaitEvent(dm, Events.messageFrom(bot).and(Events.bodyContains("votre code")), WAIT);
        assertThat(codeNotice.path("content").path("msgtype").asText()).isEqualTo("m.notice");
        Matcher m = CODE.matcher(codeNotice.path("content").path("body").asText());
        assertThat(m.find()).isTrue();
        String code = m.group(1);

        // a wrong code: refused, removed on Discord, not on Matrix
        FakeMessage wrong = discord.userSays(cafe.id(), carole.id(), "!link ABCDEF");
        awaitBotPost("Carole, ce code n'est pas bon");
        FakeMessage right = discord.userSays(cafe.id(), carole.id(), "!link " + code);
        awaitBotPost("C'est fait, Carole : votre compte Discord est relié à " + alice.userId());
        alice.awaitEvent(dm, Events.messageFrom(bot).and(Events.bodyContains("votre compte Discord « Carole » est relié")), WAIT);
        assertThat(discord.messagesIn(cafe.id())).extracting(FakeMessage::id).doesNotContain(wrong.id(), right.id());
        assertThat(discord.messagesIn(cafe.id())).noneMatch(x -> x.content().contains("!link") && x.isWebhookMessage());

        // from now on, Carole's Discord messages show Alice's Matrix name and avatar
        discord.userSays(cafe.id(), carole.id(), "me voici sous mon nom Matrix");
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(carole), "me voici sous mon nom Matrix"), WAIT);
        assertThat(alice.displayName(ghost(carole))).contains("Alice Martin (Discord)");
        // Synapse copies a profile change into the rooms' member events shortly after
        Events.await(() -> alice.state(cafeRoom, "m.room.member", ghost(carole)).map(s -> s.path("avatar_url").asText())
                .filter(avatar::equals).isPresent(), WAIT, "the ghost shows Alice's avatar in the room");
        assertThat(alice.roomMessages(cafeRoom)).noneMatch(e -> e.path("content").path("body").asText().contains("!link "));

        // she changes her name on Matrix: the ghost follows
        alice.setDisplayName("Alice M.");
        Events.await(() -> alice.displayName(ghost(carole)).filter("Alice M. (Discord)"::equals).isPresent(), WAIT,
                "the ghost takes the new name");

        // the numbers count her as moved
        String again = alice.sendText(orgaRoom, "!migration");
        assertThat(alice.awaitEvent(orgaRoom, Events.noticeReply(bot, again, "Café"), WAIT).path("content").path("body").asText())
                .contains("1 personne venue de Discord avec un compte relié à Matrix")
                .contains("Encore seulement sur Discord : 1 (Dan (Discord))");

        // the digest: a mention on Discord comes back by direct message
        String on = alice.sendText(dm, "!link digest on");
        alice.awaitEvent(dm, Events.noticeReply(bot, on, "C'est noté"), WAIT);
        discord.userSays(cafe.id(), dan.id(), carole.mention() + " tu as les clés du local ?");
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(dan), "tu as les clés du local"), WAIT);
        JsonNode digest = alice.awaitEvent(dm, Events.messageFrom(bot).and(Events.bodyContains("Ce que vous avez manqué sur Discord")),
                WAIT);
        String body = digest.path("content").path("body").asText();
        assertThat(body).contains("(1 message)").contains("• Dan dans « Café » : « ").contains("tu as les clés du local")
                .contains("https://matrix.to/#/" + cafeRoom + "/$");
        // nothing more happened: no second digest in the next rounds
        Thread.sleep(7000);
        assertThat(alice.roomMessages(dm).stream().filter(e -> e.path("content").path("body").asText().startsWith("Ce que vous avez manqué")))
                .hasSize(1);
        assertThat(botPosts()).hasSize(2);
    }
}
