package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.PluginConfigs;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin on the plugin test kit: events in, messages and command answers out, time moved by hand. */
class WelcomePluginTest {
    private static final RoomId HELP = RoomId.of("!aide:cagette.test");
    private static final RoomId QUIET = RoomId.of("!calme:cagette.test");
    private static final UserId BOT = UserId.of("@comptoir:cagette.test");
    private static final UserId ZOE = UserId.of("@zoe:cagette.test");
    private static final UserId MAX = UserId.of("@max:cagette.test");
    private static final UserId ADMIN = UserId.of("@admin:cagette.test");
    private static final AtomicInteger EVENTS = new AtomicInteger();

    @TempDir
    Path dir;

    private FakePluginContext ctx;
    private Path textsFile;

    @BeforeEach
    void setUp() throws Exception {
        textsFile = dir.resolve("welcome-texts.yaml");
        Files.writeString(textsFile, """
                greeting:
                  fr: "Bienvenue à toutes et tous : {name} ! Ici {coop}."
                faq:
                  - topic: horaires
                    keywords: [horaires]
                    answer: {fr: "Du mardi au samedi, 10 h – 20 h."}
                """);
    }

    @AfterEach
    void closeStore() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private static final String SECTION = """
            coop: La Cagette
            wiki: https://wiki.cagette.test
            rooms:
              - room: "!aide:cagette.test"
              - room: "!calme:cagette.test"
                faq: false
                direct_message: true
                greeting: {fr: "Coucou {name}, le wiki : {wiki}"}
            """;

    /** The top-level language, address and texts the instance gets. */
    private TextSettings topLevel = TextSettings.DEFAULT;

    private FakePluginContext.Builder context() {
        return FakePluginContext.builder("welcome", "accueil", dir).serverName("cagette.test")
                .startingAt(Instant.parse("2026-03-14T18:00:00Z")).texts(topLevel);
    }

    private WelcomePlugin plugin(String extra) throws Exception {
        return start(context().settings(SECTION + extra).build());
    }

    private WelcomePlugin plugin(PluginConfig section) throws Exception {
        return start(context().section(section).build());
    }

    /** Creates and starts the instance on {@code context}, which becomes the test's. */
    private WelcomePlugin start(FakePluginContext context) throws Exception {
        ctx = context;
        WelcomePlugin p = (WelcomePlugin) ctx.create(new WelcomeFactory());
        p.start();
        return p;
    }

    /** The same instance again after Comptoir restarted (same store, homeserver and scheduled jobs). */
    private WelcomePlugin restart() throws Exception {
        return start(ctx.restart());
    }

    private static MatrixEvent member(RoomId room, String user, String displayName, String membership, String previous) {
        ObjectNode e = JsonNodeFactory.instance.objectNode()
                .put("type", "m.room.member").put("room_id", room.value()).put("sender", user)
                .put("state_key", user).put("event_id", "$m" + EVENTS.incrementAndGet());
        ObjectNode content = e.putObject("content").put("membership", membership);
        if (displayName != null) {
            content.put("displayname", displayName);
        }
        if (previous != null) {
            e.putObject("unsigned").putObject("prev_content").put("membership", previous);
        }
        return MatrixEvent.of(e);
    }

    private void join(RoomId room, String user, String name) throws Exception {
        ctx.deliver(member(room, user, name, "join", "invite"));
    }

    /** What the bot posted in {@code room}: greetings, answers. */
    private List<Sent> sentTo(RoomId room) {
        return ctx.recordingMatrix().messagesIn(room);
    }

    /** The bodies of the bot's answers in {@code room}. */
    private List<String> answersIn(RoomId room) {
        return ctx.recordingMatrix().bodiesIn(room);
    }

    private void afterWindow() throws Exception {
        ctx.fakeClock().advance(Duration.ofSeconds(3));
        ctx.fakeScheduler().runDue();
    }

    @Test
    void theBuiltInGreetingIsFrenchByDefault() throws Exception {
        plugin("");
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(sentTo(HELP).get(0).body()).startsWith("Bienvenue Zoé ! 🌱 Toute l'équipe de La Cagette est ravie de vous"
                + " accueillir. Le wiki : https://wiki.cagette.test. Les salons : ");
    }

    @Test
    void theBuiltInGreetingFollowsTheTopLevelLanguage() throws Exception {
        topLevel = TextSettings.DEFAULT.withLanguage("en");
        plugin("");
        join(HELP, "@max:cagette.test", "Max");
        afterWindow();
        assertThat(sentTo(HELP).get(0).body()).as("language: en at the top level, none in the section")
                .startsWith("Welcome Max! 🌱 Everyone at La Cagette is glad you are here. The wiki: https://wiki.cagette.test.");
    }

