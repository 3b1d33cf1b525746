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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The welcome plugin through a real Synapse: newcomers greeted once with a working mention, never
 * ghosts, bursts greeted together, {@code !salons} listing the public rooms, FAQ answers with a
 * cool-down. Each test uses its own greeted room, all created before Comptoir starts.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WelcomeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static String helpRoom;
    private static String ghostRoom;
    private static String burstRoom;
    private static String vracName;
    private static String vracRoom;
    private static String guideRoom;
    /** The room of the second welcome instance, whose commands have their own names. */
    private static String bureauRoom;
    private static Path textsFile;
    private static final String TEXTS = """
            greeting:
              fr: "Bienvenue à toutes et tous : {name} ! Le wiki de {coop} : {wiki}."
            direct_message:
              fr: "Bonjour {name} ! Le guide de {coop} est sur le wiki : {wiki}"
            faq:
              - topic: horaires
                keywords: [horaires, ouvert]
                answer:
                  fr: "Le magasin est ouvert du mardi au samedi."
            """;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        alice = rig.newUser("alice");
        helpRoom = publicRoom("Aide " + Names.unique("r"), "Pour toutes vos questions", bot);
        ghostRoom = publicRoom("Pont " + Names.unique("r"), null, bot);
        burstRoom = publicRoom("AG " + Names.unique("r"), null, bot);
        vracName = "Vrac " + Names.unique("r");
        vracRoom = publicRoom(vracName, "Les commandes groupées de vrac");
        guideRoom = publicRoom("Accueil " + Names.unique("r"), null, bot);
        bureauRoom = publicRoom("Bureau " + Names.unique("r"), null, bot);
        textsFile = rig.freshDir("welcome-texts").resolve("welcome-texts.yaml");
        Files.writeString(textsFile, TEXTS);
        comptoir = rig.comptoir("welcome", config -> {
            ObjectNode welcome = ((ArrayNode) config.get("plugins")).addObject()
                    .put("type", "welcome")
                    .put("coop", "La Cagette")
                    .put("wiki", "https://wiki.cagette.test")
                    .put("group_window", "3s")
                    .put("faq_cooldown", "10m")
                    .put("texts_file", textsFile.toString());
            ArrayNode rooms = welcome.putArray("rooms");
            for (String room : List.of(helpRoom, ghostRoom, burstRoom)) {
                rooms.addObject().put("room", room);
            }
            rooms.addObject().put("room", guideRoom).put("direct_message", true);
            // A second instance of the type, with its own command names.
            ObjectNode bureau = ((ArrayNode) config.get("plugins")).addObject()
                    .put("type", "welcome").put("id", "accueil-bureau").put("coop", "Le bureau de La Cagette");
            bureau.putArray("rooms").addObject().put("room", bureauRoom);
            ObjectNode topic = bureau.putArray("faq").addObject().put("topic", "réunions");
            topic.putArray("keywords").add("réunion");
            topic.putObject("answer").put("fr", "Le bureau se réunit le jeudi soir.");
            ObjectNode commands = bureau.putObject("commands");
            commands.putArray("faq").add("faq-bureau");
            commands.putArray("rooms");
            commands.putArray("reload");
        }).start();
        for (String room : List.of(helpRoom, ghostRoom, burstRoom, guideRoom, bureauRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    private static String publicRoom(String name, String topic, String... invite) {
        ObjectNode body = Http.object().put("preset", "public_chat").put("visibility", "public").put("name", name);
        if (topic != null) {
            body.put("topic", topic);
        }
        ArrayNode invites = body.putArray("invite");
        for (String user : invite) {
            invites.add(user);
        }
        return alice.createRoom(body);
    }

    private static List<String> mentioned(JsonNode event) {
        return StreamSupport.stream(event.path("content").path("m.mentions").path("user_ids").spliterator(), false)
                .map(JsonNode::asText).toList();
    }

    private static Predicate<JsonNode> greetingOf(String user) {
        return Events.messageFrom(bot).and(e -> mentioned(e).contains(user));
    }

    private static List<JsonNode> greetingsOf(String room, String user) {
        return alice.roomMessages(room).stream().filter(greetingOf(user)).toList();
    }

    private static MatrixTestClient joiner(String prefix, String displayName, String room) {
        MatrixTestClient user = rig.newUser(prefix);
        user.setDisplayName(displayName);
        user.join(room);
        return user;
    }

    @Test
    @Tag("dendrite")
    void aNewcomerIsGreetedOnceWithAWorkingMentionAndNotAgainAfterRejoining() {
        MatrixTestClient bob = joiner("bob", "Bob <le nouveau>", helpRoom);

        JsonNode greeting = alice.awaitEvent(helpRoom, greetingOf(bob.userId()), WAIT);

        assertThat(greeting.path("content").path("body").asText())
                .isEqualTo("Bienvenue à toutes et tous : Bob <le nouveau> ! Le wiki de La Cagette : https://wiki.cagette.test.");
        assertThat(greeting.path("content").path("formatted_body").asText())
                .contains("<a href=\"https://matrix.to/#/" + bob.userId() + "\">Bob &lt;le nouveau&gt;</a>");
        assertThat(mentioned(greeting)).containsExactly(bob.userId());

        bob.leave(helpRoom);
        bob.join(helpRoom);
        bob.setDisplayName("Bob");
        MatrixTestClient carol = joiner("carol", "Carol", helpRoom);
        JsonNode next = alice.awaitEvent(helpRoom, greetingOf(carol.userId()), WAIT);

        assertThat(mentioned(next)).containsExactly(carol.userId());
        assertThat(greetingsOf(helpRoom, bob.userId())).as("greetings of %s", bob.userId()).hasSize(1);
    }

    @Test
    void bridgeGhostsAreNeverGreeted() {
        String ghost = "@_echo_" + Names.uniqueNumber() + ":" + Rig.SERVER_NAME;
        alice.invite(ghostRoom, ghost);
        alice.awaitEvent(ghostRoom, Events.messageFrom(ghost).and(Events.bodyContains("bonjour")), WAIT);

        MatrixTestClient dan = joiner("dan", "Dan", ghostRoom);
        JsonNode greeting = alice.awaitEvent(ghostRoom, greetingOf(dan.userId()), WAIT);

        assertThat(mentioned(greeting)).containsExactly(dan.userId());
        assertThat(greetingsOf(ghostRoom, ghost)).isEmpty();
        assertThat(alice.roomMessages(ghostRoom).stream().filter(Events.messageFrom(bot)).toList())
                .as("the bot's messages in %s", ghostRoom).hasSize(1);
    }

    @Test
    void twentyJoinsWithinSecondsGetOneGroupedGreeting() throws Exception {
        List<MatrixTestClient> people = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            MatrixTestClient user = rig.newUser("ag" + i);
            user.setDisplayName("Membre " + i);
            people.add(user);
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> joins = new ArrayList<>();
            for (MatrixTestClient user : people) {
                joins.add(pool.submit(() -> user.join(burstRoom)));
            }
            for (Future<?> f : joins) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> ids = people.stream().map(MatrixTestClient::userId).toList();

        JsonNode greeting = alice.awaitEvent(burstRoom, greetingOf(ids.get(0)), WAIT);
        for (String id : ids) {
            alice.awaitEvent(burstRoom, greetingOf(id), WAIT);
        }

        List<JsonNode> fromBot = alice.roomMessages(burstRoom).stream().filter(Events.messageFrom(bot)).toList();
        assertThat(fromBot).as("the bot's messages in %s:%n%s", burstRoom, MatrixTestClient.describe(fromBot)).hasSize(1);
        assertThat(mentioned(greeting)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(greeting.path("content").path("body").asText()).startsWith("Bienvenue à toutes et tous : Membre ");
    }

    @Test
    @Tag("dendrite")
    void salonsListsThePublicRoomsWithTheirTopicAndALink() {
        String command = alice.sendText(helpRoom, "!salons");

        JsonNode answer = alice.awaitEvent(helpRoom, Events.noticeReply(bot, command, vracName), WAIT);

        assertThat(answer.path("content").path("body").asText())
                .contains(vracName + " — https://matrix.to/#/" + vracRoom + " : Les commandes groupées de vrac");
        assertThat(answer.path("content").path("formatted_body").asText())
                .contains("<a href=\"https://matrix.to/#/" + vracRoom + "\">" + vracName + "</a>");
    }

    @Test
    void twoInstancesEachAnswerTheirOwnFaqCommandAndTheHelpListsBoth() {
        String coop = alice.sendText(bureauRoom, "!faq horaires");
        alice.awaitEvent(bureauRoom, Events.noticeReply(bot, coop, "ouvert du mardi au samedi"), WAIT);
        String bureau = alice.sendText(bureauRoom, "!faq-bureau réunions");
        alice.awaitEvent(bureauRoom, Events.noticeReply(bot, bureau, "se réunit le jeudi"), WAIT);
        String unknown = alice.sendText(bureauRoom, "!faq-bureau horaires");
        alice.awaitEvent(bureauRoom, Events.noticeReply(bot, unknown, "Je ne connais pas ce sujet"), WAIT);

        String help = alice.sendText(bureauRoom, "!aide");
        JsonNode answer = alice.awaitEvent(bureauRoom, Events.noticeReply(bot, help, "Voici ce que je sais faire"), WAIT);
        assertThat(answer.path("content").path("body").asText())
                .contains("!faq — liste les questions fréquentes ; « !faq sujet » donne la réponse")
                .contains("!faq-bureau — liste les questions fréquentes ; « !faq-bureau sujet » donne la réponse");
    }

    @Test
    void aFaqKeywordIsAnsweredOnceWithinTheCoolDown() {
        MatrixTestClient erin = joiner("erin", "Erin", helpRoom);
        alice.awaitEvent(helpRoom, greetingOf(erin.userId()), WAIT);

        String question = erin.sendText(helpRoom, "Bonjour, quels sont les horaires ?");
        alice.awaitEvent(helpRoom, Events.noticeReply(bot, question, "ouvert du mardi au samedi"), WAIT);
        String again = erin.sendText(helpRoom, "Le magasin est ouvert lundi ?");
        String ping = erin.sendText(helpRoom, "!ping");
        alice.awaitEvent(helpRoom, Events.noticeReply(bot, ping, "pong"), WAIT);

        assertThat(alice.roomMessages(helpRoom).stream().filter(Events.messageFrom(bot))
                .filter(Events.bodyContains("ouvert du mardi au samedi")).toList())
                .as("FAQ answers in %s", helpRoom).hasSize(1);
        assertThat(alice.roomMessages(helpRoom).stream().filter(Events.repliesTo(again)).toList()).isEmpty();
    }

    @Test
    void aNewcomerOfAGuideRoomGetsTheGuideInADirectChat() {
        MatrixTestClient fanny = joiner("fanny", "Fanny", guideRoom);
        alice.awaitEvent(guideRoom, greetingOf(fanny.userId()), WAIT);

        Map.Entry<String, JsonNode> invite = fanny.awaitInvite(WAIT);
        boolean direct = StreamSupport.stream(invite.getValue().path("events").spliterator(), false)
                .anyMatch(e -> Events.membership(fanny.userId(), "invite").test(e)
                        && e.path("content").path("is_direct").asBoolean());
        assertThat(direct).as("invite state %s", invite.getValue()).isTrue();
        fanny.join(invite.getKey());
        JsonNode guide = fanny.awaitEvent(invite.getKey(), Events.messageFrom(bot), WAIT);

        assertThat(guide.path("content").path("body").asText())
                .isEqualTo("Bonjour Fanny ! Le guide de La Cagette est sur le wiki : https://wiki.cagette.test");
    }

    @Test
    void aModeratorReloadsTheTextsAndABadFileIsRefused() throws Exception {
        try {
            Files.writeString(textsFile, TEXTS.replace("Bienvenue à toutes et tous : {name}", "Salut {nom}"));
            String bad = alice.sendText(helpRoom, "!recharger");
            JsonNode refusal = alice.awaitEvent(helpRoom, Events.noticeReply(bot, bad, "non rechargés"), WAIT);
            assertThat(refusal.path("content").path("body").asText())
                    .contains("welcome-texts.yaml: greeting.fr: unknown placeholder {nom}");

            MatrixTestClient gus = joiner("gus", "Gus", helpRoom);
            assertThat(alice.awaitEvent(helpRoom, greetingOf(gus.userId()), WAIT).path("content").path("body").asText())
                    .as("the texts in use stay").startsWith("Bienvenue à toutes et tous : Gus !");

            Files.writeString(textsFile, TEXTS.replace("Bienvenue à toutes et tous : {name} !", "Salut {name} !"));
            String good = alice.sendText(helpRoom, "!reload");
            alice.awaitEvent(helpRoom, Events.noticeReply(bot, good, "Texts reloaded"), WAIT);
            MatrixTestClient hana = joiner("hana", "Hana", helpRoom);
            assertThat(alice.awaitEvent(helpRoom, greetingOf(hana.userId()), WAIT).path("content").path("body").asText())
                    .startsWith("Salut Hana ! Le wiki de La Cagette");
        } finally {
            Files.writeString(textsFile, TEXTS);
            String restore = alice.sendText(helpRoom, "!recharger");
            alice.awaitEvent(helpRoom, Events.noticeReply(bot, restore, "rechargés"), WAIT);
        }
    }

    @Test
    void aGreetedMemberIsNotGreetedAgainAfterARestart() throws Exception {
        MatrixTestClient ivy = joiner("ivy", "Ivy", helpRoom);
        alice.awaitEvent(helpRoom, greetingOf(ivy.userId()), WAIT);

        comptoir.restart();
        ivy.leave(helpRoom);
        ivy.join(helpRoom);
        MatrixTestClient jules = joiner("jules", "Jules", helpRoom);
        JsonNode next = alice.awaitEvent(helpRoom, greetingOf(jules.userId()), WAIT);

        assertThat(mentioned(next)).containsExactly(jules.userId());
        assertThat(greetingsOf(helpRoom, ivy.userId())).as("greetings of %s", ivy.userId()).hasSize(1);
    }
}
