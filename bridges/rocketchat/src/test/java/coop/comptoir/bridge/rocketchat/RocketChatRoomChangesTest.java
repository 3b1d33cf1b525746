package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.rocketchat.format.RocketMarkdown;
import coop.comptoir.bridge.testing.RecordingHost;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Rooms renamed, given a new topic, archived or deleted on Rocket.Chat reach the host as channel
 * changes (from the {@code stream-notify-user} events), and the bot removes a member's message
 * when it holds {@code delete-message}.
 */
class RocketChatRoomChangesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "rc-secret-token-rooms-0123456789";
    private final OkHttpClient http = new OkHttpClient();
    private FakeRocketChat rc;
    private FakeRoom general;
    private RecordingHost host;
    private RocketChatConnector connector;

    @BeforeEach
    void start() throws Exception {
        rc = FakeRocketChat.start(TOKEN);
        general = rc.room("general");
        host = new RecordingHost("rocketchat").link(general.id());
        RocketChatConfig c = new RocketChatConfig(rc.url(), rc.bot().id(), TOKEN, 1000L);
        connector = new RocketChatConnector(c, http, LoggerFactory.getLogger("test"), new RocketMarkdown(),
                TextSettings.DEFAULT.withLanguage("en"));
        connector.start(host);
        FakeRocketChat.await(() -> host.connection.stream().anyMatch(s -> s.startsWith("up")), WAIT, "connected");
    }

    @AfterEach
    void stop() {
        connector.close();
        rc.close();
        rc.assertNoSpecViolations();
    }

    private static List<String> names(List<RemoteChannel> channels) {
        return channels.stream().map(ch -> ch.id().value() + " " + ch.name() + " / " + ch.description()).toList();
    }

    @Test
    void aRenameOrANewTopicIsToldOnceAndNewMessagesAreNot() throws Exception {
        assertThat(rc.frames()).anyMatch(f -> f.startsWith("<- ") && f.contains("\"stream-notify-user\"")
                && f.contains(rc.bot().id() + "/rooms-changed"));
        rc.renameRoom(general.id(), "alice", "Général & café");
        FakeRocketChat.await(() -> !host.changedChannels.isEmpty(), WAIT, "rename told");
        assertThat(names(host.changedChannels)).containsExactly(general.id() + " Général & café / ");
        assertThat(connector.channel(new RemoteChannelId(general.id()))).get().extracting(RemoteChannel::name)
                .isEqualTo("Général & café");

        rc.userSays(general.id(), "alice", "un message ordinaire");
        rc.topic(general.id(), "Le coin café");
        FakeRocketChat.await(() -> host.changedChannels.size() == 2, WAIT, "topic told");
        rc.topic(general.id(), "Le coin café"); // the same again: nothing new
        FakeMessage last = rc.userSays(general.id(), "alice", "encore");
        host.await(RemoteEvent.Message.class, m -> m.id().value().equals(last.id()), WAIT);
        assertThat(names(host.changedChannels)).containsExactly(general.id() + " Général & café / ",
                general.id() + " Général & café / Le coin café");
        assertThat(host.events).noneMatch(e -> e instanceof RemoteEvent.Message m && m.content().toString().contains("Général"));
    }

    @Test
    void anArchivedChannelAndADeletedOneAreTold() throws Exception {
        FakeRoom vrac = rc.addRoom("vrac", false, false);
        FakeRoom bureau = rc.room("bureau");
        connector.channel(new RemoteChannelId(vrac.id())); // followed as a portal's channel is
        rc.archiveRoom(general.id(), "alice");
        FakeRocketChat.await(() -> !host.archivedChannels.isEmpty(), WAIT, "archiving told");
        assertThat(names(host.archivedChannels)).containsExactly(general.id() + " general / ");

        rc.deleteRoom(vrac.id(), false); // only the subscription's removal is told: a public channel gone is deleted
        FakeRocketChat.await(() -> !host.deletedChannels.isEmpty(), WAIT, "deletion told");
        rc.deleteRoom(bureau.id(), true);
        FakeRocketChat.await(() -> host.deletedChannels.size() == 2, WAIT, "second deletion told");
        assertThat(names(host.deletedChannels)).containsExactly(vrac.id() + " vrac / ", bureau.id() + " bureau / ");
        assertThat(host.changedChannels).isEmpty();
        assertThat(connector.channel(new RemoteChannelId(vrac.id()))).isEmpty();
    }

    @Test
    void aMembersMessageIsRemovedOnlyWithTheDeleteMessagePermission() throws Exception {
        FakeMessage code = rc.userSays(general.id(), "bob", "!link ABC123");
        assertThat(connector.removeUserMessage(new RemoteChannelId(general.id()), new RemoteMessageId(code.id()))).isFalse();
        assertThat(rc.messagesIn(general.id())).anyMatch(m -> m.id().equals(code.id()));

        rc.deleteMessagePermission(true);
        assertThat(connector.removeUserMessage(new RemoteChannelId(general.id()), new RemoteMessageId(code.id()))).isTrue();
        assertThat(rc.messagesIn(general.id())).noneMatch(m -> m.id().equals(code.id()));
        assertThat(connector.removeUserMessage(new RemoteChannelId(general.id()), new RemoteMessageId(code.id())))
                .as("already gone counts as removed").isTrue();
    }
}