    @Test
    void theBuiltInGreetingTakesTheCoopsWordingFromTheConfig() throws Exception {
        topLevel = new TextSettings("fr", "tu", Map.of("fr", Map.of(
                "welcome.greeting.default", "Salut {name}, bienvenue chez {coop} !")), "texts");
        plugin("");
        join(HELP, "@lea:cagette.test", "Léa");
        afterWindow();
        assertThat(sentTo(HELP).get(0).body()).isEqualTo("Salut Léa, bienvenue chez La Cagette !");
    }

    @Test
    void greetsANewcomerOnceWithAPillAndAMention() throws Exception {
        plugin("greeting: {fr: \"Bienvenue {name} chez {coop} !\"}\n");

        join(HELP, "@zoe:cagette.test", "Zoé <script>");
        assertThat(sentTo(HELP)).as("nothing before the window ends").isEmpty();
        afterWindow();

        Sent m = sentTo(HELP).get(0);
        assertThat(m.body()).isEqualTo("Bienvenue Zoé <script> chez La Cagette !");
        assertThat(m.html()).isEqualTo(
                "Bienvenue <a href=\"https://matrix.to/#/@zoe:cagette.test\">Zoé &lt;script&gt;</a> chez La Cagette !");
        assertThat(m.mentions()).containsExactly(UserId.of("@zoe:cagette.test"));

        ctx.deliver(member(HELP, "@zoe:cagette.test", "Zoé", "join", "join"));
        ctx.deliver(member(HELP, "@zoe:cagette.test", null, "leave", "join"));
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(sentTo(HELP)).as("profile change and re-join are not greeted").hasSize(1);
    }

