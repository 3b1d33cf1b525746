package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.settle;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.ModerationCapable;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Account linking: a code by direct message on Matrix, {@code !link CODE} on the old side (removed
 * there, never bridged), the ghost then showing the Matrix name and avatar, wrong codes counted and
 * limited, {@code !unlink}, the digest of what a person missed.
 */
class AccountLinksTest {
    /** A network where the bot posts notices and removes users' messages. */
    static final class ModeratedConnector extends RetirementTest.NoticeConnector implements ModerationCapable {
        final List<RemoteMessageId> removed = new CopyOnWriteArrayList<>();

        @Override
        public boolean removeUserMessage(RemoteChannelId channel, RemoteMessageId message) {
            removed.add(message);
            return true;
        }
    }

    static final RemoteUser CAROLE = new RemoteUser(new RemoteUserId("43"), "Carole", Optional.empty());
    static final UserId BOB_GHOST = UserId.of("@_discord_42:" + Rig.SERVER);
    private static final Pattern CODE = Pattern.compile("code : ([A-Z0-9]{6})");

    @TempDir
    Path dir;
    final ModeratedConnector net = new ModeratedConnector();
    Rig rig;
    private final AtomicInteger ids = new AtomicInteger(100);

    @BeforeEach
    void startEngine() throws Exception {
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "general", ""));
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), net,
                Rig.settings(List.of()).withDigestEvery(Duration.ofDays(1)), 3);
        rig.matrix.as(ALICE).setDisplayName("Alice Martin");
        rig.matrix.as(ALICE).setAvatarUrl(MxcUri.parse("mxc://coop.example/alice"));
        rig.link();
        rig.start();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private RemoteEvent.Message says(RemoteUser who, String body) {
        return says(who, body, Optional.empty(), Set.of());
    }

    private RemoteEvent.Message says(RemoteUser who, String body, Optional<RemoteMessageId> replyTo, Set<UserId> mentions) {
        int id = ids.incrementAndGet();
        RemoteEvent.Message m = new RemoteEvent.Message(CHANNEL, new RemoteMessageId(String.valueOf(id)), who,
                Instant.ofEpochSecond(1_700_000_000L + id), new MatrixContent("m.text", body, Optional.empty(), mentions), replyTo,
                Optional.empty(), List.<RemoteAttachment>of());
        rig.remote(m);
        return m;
    }

    private List<RecordingMatrixClient.Sent> sentTo(RoomId room) {
        return rig.matrix.messagesIn(room);
    }

    private List<RecordingMatrixClient.Sent> directMessages() {
        return rig.matrix.sent().stream().filter(s -> !s.room().equals(ROOM) && s.type().equals("m.room.message") && s.isNotice()).toList();
    }

    /** {@code !link} on Matrix; the code from the direct message. */
    private String askCode() throws Exception {
        int before = directMessages().size();
        rig.matrixMessage(ALICE, "!link");
        await("the code by direct message", () -> directMessages().size() > before);
        Matcher m = CODE.matcher(directMessages().get(directMessages().size() - 1).body());
        assertThat(m.find()).as("a code in the direct message").isTrue();
        return m.group(1);
    }

    private boolean noticeSaid(String text) {
        return net.notices.stream().anyMatch(n -> n.text().contains(text));
    }

    private boolean ghostSaid(String text) {
        return sentTo(ROOM).stream().anyMatch(s -> s.body() != null && s.body().contains(text) && s.sender().equals(BOB_GHOST));
    }

    @Test
    void aCodeSentByDirectMessageLinksTheRemoteUserWithoutBridgingTheCode() throws Exception {
        String code = askCode();
        assertThat(sentTo(ROOM)).anyMatch(s -> s.body().contains("envoyé un code en message privé"));
        assertThat(rig.matrix.createdRooms()).singleElement().satisfies(r -> assertThat(r.request().path("is_direct").asBoolean()).isTrue());
        assertThat(net.posted).as("!link on Matrix is not carried to the old side").isEmpty();

        RemoteEvent.Message typed = says(BOB, "!link " + code.toLowerCase());
        await("the old side told", () -> noticeSaid("C'est fait, Bob"));
        assertThat(net.removed).containsExactly(typed.id());
        await("the Matrix side told", () -> directMessages().stream().anyMatch(s -> s.body().startsWith("C'est fait : ")));
        says(BOB, "bonjour de Discord");
        await("Bob's message", () -> ghostSaid("bonjour de Discord"));
        assertThat(ghostSaid(code)).as("the code never reaches Matrix").isFalse();
        assertThat(rig.matrix.displayName(BOB_GHOST).orElse(null)).isEqualTo("Alice Martin (Discord)");
        assertThat(rig.matrix.avatarUrl(BOB_GHOST).orElseThrow()).hasToString("mxc://coop.example/alice");

        // the same code again: used up
        says(CAROLE, "!link " + code);
        await("refused", () -> noticeSaid("Carole, ce code n'est pas bon"));
    }

    @Test
    void aBridgedRoomWithOnlyThePersonAndTheBotIsNotTakenForADirectChat() throws Exception {
        rig.matrix.addMember(ROOM, ALICE); // the bot and Alice only
        String code = askCode();
        assertThat(sentTo(ROOM)).noneMatch(s -> s.body().contains(code));
        assertThat(rig.matrix.createdRooms()).hasSize(1);
    }

    @Test
    void wrongCodesAreRefusedAndAfterFiveEvenTheRightOneWaitsAnHour() throws Exception {
        String code = askCode();
        for (int i = 0; i < AccountLinks.MAX_FAILURES; i++) {
            says(BOB, "!link ABCDEF");
        }
        await("five refusals", () -> net.notices.stream().filter(n -> n.text().contains("ce code n'est pas bon")).count() == 5);
        assertThat(net.notices.get(4).text()).contains("plus d'essai avant une heure");
        says(BOB, "!link " + code);
        await("too many", () -> noticeSaid("trop d'essais"));
        assertThat(directMessages()).noneMatch(s -> s.body().startsWith("C'est fait"));
        assertThat(sentTo(ROOM)).noneMatch(s -> s.sender().equals(BOB_GHOST));

        rig.advance(Duration.ofMinutes(61));
        String fresh = askCode();
        says(BOB, "!link " + fresh);
        await("linked after the hour", () -> noticeSaid("C'est fait, Bob"));
    }

    @Test
    void aCodeExpiresAfterTenMinutes() throws Exception {
        String code = askCode();
        rig.advance(Duration.ofMinutes(11));
        says(BOB, "!link " + code);
        await("refused", () -> noticeSaid("ce code n'est pas bon ou a expiré"));
    }

    @Test
    void unlinkingGivesTheGhostItsOwnNameBackAndTheProfileFollowsMatrixChanges() throws Exception {
        says(BOB, "!link " + askCode());
        await("linked", () -> noticeSaid("C'est fait, Bob"));
        await("the ghost takes the Matrix name", () -> "Alice Martin (Discord)".equals(rig.matrix.displayName(BOB_GHOST).orElse(null)));

        rig.matrix.as(ALICE).setDisplayName("Alice M.");
        com.fasterxml.jackson.databind.node.ObjectNode member = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("membership", "join")
                .put("displayname", "Alice M.");
        com.fasterxml.jackson.databind.node.ObjectNode json = rig.event(RoomId.of("!dm:" + Rig.SERVER), "m.room.member", ALICE, member)
                .json().deepCopy();
        json.put("state_key", ALICE.value());
        rig.deliver(coop.comptoir.api.event.MatrixEvent.of(json));
        await("the new name", () -> "Alice M. (Discord)".equals(rig.matrix.displayName(BOB_GHOST).orElse(null)));

        rig.matrixMessage(ALICE, "!unlink");
        await("told", () -> sentTo(ROOM).stream().anyMatch(s -> s.body().contains("C'est défait")));
        says(BOB, "de nouveau moi");
        await("Bob's message", () -> ghostSaid("de nouveau moi"));
        assertThat(rig.matrix.displayName(BOB_GHOST).orElse(null)).isEqualTo("Bob (Discord)");
    }

    @Test
    void theDigestListsMentionsAndRepliesOnceADayAndNothingWhenNothingHappened() throws Exception {
        says(BOB, "!link " + askCode());
        await("linked", () -> directMessages().stream().anyMatch(s -> s.body().startsWith("C'est fait : ")));
        rig.matrixMessage(ALICE, "!link digest on");
        await("on", () -> sentTo(ROOM).stream().anyMatch(s -> s.body().startsWith("C'est noté : ")));
        int before = directMessages().size();

        RemoteEvent.Message mine = says(BOB, "qui vient samedi ?");
        await("Bob's message", () -> ghostSaid("qui vient samedi"));
        says(CAROLE, "moi !", Optional.of(mine.id()), Set.of());
        says(CAROLE, "@Bob tu as les clés ?", Optional.empty(), Set.of(BOB_GHOST));
        says(CAROLE, "rien à voir");
        says(BOB, "@Bob je me parle", Optional.empty(), Set.of(BOB_GHOST));
        await("carried", () -> sentTo(ROOM).stream().anyMatch(s -> s.body().contains("je me parle")));

        rig.engine.accounts.tick();
        assertThat(directMessages()).hasSize(before).as("not due yet");
        rig.advance(Duration.ofDays(1).plusMinutes(1));
        rig.engine.accounts.tick();
        assertThat(directMessages()).hasSize(before + 1);
        String digest = directMessages().get(before).body();
        assertThat(digest).startsWith("Ce que vous avez manqué sur Discord (2 messages) :")
                .contains("Carole dans « " + ROOM.value() + " » : « moi ! » https://matrix.to/#/" + ROOM.value() + "/$")
                .contains("« @Bob tu as les clés ? »").doesNotContain("rien à voir").doesNotContain("je me parle");

        rig.advance(Duration.ofDays(1).plusMinutes(1));
        rig.engine.accounts.tick();
        settle();
        assertThat(directMessages()).as("nothing happened: nothing sent").hasSize(before + 1);

        rig.matrixMessage(ALICE, "!link digest off");
        says(CAROLE, "@Bob et maintenant ?", Optional.empty(), Set.of(BOB_GHOST));
        await("carried", () -> sentTo(ROOM).stream().anyMatch(s -> s.body().contains("et maintenant")));
        rig.advance(Duration.ofDays(2));
        rig.engine.accounts.tick();
        assertThat(directMessages()).hasSize(before + 1);
    }
}
