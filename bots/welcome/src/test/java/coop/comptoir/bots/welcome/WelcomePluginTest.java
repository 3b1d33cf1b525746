package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.slf4j.LoggerFactory;

/** The plugin driven through its context: events in, messages out, time moved by hand. */
class WelcomePluginTest {
    private static final RoomId HELP = RoomId.of("!aide:cagette.test");
    private static final RoomId QUIET = RoomId.of("!calme:cagette.test");
    private static final UserId BOT = UserId.of("@comptoir:cagette.test");
    private static final AtomicInteger EVENTS = new AtomicInteger();

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final Fakes.Events events = new Fakes.Events();
    private final Fakes.Jobs jobs = new Fakes.Jobs(clock);
    private final MatrixClient matrix = mock(MatrixClient.class);
    private final Map<String, Command> commands = new HashMap<>();
    private Fakes.Sqlite db;
    private Path textsFile;

    @BeforeEach
    void setUp() throws Exception {
        db = new Fakes.Sqlite(dir);
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

    /** When set, the router the instance gets instead of the recording one. */
    private CommandRouter routerOverride;

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
    private coop.comptoir.api.text.TextSettings topLevel = coop.comptoir.api.text.TextSettings.DEFAULT;

    private WelcomePlugin plugin(String extra) throws Exception {
        return plugin(Fakes.Section.of(SECTION + extra));
    }

    private WelcomePlugin plugin(coop.comptoir.api.plugin.PluginConfig section) throws Exception {
        PluginContext ctx = mock(PluginContext.class);
        when(ctx.config()).thenReturn(section);
        when(ctx.instanceId()).thenReturn("accueil");
        when(ctx.matrix()).thenReturn(matrix);
        when(ctx.botUserId()).thenReturn(BOT);
        when(ctx.serverName()).thenReturn("cagette.test");
        when(ctx.events()).thenReturn(events);
        when(ctx.scheduler()).thenReturn(jobs);
        when(ctx.database()).thenReturn(db);
        when(ctx.clock()).thenReturn(clock);
        when(ctx.log()).thenReturn(LoggerFactory.getLogger("welcome-test"));
        when(ctx.texts()).thenReturn(topLevel);
        CommandRouter router = new CommandRouter() {
            @Override
            public void register(Command c) {
                commands.put(c.name(), c);
            }

            @Override
            public boolean registerShared(String group, Command c) {
                throw new UnsupportedOperationException();
            }
        };
        when(ctx.commands()).thenReturn(routerOverride != null ? routerOverride : router);
        WelcomeFactory factory = new WelcomeFactory();
        WelcomePlugin p = (WelcomePlugin) factory.create(coop.comptoir.testing.PluginConfigs.bind(factory, section), ctx);
        p.start();
        return p;
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

    private static MatrixEvent text(RoomId room, String user, String body) {
        ObjectNode e = JsonNodeFactory.instance.objectNode()
                .put("type", "m.room.message").put("room_id", room.value()).put("sender", user)
                .put("event_id", "$t" + EVENTS.incrementAndGet());
        e.putObject("content").put("msgtype", "m.text").put("body", body);
        return MatrixEvent.of(e);
    }

    private void join(RoomId room, String user, String name) throws Exception {
        events.deliver(member(room, user, name, "join", "invite"));
    }

    private List<OutgoingMessage> sentTo(RoomId room) {
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, org.mockito.Mockito.atLeast(0)).send(eq(room), sent.capture(), anyString());
        return sent.getAllValues();
    }

    private void afterWindow() throws Exception {
        clock.advance(Duration.ofSeconds(3));
        jobs.runDue();
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
        topLevel = coop.comptoir.api.text.TextSettings.DEFAULT.withLanguage("en");
        plugin("");
        join(HELP, "@max:cagette.test", "Max");
        afterWindow();
        assertThat(sentTo(HELP).get(0).body()).as("language: en at the top level, none in the section")
                .startsWith("Welcome Max! 🌱 Everyone at La Cagette is glad you are here. The wiki: https://wiki.cagette.test.");
    }

    @Test
    void theBuiltInGreetingTakesTheCoopsWordingFromTheConfig() throws Exception {
        topLevel = new coop.comptoir.api.text.TextSettings("fr", "tu", java.util.Map.of("fr", java.util.Map.of(
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

        OutgoingMessage m = sentTo(HELP).get(0);
        assertThat(m.body()).isEqualTo("Bienvenue Zoé <script> chez La Cagette !");
        assertThat(m.htmlBody()).isEqualTo(
                "Bienvenue <a href=\"https://matrix.to/#/@zoe:cagette.test\">Zoé &lt;script&gt;</a> chez La Cagette !");
        assertThat(m.mentions()).containsExactly(UserId.of("@zoe:cagette.test"));

        events.deliver(member(HELP, "@zoe:cagette.test", "Zoé", "join", "join"));
        events.deliver(member(HELP, "@zoe:cagette.test", null, "leave", "join"));
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(sentTo(HELP)).as("profile change and re-join are not greeted").hasSize(1);
    }

    @Test
    void rememberedAcrossRestarts() throws Exception {
        plugin("");
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        plugin("");
        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(HELP)).hasSize(1);
    }

    @Test
    void theJobCarriesTheBatchSoAProcessWithoutItStillGreets() throws Exception {
        plugin("greeting: {fr: \"Bienvenue {name} !\"}\n");
        join(HELP, "@zoe:cagette.test", "Zoé");
        join(HELP, "@max:cagette.test", "Max\nle grand");

        plugin("greeting: {fr: \"Bienvenue {name} !\"}\n"); // restarted, or another process of a cluster
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

        verify(matrix, never()).send(any(), any(), anyString());
        assertThat(jobs.jobs).isEmpty();
    }

    @Test
    void aBurstOfJoinsGetsOneGreetingMentioningEveryone() throws Exception {
        plugin("greeting: {fr: \"Bienvenue à toutes et tous : {name} !\"}\n");

        for (int i = 1; i <= 20; i++) {
            join(HELP, "@membre" + i + ":cagette.test", "Membre " + i);
            clock.advance(Duration.ofMillis(200));
            jobs.runDue();
        }
        afterWindow();

        List<OutgoingMessage> sent = sentTo(HELP);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).mentions()).hasSize(20);
        assertThat(sent.get(0).body()).startsWith("Bienvenue à toutes et tous : Membre 1, Membre 2, ")
                .endsWith("Membre 19 et Membre 20 !");
    }

    @Test
    void roomGreetingAndGuideInADirectChatOnce() throws Exception {
        RoomId dm = RoomId.of("!dm:cagette.test");
        when(matrix.createDirectChat(any())).thenReturn(dm);
        plugin("");

        join(QUIET, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(QUIET).get(0).body()).isEqualTo("Coucou Zoé, le wiki : https://wiki.cagette.test");
        verify(matrix).createDirectChat(UserId.of("@zoe:cagette.test"));
        assertThat(sentTo(dm).get(0).body()).startsWith("Bonjour Zoé ! Voici quelques repères pour bien démarrer chez La Cagette");

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        verify(matrix, times(1)).createDirectChat(any());
    }

    @Test
    void faqKeywordsAreAnsweredOncePerCoolDownAndOnlyInFaqRooms() throws Exception {
        plugin("faq:\n  - topic: horaires\n    keywords: [horaires, ouvert]\n    answer: {fr: \"Du mardi au samedi.\"}\n");

        events.deliver(text(HELP, "@zoe:cagette.test", "Quels sont les horaires ?"));
        events.deliver(text(HELP, "@max:cagette.test", "C'est ouvert demain ?"));
        events.deliver(text(QUIET, "@zoe:cagette.test", "les horaires ?"));

        assertThat(sentTo(HELP)).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("Du mardi au samedi.");
            assertThat(m.replyTo()).isNotNull();
            assertThat(m.msgtype()).isEqualTo("m.notice");
        });
        assertThat(sentTo(QUIET)).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        events.deliver(text(HELP, "@max:cagette.test", "horaires ?"));
        assertThat(sentTo(HELP)).hasSize(2);
    }

    @Test
    void aQuestionInAThreadIsAnsweredInThatThread() throws Exception {
        plugin("texts_file: " + textsFile + "\n");
        MatrixEvent question = text(HELP, "@zoe:cagette.test", "et les horaires ?");
        question.content().putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", "$racine");

        events.deliver(question);

        assertThat(sentTo(HELP)).singleElement().satisfies(m -> {
            assertThat(m.threadRoot().value()).isEqualTo("$racine");
            assertThat(m.replyTo()).isEqualTo(question.eventId());
        });
    }

    @Test
    void faqCommandListsTopicsAndGivesAnAnswer() throws Exception {
        plugin("faq:\n  - topic: horaires\n    keywords: [horaires, ouvert]\n    answer: {fr: \"Du mardi au samedi.\"}\n");
        var list = new Fakes.Invocation(text(HELP, "@zoe:cagette.test", "!faq"), "faq", "");
        var one = new Fakes.Invocation(text(HELP, "@zoe:cagette.test", "!faq horaires"), "faq", "Horaires");

        commands.get("faq").handler().run(list);
        commands.get("faq").handler().run(one);

        assertThat(list.replies.get(0)).contains("Questions fréquentes").contains("• horaires (horaires, ouvert)");
        assertThat(one.replies).containsExactly("Du mardi au samedi.");
    }

    @Test
    void aRelativeTextsFileIsTakenFromTheConfigFilesFolder() throws Exception {
        // the config file is in dir, beside welcome-texts.yaml; the working directory is elsewhere
        String config = "homeserver: {server_name: cagette.test}\nplugins:\n  - type: welcome\n"
                + (SECTION + "texts_file: welcome-texts.yaml\n").indent(4);
        plugin(coop.comptoir.testing.PluginConfigs.firstPlugin(config, dir, java.util.Map.of()));

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();

        assertThat(sentTo(HELP).get(0).body()).isEqualTo("Bienvenue à toutes et tous : Zoé ! Ici La Cagette.");
    }

    @Test
    void reloadKeepsTheOldTextsWhenTheFileIsWrong() throws Exception {
        plugin("texts_file: " + textsFile + "\n");
        assertThat(commands.get("recharger").permission().minPowerLevel()).isEqualTo(50);

        Files.writeString(textsFile, "greeting:\n  fr: \"Salut {nom}\"\n");
        var bad = new Fakes.Invocation(text(HELP, "@admin:cagette.test", "!recharger"), "recharger", "");
        commands.get("recharger").handler().run(bad);
        assertThat(bad.replies.get(0)).contains("Textes non rechargés")
                .contains("welcome-texts.yaml: greeting.fr: unknown placeholder {nom}");

        join(HELP, "@zoe:cagette.test", "Zoé");
        afterWindow();
        assertThat(sentTo(HELP).get(0).body()).isEqualTo("Bienvenue à toutes et tous : Zoé ! Ici La Cagette.");

        Files.writeString(textsFile, "greeting:\n  fr: \"Salut {name} !\"\n");
        var good = new Fakes.Invocation(text(HELP, "@admin:cagette.test", "!reload"), "reload", "");
        commands.get("recharger").handler().run(good);
        assertThat(good.replies.get(0)).startsWith("Texts reloaded");
        join(HELP, "@max:cagette.test", "Max");
        afterWindow();
        assertThat(sentTo(HELP).get(1).body()).isEqualTo("Salut Max !");
    }

    @Test
    void roomsCommandListsTheDirectoryWithLinks() throws Exception {
        plugin("");
        var answer = (ObjectNode) Fakes.YAML.readTree("""
                chunk:
                  - {room_id: "!a:cagette.test", canonical_alias: "#vrac:cagette.test", name: "Vrac", topic: "Les achats en vrac"}
                  - {room_id: "!b:cagette.test", name: "<Bureau>"}
                """);
        when(matrix.request(eq("GET"), anyString(), any())).thenReturn(answer);
        var inv = new Fakes.Invocation(text(HELP, "@zoe:cagette.test", "!salons"), "salons", "");

        commands.get("salons").handler().run(inv);

        assertThat(inv.replies.get(0)).isEqualTo("""
                Les salons de la coop :
                • <Bureau> — https://matrix.to/#/!b:cagette.test
                • Vrac — https://matrix.to/#/%23vrac:cagette.test : Les achats en vrac""");
        assertThat(inv.htmlReplies.get(0)).contains("<a href=\"https://matrix.to/#/!b:cagette.test\">&lt;Bureau&gt;</a>");
        ArgumentCaptor<String> path = ArgumentCaptor.forClass(String.class);
        verify(matrix).request(eq("GET"), path.capture(), any());
        assertThat(path.getValue()).startsWith("/_matrix/client/v3/publicRooms");
    }

    @Test
    void roomsCommandUsesTheSpaceHierarchyWhenThereIsASpace() throws Exception {
        plugin("space: \"!espace:cagette.test\"\n");
        var answer = (ObjectNode) Fakes.YAML.readTree("""
                rooms:
                  - {room_id: "!espace:cagette.test", name: "La Cagette", room_type: "m.space", join_rule: public}
                  - {room_id: "!a:cagette.test", name: "Vrac", join_rule: public}
                  - {room_id: "!b:cagette.test", name: "Bureau", join_rule: invite}
                """);
        when(matrix.request(eq("GET"), anyString(), any())).thenReturn(answer);
        var inv = new Fakes.Invocation(text(HELP, "@zoe:cagette.test", "!rooms"), "rooms", "");

        commands.get("salons").handler().run(inv);

        assertThat(inv.replies.get(0)).isEqualTo("The coop's rooms:\n• Vrac — https://matrix.to/#/!a:cagette.test");
        ArgumentCaptor<String> path = ArgumentCaptor.forClass(String.class);
        verify(matrix).request(eq("GET"), path.capture(), any());
        assertThat(path.getValue()).startsWith("/_matrix/client/v1/rooms/%21espace%3Acagette.test/hierarchy");
    }

    @Test
    void aCommandTakenByAnotherInstanceStopsTheInstanceInsteadOfBeingDroppedQuietly() {
        routerOverride = new CommandRouter() {
            @Override
            public void register(Command c) {
                if (c.name().equals("faq")) {
                    throw new IllegalArgumentException("command !faq of instance \"accueil\" is already registered by instance \"aide\"");
                }
            }

            @Override
            public boolean registerShared(String group, Command c) {
                throw new UnsupportedOperationException();
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plugin(""))
                .hasMessageContaining("instance \"accueil\"").hasMessageContaining("instance \"aide\"");
    }

    @Test
    void commandNamesComeFromTheSection() throws Exception {
        plugin("commands: {faq: [faq-bureau, questions], rooms: [], reload: [recharger-bureau]}\n");
        assertThat(commands.keySet()).containsExactlyInAnyOrder("faq-bureau", "recharger-bureau");
        assertThat(commands.get("faq-bureau").aliases()).containsExactly("questions");
        assertThat(commands.get("faq-bureau").helpFr()).contains("« !faq-bureau sujet »");
    }
}
