package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.bridge.rocketchat.format.RocketMarkdown;
import coop.comptoir.bridge.testing.RecordingHost;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The server's layout ({@code !migration structure rocketchat}) and the bot's own notices, against the fake Rocket.Chat. */
class RocketChatStructureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "rc-structure-token-0123456789";
    private final OkHttpClient http = new OkHttpClient();
    private FakeRocketChat rc;
    private RecordingHost host;
    private RocketChatConnector connector;

    @BeforeEach
    void start() throws Exception {
        rc = FakeRocketChat.start(TOKEN);
        host = new RecordingHost("rocketchat").link(rc.room("general").id());
        connector = new RocketChatConnector(new RocketChatConfig(rc.url(), rc.bot().id(), TOKEN, 1000L), http,
                LoggerFactory.getLogger("test"), new RocketMarkdown(), TextSettings.DEFAULT.withLanguage("fr"));
        connector.start(host);
        FakeRocketChat.await(() -> host.connection.stream().anyMatch(s -> s.startsWith("up")), WAIT, "connected");
    }

    @AfterEach
    void stop() {
        connector.close();
        rc.close();
        rc.assertNoSpecViolations();
    }

    private static RemoteStructure.Channel channel(RemoteStructure s, String name) {
        return s.channels().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + s));
    }

    @Test
    void channelsAreOpenGroupsInviteOnlyTeamsCategoriesDiscussionsAndUnreadableGroupsApart() throws Exception {
        FakeRoom team = rc.addTeam("Bénévoles", false);
        FakeRoom planning = rc.addRoomToTeam(team.id(), "planning", false);
        rc.topic(planning.id(), "Les créneaux");
        FakeRoom caisse = rc.addRoomToTeam(team.id(), "caisse", true);
        FakeRoom ca = rc.addTeam("Conseil", true);
        rc.addRoom("secret", true, true);
        rc.userOpensDiscussion(rc.room("general").id(), "alice", "Commande de pommes");

        RemoteStructure s = connector.structure();

        assertThat(s.id()).isEqualTo(rc.url());
        assertThat(s.name()).isEqualTo("127.0.0.1");
        assertThat(s.categories()).extracting(RemoteStructure.Category::name, RemoteStructure.Category::open).containsExactly(
                org.assertj.core.api.Assertions.tuple("Bénévoles", true), org.assertj.core.api.Assertions.tuple("Conseil", false));
        String teamId = s.categories().get(0).id();
        assertThat(channel(s, "general").open()).isTrue();
        assertThat(channel(s, "general").category()).isEmpty();
        assertThat(channel(s, "bureau").open()).as("a private group").isFalse();
        assertThat(channel(s, "planning")).isEqualTo(new RemoteStructure.Channel(new RemoteChannelId(planning.id()), "planning",
                "Les créneaux", Optional.of(teamId), true));
        assertThat(channel(s, "caisse").open()).isFalse();
        assertThat(channel(s, "caisse").category()).contains(teamId);
        assertThat(channel(s, "Bénévoles").category()).as("the team's own room is in the team").contains(teamId);
        assertThat(channel(s, "Conseil").open()).isFalse();
        assertThat(s.skipped()).extracting(RemoteStructure.Skipped::name, RemoteStructure.Skipped::reason).containsExactlyInAnyOrder(
                org.assertj.core.api.Assertions.tuple("secret", RemoteStructure.Reason.NO_ACCESS),
                org.assertj.core.api.Assertions.tuple("Commande de pommes", RemoteStructure.Reason.SUB_CHANNEL));
        assertThat(s.channels()).extracting(RemoteStructure.Channel::name).doesNotContain("secret", "Commande de pommes");
        assertThat(caisse.id()).isNotEqualTo(ca.id());
    }

    @Test
    void withoutTheAdministrationPermissionTheBotsOwnRoomsAreMirrored() throws Exception {
        rc.addRoom("ailleurs", false, true);
        rc.addRoom("cuisine", false, false);
        rc.roomAdministrationPermission(false);

        RemoteStructure s = connector.structure();

        assertThat(s.channels()).extracting(RemoteStructure.Channel::name).contains("general", "bureau", "cuisine")
                .doesNotContain("ailleurs");
        assertThat(rc.requests()).anyMatch(c -> c.path().contains("rooms.adminRooms") && c.status() == 401);
    }

    @Test
    void aNoticeIsPostedAsTheBotItselfAndNotCarriedBack() throws Exception {
        String general = rc.room("general").id();
        FakeMessage said = rc.userSays(general, "alice", "on déménage ?");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);

        RemoteMessageId notice = connector.postNotice(new RemoteChannelId(general), "Ce salon continue sur Matrix : https://matrix.to/#/!a:b");
        RemoteMessageId reply = connector.replyNotice(new RemoteChannelId(general), new RemoteMessageId(said.id()), "Par ici : https://matrix.to/#/!a:b");

        FakeMessage posted = rc.message(notice.value()).orElseThrow();
        assertThat(posted.authorId()).isEqualTo(rc.bot().id());
        assertThat(posted.alias()).as("the bot in its own name").isNull();
        assertThat(posted.text()).isEqualTo("Ce salon continue sur Matrix : https://matrix.to/#/!a:b");
        FakeMessage answer = rc.message(reply.value()).orElseThrow();
        assertThat(answer.text()).contains("?msg=" + said.id()).endsWith("Par ici : https://matrix.to/#/!a:b");
        assertThat(answer.threadId()).as("a quote, not a thread").isNull();
        Thread.sleep(500);
        assertThat(host.events).noneMatch(e -> e instanceof RemoteEvent.Message m
                && (m.id().value().equals(notice.value()) || m.id().value().equals(reply.value())));
    }
}
