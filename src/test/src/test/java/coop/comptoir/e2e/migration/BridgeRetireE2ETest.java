package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code !bridge retire} through the real Synapse and the fake Discord: the history import is
 * offered first; the final notice is posted on Discord once; during the grace period a Discord
 * message is not carried and its author gets the "moved" reply once, while Matrix still reaches
 * Discord; a restart keeps all that; when the period ends the portal is unlinked and the room told.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BridgeRetireE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** Long enough for the checks and a restart to happen within it. */
    private static final Duration GRACE = Duration.ofSeconds(45);
    private static final String TOKEN = "e2e-retire-discord-token-0123456789";

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static String room;
    private static FakeChannel general;
    private static FakeUser dBob;
    private static FakeUser dCarole;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop du Marché", "general").user("bob", "Bob")
                .user("carole", "Carole").start();
        general = discord.channel("general");
        dBob = discord.user("bob");
        dCarole = discord.user("carole");
        alice = rig.newUser("alice");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("bridge-retire", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            BridgeConfig.discord(c.withArray("plugins"), discord, TOKEN, general.guildId()).put("max_retry_delay_seconds", 2)
                    .put("retire_grace", GRACE.toSeconds() + "s");
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
        alice.sendUntilAnswered(room, bot, "!bridge", "!bridge", Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, () -> assertThat(discord.unknownRoutes()).isEmpty());
    }

    private static String command(String text, String expected) {
        String id = alice.sendText(room, text);
        return alice.awaitEvent(room, Events.noticeReply(bot, id, expected), WAIT).path("content").path("body").asText();
    }

    private static List<FakeMessage> botPosts() {
        return discord.messagesIn(general.id()).stream().filter(m -> m.authorId().equals(discord.bot().id())).toList();
    }

    private static List<FakeMessage> replies() {
        return botPosts().stream().filter(m -> m.referencedId() != null).toList();
    }

    private static boolean onMatrix(String text) {
        return alice.roomMessages(room).stream().anyMatch(e -> e.path("content").path("body").asText().contains(text));
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Test
    void retiringPostsTheNoticeGoesOneWaySurvivesARestartThenUnlinks() throws Exception {
        command("!bridge link discord " + general.id(), "Salon relié");
        discord.userSays(general.id(), dBob.id(), "avant la fermeture");
        alice.awaitEvent(room, Events.bodyContains("avant la fermeture"), WAIT);

        assertThat(command("!bridge retire", "!bridge retire confirm")).startsWith("Avant de fermer le pont");
        assertThat(botPosts()).isEmpty();
        command("!bridge retire confirm", "Fermeture engagée");
        long started = System.nanoTime();
        String link = "https://matrix.to/#/" + room + "?via=";
        assertThat(botPosts()).singleElement().satisfies(m -> assertThat(m.content()).startsWith("C'est le grand départ")
                .contains(link).contains("suivez le lien"));

        // Discord → Matrix held back, the author told once
        FakeMessage first = discord.userSays(general.id(), dBob.id(), "il y a quelqu'un ?");
        discord.awaitMessageIn(general.id(), m -> first.id().equals(m.referencedId()), WAIT);
        discord.userSays(general.id(), dBob.id(), "ohé ?");
        // Matrix → Discord still flows (and shows the Discord messages were handled by then)
        alice.sendText(room, "on se retrouve ici");
        discord.awaitMessageIn(general.id(), m -> m.isWebhookMessage() && m.content().contains("on se retrouve ici"), WAIT);
        pause(Duration.ofSeconds(2));
        assertThat(replies()).singleElement().satisfies(m -> assertThat(m.content())
                .startsWith("Ce salon a déménagé sur Matrix : votre message n'y est pas transmis").contains(link));
        assertThat(onMatrix("il y a quelqu'un")).isFalse();
        assertThat(onMatrix("ohé")).isFalse();

        // a restart during the grace period keeps it one-way, and who was told
        comptoir.restart();
        discord.awaitConnectedClients(1, WAIT);
        alice.sendUntilAnswered(room, bot, "!bridge", "!bridge", Duration.ofSeconds(5));
        assertThat(command("!bridge status", "Fermeture en cours")).contains("le pont sera fermé le");
        discord.userSays(general.id(), dBob.id(), "après le redémarrage");
        FakeMessage carole = discord.userSays(general.id(), dCarole.id(), "moi aussi");
        discord.awaitMessageIn(general.id(), m -> carole.id().equals(m.referencedId()), WAIT);
        pause(Duration.ofSeconds(2));
        assertThat(replies()).hasSize(2);
        assertThat(onMatrix("après le redémarrage")).isFalse();
        assertThat(onMatrix("moi aussi")).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the checks ran within the grace period").isLessThan(GRACE);

        // the end: unlinked, the room told, nothing crosses any more
        JsonNode closed = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.bodyContains("est fermé")),
                GRACE.plus(WAIT));
        assertThat(closed.path("content").path("body").asText())
                .isEqualTo("Le pont avec #general (Coop du Marché) sur Discord est fermé : la conversation continue ici."
                        + " Merci à toutes et tous d'avoir fait le voyage !");
        assertThat(command("!bridge status", "relié")).isEqualTo("Ce salon n'est pas relié à Discord.");
        alice.sendText(room, "plus rien ne passe");
        discord.userSays(general.id(), dBob.id(), "et maintenant ?");
        pause(Duration.ofSeconds(3));
        assertThat(discord.messagesIn(general.id())).noneMatch(m -> m.content().contains("plus rien ne passe"));
        assertThat(onMatrix("et maintenant")).isFalse();
        assertThat(replies()).hasSize(2);
        assertThat(botPosts().stream().filter(m -> m.referencedId() == null)).as("the notice, posted once").hasSize(1);
    }
}
