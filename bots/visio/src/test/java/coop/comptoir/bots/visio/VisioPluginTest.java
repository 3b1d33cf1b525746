package coop.comptoir.bots.visio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code !visio} with Jitsi Meet, as members of a room see it. */
class VisioPluginTest {
    static final RoomId TEAM = RoomId.of("!equipe:coop.example");
    static final RoomId BOARD = RoomId.of("!bureau:coop.example");
    static final UserId ALICE = UserId.of("@alice:coop.example");
    private static final AtomicInteger EVENTS = new AtomicInteger();
    private static final Pattern JITSI = Pattern.compile("https://meet\\.jit\\.si/([a-z0-9-]+)");

    @TempDir
    Path dir;

    static JsonNode jitsi(String language) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.putObject("jitsi").put("url", "https://meet.jit.si/");
        if (language != null) {
            s.put("language", language);
        }
        return s;
    }

    static FakePluginContext context(Path dir, JsonNode settings) {
        return FakePluginContext.builder("visio", "visio", dir).settings(settings).build();
    }

    static Plugin start(FakePluginContext ctx) throws Exception {
        Plugin p = ctx.create(new VisioFactory());
        p.start();
        return p;
    }

    static MatrixEvent say(RoomId room, UserId sender, String text) {
        ObjectNode e = JsonNodeFactory.instance.objectNode()
                .put("type", "m.room.message").put("room_id", room.value()).put("sender", sender.value())
                .put("event_id", "$ev" + EVENTS.incrementAndGet()).put("origin_server_ts", 1_767_600_000_000L);
        e.putObject("content").put("msgtype", "m.text").put("body", text);
        return MatrixEvent.of(e);
    }

    static void name(FakePluginContext ctx, RoomId room, String name) {
        ctx.recordingMatrix().sendState(room, "m.room.name", "", JsonNodeFactory.instance.objectNode().put("name", name));
        ctx.recordingMatrix().clearSent();
    }

    /** Says {@code text} in {@code room} and returns the one answer there. */
    static Sent ask(FakePluginContext ctx, RoomId room, String text) throws Exception {
        int before = ctx.recordingMatrix().messagesIn(room).size();
        MatrixEvent command = say(room, ALICE, text);
        ctx.deliver(command);
        List<Sent> answers = ctx.recordingMatrix().messagesIn(room);
        assertThat(answers).as("answers in %s", room).hasSize(before + 1);
        Sent answer = answers.get(answers.size() - 1);
        assertThat(answer.content().path("m.relates_to").path("m.in_reply_to").path("event_id").asText())
                .as("replies to the command").isEqualTo(command.eventId().value());
        return answer;
    }

    static String meeting(Sent answer) {
        Matcher m = JITSI.matcher(answer.body());
        assertThat(m.find()).as("a Jitsi link in %s", answer.body()).isTrue();
        return m.group(1);
    }

    @Test
    void theLinkIsPostedInTheRoomWhereTheCommandIsSaidInFrenchFirst() throws Exception {
        try (FakePluginContext ctx = context(dir, jitsi(null))) {
            start(ctx);
            name(ctx, TEAM, "Équipe du samedi matin");

            Sent answer = ask(ctx, TEAM, "!visio");

            assertThat(answer.content().path("msgtype").asText()).isEqualTo("m.notice");
            assertThat(answer.body()).matches("🎥 Visio de la salle Équipe du samedi matin : "
                    + "https://meet\\.jit\\.si/equipe-du-samedi-matin-[a-z2-7]{12}");
            assertThat(answer.content().path("formatted_body").asText())
                    .contains("<a href=\"https://meet.jit.si/" + meeting(answer) + "\">");
            assertThat(ctx.recordingMatrix().messagesIn(BOARD)).isEmpty();
        }
    }

    @Test
    void theMeetingStaysTheSameAcrossCallsRenamesAndRestarts() throws Exception {
        String first;
        try (FakePluginContext ctx = context(dir, jitsi(null))) {
            start(ctx);
            name(ctx, TEAM, "Équipe");
            first = meeting(ask(ctx, TEAM, "!visio"));
            assertThat(meeting(ask(ctx, TEAM, "!visio"))).isEqualTo(first);
            name(ctx, TEAM, "Équipe renommée");
            assertThat(meeting(ask(ctx, TEAM, "!video"))).as("after a rename, through the alias").isEqualTo(first);
        }
        try (FakePluginContext again = context(dir, jitsi(null))) {
            start(again);
            assertThat(meeting(ask(again, TEAM, "!visio"))).as("after a restart on the same store").isEqualTo(first);
        }
    }

    @Test
    void differentRoomsAndDifferentInstallsGetDifferentMeetings() throws Exception {
        String team;
        String board;
        try (FakePluginContext ctx = context(dir, jitsi(null))) {
            start(ctx);
            team = meeting(ask(ctx, TEAM, "!visio"));
            board = meeting(ask(ctx, BOARD, "!visio"));
            assertThat(team).as("no room name: a neutral prefix").startsWith("visio-");
            assertThat(board).isNotEqualTo(team);
        }
        Path other = Files.createDirectories(dir.resolve("other-install"));
        try (FakePluginContext elsewhere = context(other, jitsi(null))) {
            start(elsewhere);
            assertThat(meeting(ask(elsewhere, TEAM, "!visio")))
                    .as("the same room ID on another install (another salt)").isNotEqualTo(team);
        }
    }

    @Test
    void aTopicGivesASeparateMeetingOfItsOwn() throws Exception {
        try (FakePluginContext ctx = context(dir, jitsi(null))) {
            start(ctx);
            name(ctx, TEAM, "Équipe");
            String room = meeting(ask(ctx, TEAM, "!visio"));

            Sent answer = ask(ctx, TEAM, "!visio Réunion budget");
            String budget = meeting(answer);

            assertThat(answer.body()).startsWith("🎥 Visio « Réunion budget » de la salle Équipe : ");
            assertThat(budget).startsWith("equipe-reunion-budget-").isNotEqualTo(room);
            assertThat(meeting(ask(ctx, TEAM, "!visio   réunion BUDGET "))).as("same topic, other spelling").isEqualTo(budget);
            assertThat(meeting(ask(ctx, TEAM, "!visio 🎉"))).as("a topic without letters is no topic").isEqualTo(room);
        }
    }

    @Test
    void inEnglishWhenConfiguredAndHtmlInTheRoomNameIsEscaped() throws Exception {
        try (FakePluginContext ctx = context(dir, jitsi("en"))) {
            start(ctx);
            name(ctx, BOARD, "Board <b>");

            Sent answer = ask(ctx, BOARD, "!video");

            assertThat(answer.body()).startsWith("🎥 Video call for Board <b>: https://meet.jit.si/board-b-");
            assertThat(answer.content().path("formatted_body").asText()).startsWith("🎥 Video call for Board &lt;b&gt;: <a href=");
        }
    }

    @Test
    void theHelpListsTheCommandInBothLanguages() throws Exception {
        try (FakePluginContext ctx = context(dir, jitsi(null))) {
            start(ctx);
            assertThat(ask(ctx, TEAM, "!aide").body()).contains("visio").contains("un lien de visio pour cette salle");
            assertThat(ask(ctx, TEAM, "!help").body()).contains("a video-call link for this room");
        }
    }
}
