package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.testing.RecordingHost;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After a crash between Discord's "posted" and the bridge recording the link, the engine asks the
 * connector whether the message is already there ({@code findSent}) before posting it again: files
 * and messages in threads are found too, by a connector started afresh (the restart), against the
 * fake Discord, which keeps every message created.
 */
@Timeout(60)
class SentLookupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MatrixSender MARIE = new MatrixSender(UserId.of("@marie:comptoir.test"), "Marie Curie",
            Optional.of(URI.create("https://matrix.comptoir.test/_matrix/media/v3/download/comptoir.test/marie")));
    private static final MatrixSender PAUL = new MatrixSender(UserId.of("@paul:comptoir.test"), "Paul", Optional.empty());

    private FakeDiscord discord;
    private JdaDiscordConnector connector;
    private FakeChannel general;
    private FakeUser alice;
    private RemoteChannelId channel;
    private ThreadPlaces places;
    private Instant before;

    @BeforeEach
    void start() throws Exception {
        discord = FakeDiscord.start();
        SpecCheck.require(discord);
        general = discord.channel("general");
        alice = discord.user("alice");
        channel = new RemoteChannelId(general.id());
        connector = connect();
        before = Instant.now().minusSeconds(60);
    }

    @AfterEach
    void stop() {
        ConnectorOnFake.stop(connector, discord, true);
    }

    private JdaDiscordConnector connect() throws Exception {
        places = ThreadPlaces.inMemory(1000);
        return ConnectorOnFake.start(discord, discord.guild().id(), "en", new OkHttpClient(), places,
                new RecordingHost("discord").link(general.id()));
    }

    /** The run that posted dies; a new one (new JDA session, new caches) looks. */
    private void restart() throws Exception {
        connector.close();
        connector = connect();
    }

    private static OutgoingRemoteMessage file(MatrixSender who, String caption, Optional<RemoteMessageId> thread,
                                              OutgoingAttachment... files) {
        return new OutgoingRemoteMessage(who, MatrixContent.text(caption), Optional.empty(), thread, List.of(files));
    }

    private static OutgoingAttachment photo(String name) {
        return new OutgoingAttachment(name, "image/png", ("png of " + name).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFilePostedBeforeACrashIsFoundByItsNameAndSenderNotPostedAgain() throws Exception {
        OutgoingRemoteMessage sent = file(MARIE, "", Optional.empty(), photo("rayon-frais.png"));
        assertThat(connector.findSent(channel, sent, before, id -> false)).as("not posted yet").isEmpty();
        List<RemoteMessageId> posted = connector.send(channel, sent);
        restart();

        assertThat(connector.findSent(channel, sent, before, id -> false)).isEqualTo(posted);
        assertThat(connector.findSent(channel, sent, before, posted::contains)).as("already linked to another event").isEmpty();
        assertThat(connector.findSent(channel, sent, Instant.now().plusSeconds(5), id -> false)).as("older than the event").isEmpty();
        assertThat(connector.findSent(channel, file(MARIE, "", Optional.empty(), photo("rayon-sec.png")), before, id -> false))
                .as("another file name").isEmpty();
        assertThat(connector.findSent(channel, file(PAUL, "", Optional.empty(), photo("rayon-frais.png")), before, id -> false))
                .as("the same file from someone else").isEmpty();
        assertThat(connector.findSent(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("rayon-frais.png"),
                Optional.empty(), Optional.empty(), List.of()), before, id -> false)).as("a text is not a file").isEmpty();
    }

    @Test
    void aCaptionedMessageWithElevenFilesIsFoundWhole() throws Exception {
        OutgoingAttachment[] files = new OutgoingAttachment[11];
        for (int i = 0; i < files.length; i++) {
            files[i] = photo("etiquette-" + i + ".png");
        }
        OutgoingRemoteMessage sent = file(MARIE, "les étiquettes du rayon vrac", Optional.empty(), files);
        List<RemoteMessageId> posted = connector.send(channel, sent);
        assertThat(posted).as("the caption, then ten files, then one").hasSize(3);
        restart();

        assertThat(connector.findSent(channel, sent, before, id -> false)).isEqualTo(posted);
    }

    @Test
    void aMessageInAThreadIsFoundInTheThreadAndKeptThere() throws Exception {
        FakeMessage root = discord.userSays(general.id(), alice.id(), "Inventaire samedi");
        FakeChannel thread = discord.userCreatesThread(general.id(), root.id(), alice.id(), "Inventaire");
        OutgoingRemoteMessage sent = new OutgoingRemoteMessage(MARIE, MatrixContent.text("je viens à 9 h"), Optional.empty(),
                Optional.of(new RemoteMessageId(root.id())), List.of());
        List<RemoteMessageId> posted = connector.send(channel, sent);
        assertThat(discord.findMessage(posted.get(0).value()).orElseThrow().channelId()).isEqualTo(thread.id());
        restart();

        assertThat(connector.findSent(channel, sent, before, id -> false)).isEqualTo(posted);
        assertThat(places.threadOf(posted.get(0).value())).as("later edits go to the thread").contains(thread.id());
        connector.edit(channel, posted.get(0), new OutgoingRemoteMessage(MARIE, MatrixContent.text("je viens à 10 h"),
                Optional.empty(), Optional.empty(), List.of()));
        assertThat(discord.findMessage(posted.get(0).value()).orElseThrow().content()).isEqualTo("je viens à 10 h");
        // the same words in the channel itself are another message
        OutgoingRemoteMessage inChannel = new OutgoingRemoteMessage(MARIE, MatrixContent.text("je viens à 9 h"),
                Optional.empty(), Optional.empty(), List.of());
        assertThat(connector.findSent(channel, inChannel, before, id -> false)).isEmpty();
    }

    @Test
    void aFileInAThreadIsFoundInTheThread() throws Exception {
        FakeMessage root = discord.userSays(general.id(), alice.id(), "Photos du marché");
        FakeChannel thread = discord.userCreatesThread(general.id(), root.id(), alice.id(), "Marché");
        OutgoingRemoteMessage sent = file(MARIE, "", Optional.of(new RemoteMessageId(root.id())), photo("etal.png"));
        List<RemoteMessageId> posted = connector.send(channel, sent);
        assertThat(discord.findMessage(posted.get(0).value()).orElseThrow().channelId()).isEqualTo(thread.id());
        restart();

        assertThat(connector.findSent(channel, sent, before, id -> false)).isEqualTo(posted);
        assertThat(places.threadOf(posted.get(0).value())).contains(thread.id());
        assertThat(connector.findSent(channel, file(MARIE, "", Optional.empty(), photo("etal.png")), before, id -> false))
                .as("not in the channel itself").isEmpty();
    }

    @Test
    void inAThreadNotStartedYetNothingIsFoundAndNothingIsStarted() throws Exception {
        FakeMessage root = discord.userSays(general.id(), alice.id(), "Commande de pain");
        OutgoingRemoteMessage sent = new OutgoingRemoteMessage(MARIE, MatrixContent.text("2 baguettes"), Optional.empty(),
                Optional.of(new RemoteMessageId(root.id())), List.of());
        assertThat(connector.findSent(channel, sent, before, id -> false)).isEmpty();
        assertThat(discord.requests("POST", "/channels/\\d+/messages/\\d+/threads")).isEmpty();
        assertThat(discord.webhookMessages(general.id())).isEmpty();
    }
}