    @Test
    void rememberedAcrossRestarts() throws Exception {
        plugin("");
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        restart();
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(HELP)).hasSize(1);
    }

    @Test
    void theJobCarriesTheBatchSoAProcessWithoutItStillGreets() throws Exception {
        plugin("greeting: {fr: \"Bienvenue {name} !\"}\n");
        join(HELP, "@zoe:cagette.test", "Zoé");
        join(HELP, "@max:cagette.test", "Max\nle grand");

        restart(); // or another process of a cluster: the job is in the shared store
        afterWindow();

        assertThat(sentTo(HELP)).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("Bienvenue Zoé et Max le grand !");
            assertThat(m.mentions()).hasSize(2);
        });
    }

    @Test
    void fallsBackToTheUserIdWithoutDisplayName() throws Exception {
        plugin("greeting: {fr: \"Bienvenue {name} !\"}\n");

        join(HELP, "@anonyme:cagette.test", null);
        afterWindow();

        assertThat(sentTo(HELP).get(0).body()).isEqualTo("Bienvenue @anonyme:cagette.test !");
    }

    @Test
    void neverGreetsGhostsTheBotOrIgnoredUsers() throws Exception {
        plugin("ignore_users: [\"@irc_.*:cagette\\\\.test\"]\n");

        join(HELP, "@_discord_123:cagette.test", "Fantôme");
        join(HELP, "@_echo_4:cagette.test", "Écho 4");
        join(HELP, "@irc_bob:cagette.test", "Bob (IRC)");
        join(HELP, BOT.value(), "Comptoir");
        join(RoomId.of("!ailleurs:cagette.test"), "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(ctx.recordingMatrix().sent()).isEmpty();
        ctx.fakeClock().advance(Duration.ofDays(1));
        assertThat(ctx.fakeScheduler().runDue()).as("nothing was scheduled").isZero();
    }

    @Test
    void aBurstOfJoinsGetsOneGreetingMentioningEveryone() throws Exception {
        plugin("greeting: {fr: \"Bienvenue à toutes et tous : {name} !\"}\n");

        for (int i = 1; i <= 20; i++) {
            join(HELP, "@membre" + i + ":cagette.test", "Membre " + i);
            ctx.fakeClock().advance(Duration.ofMillis(200));
            ctx.fakeScheduler().runDue();
        }
        afterWindow();

        List<Sent> sent = sentTo(HELP);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).mentions()).hasSize(20);
        assertThat(sent.get(0).body()).startsWith("Bienvenue à toutes et tous : Membre 1, Membre 2, ")
                .endsWith("Membre 19 et Membre 20 !");
    }

    @Test
    void roomGreetingAndGuideInADirectChatOnce() throws Exception {
        plugin("");

        join(QUIET, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(QUIET).get(0).body()).isEqualTo("Coucou Zoé, le wiki : https://wiki.cagette.test");
        RecordingMatrixClient.Created dm = ctx.recordingMatrix().createdRooms().get(0);
        assertThat(dm.request().path("is_direct").asBoolean()).isTrue();
        assertThat(dm.request().path("invite")).extracting(n -> n.asText()).containsExactly(ZOE.value());
        assertThat(sentTo(dm.room()).get(0).body()).startsWith("Bonjour Zoé ! Voici quelques repères pour bien démarrer chez La Cagette");

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(ctx.recordingMatrix().createdRooms()).as("one direct chat, ever").hasSize(1);
    }

    @Test
    void faqKeywordsAreAnsweredOncePerCoolDownAndOnlyInFaqRooms() throws Exception {
        plugin("faq:\n  - topic: horaires\n    keywords: [horaires, ouvert]\n    answer: {fr: \"Du mardi au samedi.\"}\n");

        MatrixEvent question = ctx.say(HELP, ZOE, "Quels sont les horaires ?");
        ctx.say(HELP, MAX, "C'est ouvert demain ?");
        ctx.say(QUIET, ZOE, "les horaires ?");

        assertThat(sentTo(HELP)).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("Du mardi au samedi.");
            assertThat(m.inReplyTo()).isEqualTo(question.eventId());
            assertThat(m.content().path("msgtype").asText()).isEqualTo("m.notice");
        });
        assertThat(sentTo(QUIET)).isEmpty();
        ctx.fakeClock().advance(Duration.ofMinutes(10));
        ctx.say(HELP, MAX, "horaires ?");
        assertThat(sentTo(HELP)).hasSize(2);
    }

    @Test
    void aQuestionInAThreadIsAnsweredInThatThread() throws Exception {
        plugin("texts_file: " + textsFile + "\n");
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("type", "m.room.message").put("room_id", HELP.value()).put("sender", ZOE.value())
                .put("event_id", "$t" + EVENTS.incrementAndGet());
        json.putObject("content").put("msgtype", "m.text").put("body", "et les horaires ?")
                .putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", "$racine");
        MatrixEvent question = MatrixEvent.of(json);

        ctx.deliver(question);

        assertThat(sentTo(HELP)).singleElement().satisfies(m -> {
            assertThat(m.content().path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
            assertThat(m.content().path("m.relates_to").path("event_id").asText()).isEqualTo("$racine");
            assertThat(m.inReplyTo()).isEqualTo(question.eventId());
        });
    }

    @Test
    void faqCommandListsTopicsAndGivesAnAnswer() throws Exception {
        plugin("faq:\n  - topic: horaires\n    keywords: [horaires, ouvert]\n    answer: {fr: \"Du mardi au samedi.\"}\n");
        ctx.say(HELP, ZOE, "!faq");
        ctx.say(HELP, ZOE, "!faq Horaires");

        assertThat(answersIn(HELP)).hasSize(2);
        assertThat(answersIn(HELP).get(0)).contains("Questions fréquentes").contains("• horaires (horaires, ouvert)");
        assertThat(answersIn(HELP).get(1)).isEqualTo("Du mardi au samedi.");
    }

    @Test
    void aRelativeTextsFileIsTakenFromTheConfigFilesFolder() throws Exception {
        // the config file is in dir, beside welcome-texts.yaml; the working directory is elsewhere
        String config = "homeserver: {server_name: cagette.test}\nplugins:\n  - type: welcome\n"
                + (SECTION + "texts_file: welcome-texts.yaml\n").indent(4);
        plugin(PluginConfigs.firstPlugin(config, dir, Map.of()));

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(HELP).get(0).body()).isEqualTo("Bienvenue à toutes et tous : Zoé ! Ici La Cagette.");
    }

    @Test
    void reloadKeepsTheOldTextsWhenTheFileIsWrong() throws Exception {
        plugin("texts_file: " + textsFile + "\n");
        ctx.recordingMatrix().setPowerLevel(HELP, ADMIN, 50).setPowerLevel(HELP, ZOE, 49);
        Files.writeString(textsFile, "greeting:\n  fr: \"Salut {nom}\"\n");

        ctx.say(HELP, ZOE, "!recharger");
        assertThat(answersIn(HELP)).as("moderators only (power level 50)")
                .containsExactly("Désolé, cette commande est réservée aux modératrices et modérateurs du salon.");

        ctx.say(HELP, ADMIN, "!recharger");
        assertThat(answersIn(HELP).get(1)).contains("Textes non rechargés")
                .contains("welcome-texts.yaml: greeting.fr: unknown placeholder {nom}");

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(answersIn(HELP).get(2)).isEqualTo("Bienvenue à toutes et tous : Zoé ! Ici La Cagette.");

        Files.writeString(textsFile, "greeting:\n  fr: \"Salut {name} !\"\n");
        ctx.say(HELP, ADMIN, "!reload");
        assertThat(answersIn(HELP).get(3)).startsWith("Texts reloaded");
        join(HELP, "@max:cagette.test", "Max");
        afterWindow();
        assertThat(answersIn(HELP).get(4)).isEqualTo("Salut Max !");
    }

    @Test
    void roomsCommandListsTheDirectoryWithLinks() throws Exception {
        plugin("");
        var answer = PluginConfigs.yaml("""
                chunk:
                  - {room_id: "!a:cagette.test", canonical_alias: "#vrac:cagette.test", name: "Vrac", topic: "Les achats en vrac"}
                  - {room_id: "!b:cagette.test", name: "<Bureau>"}
                """);
        ctx.recordingMatrix().answer("GET", "/_matrix/client/v3/publicRooms", answer);

        ctx.say(HELP, ZOE, "!salons");

        assertThat(answersIn(HELP)).singleElement().isEqualTo("""
                Les salons de la coop :
                • <Bureau> — https://matrix.to/#/!b:cagette.test
                • Vrac — https://matrix.to/#/%23vrac:cagette.test : Les achats en vrac""");
        assertThat(sentTo(HELP).get(0).html()).contains("<a href=\"https://matrix.to/#/!b:cagette.test\">&lt;Bureau&gt;</a>");
        assertThat(ctx.recordingMatrix().requests()).singleElement()
                .satisfies(r -> assertThat(r.path()).startsWith("/_matrix/client/v3/publicRooms"));
    }

    @Test
    void roomsCommandUsesTheSpaceHierarchyWhenThereIsASpace() throws Exception {
        plugin("space: \"!espace:cagette.test\"\n");
        var answer = PluginConfigs.yaml("""
                rooms:
                  - {room_id: "!espace:cagette.test", name: "La Cagette", room_type: "m.space", join_rule: public}
                  - {room_id: "!a:cagette.test", name: "Vrac", join_rule: public}
                  - {room_id: "!b:cagette.test", name: "Bureau", join_rule: invite}
                """);
        ctx.recordingMatrix().answer("GET", "/_matrix/client/v1/rooms/%21espace%3Acagette.test/hierarchy", answer);

        ctx.say(HELP, ZOE, "!rooms");

        assertThat(answersIn(HELP)).as("the English name answers in English")
                .containsExactly("The coop's rooms:\n• Vrac — https://matrix.to/#/!a:cagette.test");
        assertThat(ctx.recordingMatrix().requests()).singleElement().satisfies(r -> assertThat(r.path())
                .startsWith("/_matrix/client/v1/rooms/%21espace%3Acagette.test/hierarchy"));
    }

    @Test
    void aCommandTakenByAnotherInstanceStopsTheInstanceInsteadOfBeingDroppedQuietly() throws Exception {
        ctx = context().settings(SECTION).build();
        FakePluginContext other = ctx.another("welcome", "aide", PluginConfigs.yaml(SECTION));
        ((WelcomePlugin) other.create(new WelcomeFactory())).start();

        assertThatThrownBy(() -> ((WelcomePlugin) ctx.create(new WelcomeFactory())).start())
                .hasMessageContaining("instance \"accueil\"").hasMessageContaining("instance \"aide\"");
    }

    @Test
    void commandNamesComeFromTheSection() throws Exception {
        plugin("commands: {faq: [faq-bureau, questions], rooms: [], reload: [recharger-bureau]}\n");

        ctx.recordingMatrix().setPowerLevel(HELP, ADMIN, 50);
        ctx.say(HELP, ADMIN, "!aide");
        assertThat(answersIn(HELP)).singleElement().asString().contains("« !faq-bureau sujet »")
                .contains("!faq-bureau (!questions)").contains("!recharger-bureau").doesNotContain("!salons");
        ctx.recordingMatrix().clearSent();

        ctx.say(HELP, ZOE, "!faq");
        ctx.say(HELP, ZOE, "!salons");
        assertThat(answersIn(HELP)).as("the default names are free for other instances").isEmpty();
        ctx.say(HELP, ZOE, "!questions");
        assertThat(answersIn(HELP)).as("the alias answers").containsExactly("Aucune question fréquente n'est configurée pour l'instant.");
    }
}
