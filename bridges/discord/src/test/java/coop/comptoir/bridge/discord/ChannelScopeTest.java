package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.testing.RecordingHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connector stays within the configured Discord server, and within the portal channel it is
 * asked to act in: a message of another channel (or of another channel's thread) is never quoted,
 * reacted to or posted into from this one.
 */
@Timeout(60)
class ChannelScopeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MatrixSender MARIE = new MatrixSender(UserId.of("@marie:comptoir.test"), "Marie", Optional.empty());

    private FakeDiscord discord;
    private RecordingHost host;
    private JdaDiscordConnector connector;
    private ThreadPlaces places;
    private FakeChannel general;
    private FakeChannel equipe;
    private FakeChannel dehors;

    @BeforeEach
    void start() throws Exception {
        discord = FakeDiscord.builder().guild("Comptoir", "general", "equipe").guild("Ailleurs", "dehors")
                .user("alice", "Alice").user("bob", "Bob").start();
        SpecCheck.require(discord);
        general = discord.channel("general");
        equipe = discord.channel("equipe");
        dehors = discord.channel("dehors");
        host = new RecordingHost("discord").link(general.id()).link(equipe.id()).link(dehors.id());
        places = ThreadPlaces.inMemory(100);
        connector = ConnectorOnFake.start(discord, general.guildId(), "en", new OkHttpClient(), places, host);
    }

    @AfterEach
    void stop() {
        ConnectorOnFake.stop(connector, discord, false);
    }

    @Test
    void onlyTheConfiguredServersChannelsAreFoundOrRead() throws Exception {
        assertThat(connector.channel(new RemoteChannelId(general.id()))).isPresent();
        assertThat(connector.channel(new RemoteChannelId(dehors.id()))).isEmpty();
        FakeMessage outside = discord.userSays(dehors.id(), discord.user("alice").id(), "sur un autre serveur");
        FakeMessage inside = discord.userSays(general.id(), discord.user("alice").id(), "ici");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(inside.id()), WAIT);
        assertThat(host.all(RemoteEvent.Message.class)).extracting(e -> e.id().value()).doesNotContain(outside.id());
        assertThatThrownBy(() -> connector.send(new RemoteChannelId(dehors.id()), text("non", Optional.empty(), Optional.empty())))
                .isInstanceOf(BridgeException.class);
        assertThat(discord.webhookMessages(dehors.id())).isEmpty();
    }

    @Test
    void nothingReachesIntoAnotherChannelsThread() throws Exception {
        FakeMessage root = discord.userSays(equipe.id(), discord.user("alice").id(), "réunion d'équipe");
        FakeChannel thread = discord.userCreatesThread(equipe.id(), root.id(), discord.user("alice").id(), "Équipe");
        FakeMessage secret = discord.userSays(thread.id(), discord.user("bob").id(), "le code du coffre est 1234");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(secret.id()), WAIT); // JDA holds the thread now
        RemoteChannelId here = new RemoteChannelId(general.id());
        RemoteMessageId there = new RemoteMessageId(secret.id());

        RemoteMessageId reply = connector.send(here, text("une réponse", Optional.of(there), Optional.empty())).get(0);
        assertThat(discord.findMessage(reply.value()).orElseThrow().content()).doesNotContain("1234").doesNotContain("coffre");
        assertThatThrownBy(() -> connector.react(here, there, MARIE, "👍", true)).isInstanceOf(BridgeException.class);
        assertThat(discord.findMessage(secret.id()).orElseThrow().reactions()).isEmpty();
        assertThatThrownBy(() -> connector.send(here, text("dans leur fil", Optional.empty(), Optional.of(new RemoteMessageId(thread.id())))))
                .isInstanceOf(BridgeException.class);
        assertThat(discord.webhookMessages(thread.id())).isEmpty();
    }

    private static OutgoingRemoteMessage text(String body, Optional<RemoteMessageId> reply, Optional<RemoteMessageId> thread) {
        return new OutgoingRemoteMessage(MARIE, MatrixContent.text(body), reply, thread, List.of());
    }
}
