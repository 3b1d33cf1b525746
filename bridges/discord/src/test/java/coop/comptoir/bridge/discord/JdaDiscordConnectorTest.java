package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.testing.RecordingHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import coop.comptoir.testing.discord.RecordedCall;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The connector with JDA really connected to a fake Discord on loopback; every request checked against the spec. */
@Timeout(60)
class JdaDiscordConnectorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MatrixSender MARIE = new MatrixSender(UserId.of("@marie:comptoir.test"), "Marie Curie",
            Optional.of(URI.create("https://matrix.comptoir.test/_matrix/media/v3/download/comptoir.test/marie")));

    private FakeDiscord discord;
    private RecordingHost host;
    private JdaDiscordConnector connector;
    private FakeChannel general;
    private FakeUser alice;
    private RemoteChannelId channel;
    private ThreadPlaces places;
    /** When set, the next file upload (the connector's own requests, not JDA's) is answered with a 429. */
    private volatile boolean limitNextUpload;
    private final OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
        if (limitNextUpload && WebhookUploads.USER_AGENT.equals(chain.request().header("User-Agent"))) {
            limitNextUpload = false;
            discord.rateLimitNext(1, 0.05);
        }
        return chain.proceed(chain.request());
    }).build();

    @BeforeEach
    void start() throws Exception {
        discord = FakeDiscord.start();
        SpecCheck.require(discord);
        general = discord.channel("general");
        alice = discord.user("alice");
        channel = new RemoteChannelId(general.id());
        host = new RecordingHost("discord").link(general.id());
        connector = connect(host);
    }

    @AfterEach
    void stop() {
        ConnectorOnFake.stop(connector, discord, true);
    }

    private JdaDiscordConnector connect(RecordingHost h) throws Exception {
        return connect(h, "en");
    }

    private JdaDiscordConnector connect(RecordingHost h, String language) throws Exception {
        places = ThreadPlaces.inMemory(1000);
        return ConnectorOnFake.start(discord, discord.guild().id(), language, http, places, h);
    }

    private static OutgoingRemoteMessage text(String body) {
        return new OutgoingRemoteMessage(MARIE, MatrixContent.text(body), Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void aDiscordMessageReachesTheHostConverted() {
        assertThat(host.connection).anyMatch(s -> s.startsWith("up: connected to Discord"));
        FakeUser bob = discord.user("bob");
        FakeMessage said = discord.userSays(general.id(), alice.id(), "**Bonjour** " + bob.mention() + " @everyone");

        RemoteEvent.Message m = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        assertThat(m.channel()).isEqualTo(channel);
        assertThat(m.sender().id().value()).isEqualTo(alice.id());
        assertThat(m.sender().displayName()).isEqualTo("Alice");
        assertThat(m.content().html()).hasValueSatisfying(h -> assertThat(h)
                .contains("<strong>Bonjour</strong>")
                .contains("https://matrix.to/#/@_discord_" + bob.id() + ":comptoir.test"));
        assertThat(m.content().mentions()).containsExactly(UserId.of("@_discord_" + bob.id() + ":comptoir.test"));
        assertThat(m.content().body()).contains("Bob").doesNotContain("@room");
        assertThat(m.replyTo()).isEmpty();
        assertThat(m.threadRoot()).isEmpty();
    }

    @Test
    void messagesOfUnlinkedChannelsAreLeftOut() {
        FakeChannel annonces = discord.channel("annonces");
        discord.userSays(annonces.id(), alice.id(), "ailleurs");
        FakeMessage here = discord.userSays(general.id(), alice.id(), "ici");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(here.id()), WAIT);
        assertThat(host.all(RemoteEvent.Message.class)).extracting(e -> e.channel().value()).containsOnly(general.id());
    }

    @Test
    void aMatrixMessageGoesThroughOneWebhookWithTheSendersNameAndNoMassPing() throws Exception {
        FakeUser bob = discord.user("bob");
        MatrixContent content = new MatrixContent("m.text", "Salut Bob @everyone",
                Optional.of("Salut <a href=\"https://matrix.to/#/@_discord_" + bob.id() + ":comptoir.test\">Bob</a> @everyone"),
                Set.of(UserId.of("@_discord_" + bob.id() + ":comptoir.test")));
        List<RemoteMessageId> ids = connector.send(channel,
                new OutgoingRemoteMessage(MARIE, content, Optional.empty(), Optional.empty(), List.of()));
        connector.send(channel, text("Deuxième"));

        assertThat(ids).hasSize(1);
        FakeMessage posted = discord.findMessage(ids.get(0).value()).orElseThrow();
        assertThat(posted.isWebhookMessage()).isTrue();
        assertThat(posted.authorName()).isEqualTo("Marie Curie");
        assertThat(posted.avatarUrl()).isEqualTo(MARIE.avatar().orElseThrow().toString());
        assertThat(posted.content()).contains("<@" + bob.id() + ">").doesNotContain("@everyone ").contains("@\u200Beveryone");

        List<RecordedCall> executes = discord.requests("POST", "/webhooks/\\d+/[^/]+");
        assertThat(executes).hasSize(2);
        RecordedCall first = executes.get(0);
        assertThat(first.json().path("username").asText()).isEqualTo("Marie Curie");
        assertThat(first.json().path("allowed_mentions").path("parse")).isEmpty();
        assertThat(first.json().path("allowed_mentions").path("users")).extracting(n -> n.asText()).containsExactly(bob.id());
        assertThat(discord.requests("POST", "/channels/\\d+/webhooks")).hasSize(1);
        assertThat(discord.webhooks(general.id())).singleElement().satisfies(w -> assertThat(w.name()).isEqualTo("Comptoir"));

        // The echoes come back on the Gateway and are not bridged; a human's message after them is.
        FakeMessage after = discord.userSays(general.id(), alice.id(), "vu");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(after.id()), WAIT);
        assertThat(host.all(RemoteEvent.Message.class)).extracting(e -> e.id().value()).containsExactly(after.id());
    }

    @Test
    void anotherIntegrationsWebhookIsBridgedAndTheBridgesOwnIsKnownAfterARestart() throws Exception {
        connector.send(channel, text("avant redémarrage"));
        connector.close();
        connector = null;

        RecordingHost second = new RecordingHost("discord").link(general.id());
        discord.clearRecords();
        connector = connect(second);
        // the existing webhook is found again, not recreated
        connector.send(channel, text("après redémarrage"));
        assertThat(discord.requests("POST", "/channels/\\d+/webhooks")).isEmpty();
        assertThat(discord.webhooks(general.id())).hasSize(1);

        List<RemoteEvent.Message> history = connector.messagesAfter(channel, Optional.empty(), 50);
        assertThat(history).isEmpty();

        var other = discord.createWebhook(general.id(), "GitHub");
        assertThat(other.id()).isNotEqualTo(discord.webhooks(general.id()).get(0).id());
        FakeMessage human = discord.userSays(general.id(), alice.id(), "fin");
        second.await(RemoteEvent.Message.class, e -> e.id().value().equals(human.id()), WAIT);
        assertThat(second.all(RemoteEvent.Message.class)).hasSize(1);
    }

    @Test
    void longTextIsSplitAt2000Characters() throws Exception {
        String body = ("Une phrase assez longue pour remplir. ").repeat(120);
        List<RemoteMessageId> ids = connector.send(channel, text(body));
        assertThat(ids).hasSizeGreaterThan(1);
        assertThat(ids).allSatisfy(id -> assertThat(discord.findMessage(id.value()).orElseThrow().content().length())
                .isLessThanOrEqualTo(2000));
    }

    @Test
    void editsAndDeletesGoBothWays() throws Exception {
        RemoteMessageId id = connector.send(channel, text("premier jet")).get(0);
        connector.edit(channel, id, text("version finale"));
        assertThat(discord.findMessage(id.value()).orElseThrow().content()).isEqualTo("version finale");
        assertThat(discord.requests("PATCH", "/webhooks/\\d+/[^/]+/messages/\\d+")).hasSize(1);

        connector.delete(channel, id);
        assertThat(discord.findMessage(id.value()).orElseThrow().deleted()).isTrue();
        connector.delete(channel, id); // already gone: fine

        FakeMessage said = discord.userSays(general.id(), alice.id(), "coquille");
        discord.userEdits(general.id(), said.id(), "corrigé");
        RemoteEvent.Edit edit = host.await(RemoteEvent.Edit.class, e -> e.id().value().equals(said.id()), WAIT);
        assertThat(edit.content().body()).isEqualTo("corrigé");
        discord.userDeletes(general.id(), said.id());
        host.await(RemoteEvent.Delete.class, e -> e.id().value().equals(said.id()), WAIT);

        // none of our own edits or deletes came back
        assertThat(host.all(RemoteEvent.Edit.class)).extracting(e -> e.id().value()).containsExactly(said.id());
        assertThat(host.all(RemoteEvent.Delete.class)).extracting(e -> e.id().value()).containsExactly(said.id());
    }

    @Test
    void repliesGoBothWays() throws Exception {
        FakeMessage question = discord.userSays(general.id(), alice.id(), "Qui ferme ce soir ?");
        FakeMessage reply = discord.userMessage(general.id(), discord.user("bob").id()).content("Moi").replyTo(question.id()).send();
        RemoteEvent.Message in = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(reply.id()), WAIT);
        assertThat(in.replyTo()).contains(new RemoteMessageId(question.id()));

        RemoteMessageId out = connector.send(channel, new OutgoingRemoteMessage(MARIE,
                MatrixContent.text("> <@_discord_" + alice.id() + ":comptoir.test> Qui ferme ce soir ?\n\nJe peux aussi"),
                Optional.of(new RemoteMessageId(question.id())), Optional.empty(), List.of())).get(0);
        FakeMessage posted = discord.findMessage(out.value()).orElseThrow();
        assertThat(posted.content()).startsWith("> \u21AA **Alice**: Qui ferme ce soir ?")
                .contains("https://discord.com/channels/" + general.guildId() + "/" + general.id() + "/" + question.id())
                .endsWith("\nJe peux aussi");
        assertThat(posted.referencedId()).isNull();

        // an edit from Matrix has no reply: the quote line stays
        connector.edit(channel, out, text("Je peux aussi, dès 18 h"));
        assertThat(discord.findMessage(out.value()).orElseThrow().content()).startsWith("> \u21AA **Alice**")
                .endsWith("\nJe peux aussi, dès 18 h");
    }

    @Test
    void threadsGoBothWays() throws Exception {
        FakeMessage root = discord.userSays(general.id(), alice.id(), "Inventaire samedi");
        FakeChannel thread = discord.userCreatesThread(general.id(), root.id(), alice.id(), "Inventaire");
        FakeMessage inThread = discord.userSays(thread.id(), discord.user("bob").id(), "je viens");
        RemoteEvent.Message in = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(inThread.id()), WAIT);
        assertThat(in.channel()).isEqualTo(channel);
        assertThat(in.threadRoot()).contains(new RemoteMessageId(root.id()));
        // the thread's creation is not an edit
        assertThat(host.all(RemoteEvent.Edit.class)).isEmpty();

        RemoteMessageId out = connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("moi aussi"),
                Optional.empty(), Optional.of(new RemoteMessageId(root.id())), List.of())).get(0);
        assertThat(discord.findMessage(out.value()).orElseThrow().channelId()).isEqualTo(thread.id());
        assertThat(discord.requests("POST", "/webhooks/\\d+/[^/]+")).last()
                .satisfies(c -> assertThat(c.queryParameter("thread_id")).isEqualTo(thread.id()));
        connector.edit(channel, out, text("moi aussi, à 9 h"));
        assertThat(discord.findMessage(out.value()).orElseThrow().content()).isEqualTo("moi aussi, à 9 h");
        connector.react(channel, new RemoteMessageId(inThread.id()), MARIE, "👍", true);
        assertThat(discord.findMessage(inThread.id()).orElseThrow().reactions()).hasSize(1);
        connector.delete(channel, out);
        assertThat(discord.findMessage(out.value()).orElseThrow().deleted()).isTrue();

        // A Matrix thread on a message with no Discord thread yet starts one from that message.
        FakeMessage other = discord.userSays(general.id(), alice.id(), "Commande de pain");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(other.id()), WAIT);
        RemoteMessageId started = connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("2 baguettes"),
                Optional.empty(), Optional.of(new RemoteMessageId(other.id())), List.of())).get(0);
        assertThat(discord.findMessage(started.value()).orElseThrow().channelId()).isEqualTo(other.id());
        assertThat(discord.requests("POST", "/channels/\\d+/messages/\\d+/threads")).hasSize(1);
    }

    @Test
    void aReactionInAThreadJdaDoesNotHoldFailsClearlyInsteadOfGoingToTheChannel() throws Exception {
        FakeMessage said = discord.userSays(general.id(), alice.id(), "dans un fil archivé");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        places.put(said.id(), "1100000000000000001"); // a thread JDA does not have in its cache

        assertThatThrownBy(() -> connector.react(channel, new RemoteMessageId(said.id()), MARIE, "👍", true))
                .isInstanceOfSatisfying(BridgeException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("thread");
                });
        assertThat(discord.requests("PUT", "/channels/\\d+/messages/\\d+/reactions/.*")).isEmpty();

        // a reply to it still links to where it lives
        RemoteMessageId out = connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("oui"),
                Optional.of(new RemoteMessageId(said.id())), Optional.empty(), List.of())).get(0);
        assertThat(discord.findMessage(out.value()).orElseThrow().content())
                .contains("/" + general.guildId() + "/1100000000000000001/" + said.id()).endsWith("\noui");
    }

    /**
     * A Matrix reaction as the engine hands it: the connector is called first, then the engine stores
     * (or drops) its reaction link, which {@link RecordingHost#reactionsOn} answers from.
     */
    private void matrixReacts(RemoteMessageId message, MatrixSender who, String key, boolean add) throws Exception {
        connector.react(channel, message, who, key, add);
        CarriedReaction link = new CarriedReaction(who.id().value(), key, true);
        List<CarriedReaction> now = new ArrayList<>(host.carried.getOrDefault(message, List.of()));
        if (add) {
            now.add(link);
        } else {
            now.remove(link);
        }
        host.carried.put(message, now);
    }

    @Test
    void theBotsReactionStaysWhileAMatrixUserStillReactsAlsoAfterARestart() throws Exception {
        FakeMessage said = discord.userSays(general.id(), alice.id(), "Arrivage de pommes");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        RemoteMessageId id = new RemoteMessageId(said.id());
        MatrixSender paul = new MatrixSender(UserId.of("@paul:comptoir.test"), "Paul", Optional.empty());
        matrixReacts(id, MARIE, "👍", true);
        matrixReacts(id, paul, "👍", true);
        matrixReacts(id, paul, "🍎", true);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).hasSize(2);

        connector.close(); // a restart: the connector remembers nothing, the engine's links remain
        connector = connect(host);
        matrixReacts(id, MARIE, "👍", false);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).as("Paul still reacts 👍").hasSize(2);
        matrixReacts(id, paul, "🍎", false);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).hasSize(1);
        matrixReacts(id, paul, "👍", false);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).isEmpty();
    }

    @Test
    void reactionsGoBothWays() throws Exception {
        FakeMessage said = discord.userSays(general.id(), alice.id(), "Livraison arrivée");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        MatrixSender paul = new MatrixSender(UserId.of("@paul:comptoir.test"), "Paul", Optional.empty());

        connector.react(channel, new RemoteMessageId(said.id()), MARIE, "+1", true);
        assertThat(discord.requests("PUT", "/channels/\\d+/messages/\\d+/reactions/.*/@me")).as("not an emoji").isEmpty();
        matrixReacts(new RemoteMessageId(said.id()), MARIE, "👍", true);
        matrixReacts(new RemoteMessageId(said.id()), paul, "👍", true);
        assertThat(discord.requests("PUT", "/channels/\\d+/messages/\\d+/reactions/.*/@me")).hasSize(1);
        matrixReacts(new RemoteMessageId(said.id()), MARIE, "👍", false);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).hasSize(1);
        matrixReacts(new RemoteMessageId(said.id()), paul, "👍", false);
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).isEmpty();

        discord.userReacts(general.id(), said.id(), alice.id(), "🎉");
        RemoteEvent.Reaction r = host.await(RemoteEvent.Reaction.class, e -> e.added(), WAIT);
        assertThat(r.key()).isEqualTo("🎉");
        assertThat(r.sender().displayName()).isEqualTo("Alice");
        assertThat(r.image()).isEmpty();

        var emoji = discord.customEmoji(general.guildId(), "comptoir");
        discord.userReacts(general.id(), said.id(), alice.id(), emoji);
        RemoteEvent.Reaction custom = host.await(RemoteEvent.Reaction.class, e -> e.key().equals(":comptoir:"), WAIT);
        assertThat(custom.image()).hasValueSatisfying(img -> assertThat(img.url().toString())
                .startsWith(discord.cdnBaseUrl().replaceAll("/$", "") + "/emojis/" + emoji.id()));
        assertThat(connector.download(custom.image().get().url(), 1_000_000)).isNotEmpty();
        discord.userUnreacts(general.id(), said.id(), alice.id(), "🎉");
        host.await(RemoteEvent.Reaction.class, e -> !e.added() && e.key().equals("🎉"), WAIT);
        // the bot's own reactions never came back
        assertThat(host.all(RemoteEvent.Reaction.class)).extracting(RemoteEvent.Reaction::key).doesNotContain("👍");
    }

    @Test
    void filesGoBothWaysWithinTheLimits() throws Exception {
        byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
        FakeMessage said = discord.userMessage(general.id(), alice.id()).content("le planning")
                .attachment("planning.png", "image/png", png).sticker("749054660769218631", "Wave", 1)
                .embed("Réunion", "Jeudi 19 h", "https://coop.example/reunion").send();
        RemoteEvent.Message in = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        assertThat(in.attachments()).first().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("planning.png");
            assertThat(a.contentType()).isEqualTo("image/png");
            assertThat(a.size()).isEqualTo(png.length);
        });
        assertThat(connector.download(in.attachments().get(0).url(), 1000)).isEqualTo(png);
        assertThatThrownBy(() -> connector.download(in.attachments().get(0).url(), 4))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.isRetryable()).isFalse());
        assertThat(in.content().body()).contains("le planning").contains("sticker: Wave").contains("Réunion").contains("Jeudi 19 h");
        assertThat(in.attachments()).extracting(a -> a.fileName()).contains("Wave.png");

        OutgoingAttachment file = new OutgoingAttachment("liste.txt", "text/plain", "farine\nsucre".getBytes(StandardCharsets.UTF_8));
        List<RemoteMessageId> ids = connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("liste.txt"),
                Optional.empty(), Optional.empty(), List.of(file)));
        assertThat(ids).hasSize(1);
        FakeMessage posted = discord.findMessage(ids.get(0).value()).orElseThrow();
        assertThat(posted.content()).isEmpty();
        assertThat(posted.attachments()).singleElement().satisfies(a -> assertThat(a.filename()).isEqualTo("liste.txt"));
        RecordedCall upload = discord.requests("POST", "/webhooks/\\d+/[^/]+").get(0);
        assertThat(upload.files()).singleElement().satisfies(f -> assertThat(f.bytes()).isEqualTo(file.data()));
        assertThat(upload.json().path("username").asText()).isEqualTo("Marie Curie");

        discord.rateLimitNext(1, 0.25);
        assertThatThrownBy(() -> connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(file))))
                .isInstanceOfSatisfying(BridgeException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(250));
                });

        assertThat(connector.maxUploadBytes(channel)).isEqualTo(10L * 1024 * 1024);
        OutgoingAttachment big = new OutgoingAttachment("video.mp4", "video/mp4", new byte[(int) (10L * 1024 * 1024) + 1]);
        assertThatThrownBy(() -> connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("video.mp4"),
                Optional.empty(), Optional.empty(), List.of(big))))
                .isInstanceOfSatisfying(BridgeException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("video.mp4").contains("10.0 MB");
                });
    }

    @Test
    void fileNamesAreKeptWithinDiscordsLimits() throws Exception {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        String longName = "compte-rendu-".repeat(100) + ".pdf";
        List<RemoteMessageId> ids = connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text(""),
                Optional.empty(), Optional.empty(), List.of(new OutgoingAttachment("", "image/png", data),
                        new OutgoingAttachment(longName, "application/pdf", data))));
        FakeMessage posted = discord.findMessage(ids.get(0).value()).orElseThrow();
        assertThat(posted.attachments()).extracting(a -> a.filename()).first().isEqualTo("file.png");
        assertThat(posted.attachments()).extracting(a -> a.filename()).last().satisfies(n -> {
            assertThat(n).hasSize(1024).endsWith(".pdf").startsWith("compte-rendu-");
        });
        RecordedCall upload = discord.requests("POST", "/webhooks/\\d+/[^/]+").get(0);
        assertThat(upload.json().path("attachments")).allSatisfy(a ->
                assertThat(a.path("filename").asText().length()).isBetween(1, 1024));
    }

    @Test
    void atMostAHundredUsersArePingedInAMessage() throws Exception {
        StringBuilder html = new StringBuilder("Réunion :");
        java.util.Set<UserId> mentions = new java.util.LinkedHashSet<>();
        for (int i = 0; i < 120; i++) {
            String id = String.valueOf(100000000000000000L + i);
            UserId ghost = UserId.of("@_discord_" + id + ":comptoir.test");
            mentions.add(ghost);
            html.append(" <a href=\"https://matrix.to/#/").append(ghost.value()).append("\">P").append(i).append("</a>");
        }
        MatrixContent content = new MatrixContent("m.text", "Réunion", Optional.of(html.toString()), mentions);
        RemoteMessageId id = connector.send(channel,
                new OutgoingRemoteMessage(MARIE, content, Optional.empty(), Optional.empty(), List.of())).get(0);
        assertThat(discord.requests("POST", "/webhooks/\\d+/[^/]+")).isNotEmpty().allSatisfy(c ->
                assertThat(c.json().path("allowed_mentions").path("users").size()).isEqualTo(100));
        connector.edit(channel, id, new OutgoingRemoteMessage(MARIE, content, Optional.empty(), Optional.empty(), List.of()));
        assertThat(discord.requests("PATCH", "/webhooks/\\d+/[^/]+/messages/\\d+")).singleElement().satisfies(c ->
                assertThat(c.json().path("allowed_mentions").path("users").size()).isEqualTo(100));
    }

    @Test
    void whenTheFileFailsAfterTheTextTheTextIsRemovedSoTheRetryDoesNotDoubleIt() throws Exception {
        connector.send(channel, text("chauffe")); // the webhook exists
        OutgoingAttachment file = new OutgoingAttachment("planning.txt", "text/plain", "lundi".getBytes(StandardCharsets.UTF_8));
        OutgoingRemoteMessage message = new OutgoingRemoteMessage(MARIE, MatrixContent.text("voici le planning"),
                Optional.empty(), Optional.empty(), List.of(file));

        limitNextUpload = true;
        assertThatThrownBy(() -> connector.send(channel, message))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(discord.messagesIn(general.id())).extracting(FakeMessage::content).doesNotContain("voici le planning");

        List<RemoteMessageId> ids = connector.send(channel, message); // the engine's retry
        assertThat(ids).hasSize(2);
        assertThat(discord.messagesIn(general.id())).filteredOn(m -> m.content().equals("voici le planning")).hasSize(1);
        assertThat(discord.messagesIn(general.id())).filteredOn(m -> !m.attachments().isEmpty()).hasSize(1);
        // the removal is the bridge's own: it is not bridged back as a deletion
        FakeMessage after = discord.userSays(general.id(), alice.id(), "merci");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(after.id()), WAIT);
        assertThat(host.all(RemoteEvent.Delete.class)).isEmpty();
    }

    @Test
    void whenTheFileIsRefusedForGoodTheTextPostedBeforeItIsRemoved() throws Exception {
        connector.close();
        connector = null;
        discord.close();
        discord = FakeDiscord.builder().uploadLimit(1024).start();
        general = discord.channel("general");
        alice = discord.user("alice");
        channel = new RemoteChannelId(general.id());
        host = new RecordingHost("discord").link(general.id());
        connector = connect(host);

        OutgoingAttachment big = new OutgoingAttachment("photo.png", "image/png", new byte[4096]);
        assertThatThrownBy(() -> connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("la photo"),
                Optional.empty(), Optional.empty(), List.of(big))))
                .isInstanceOfSatisfying(BridgeException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("too large");
                });
        assertThat(discord.messagesIn(general.id())).isEmpty();
        assertThat(discord.requests("DELETE", "/webhooks/\\d+/[^/]+/messages/\\d+")).hasSize(1);
    }

    @Test
    void aRateLimitIsWaitedOutAndAnOutageIsRetryable() throws Exception {
        connector.send(channel, text("chauffe")); // the webhook exists
        discord.rateLimitNext(1, 0.3);
        List<RemoteMessageId> ids = connector.send(channel, text("après le 429"));
        assertThat(discord.findMessage(ids.get(0).value()).orElseThrow().content()).isEqualTo("après le 429");
        assertThat(discord.requests().stream().filter(c -> c.status() == 429)).hasSize(1);

        discord.outage(true);
        try {
            assertThatThrownBy(() -> connector.send(channel, text("pendant la panne")))
                    .isInstanceOfSatisfying(BridgeException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).doesNotContain(discord.webhooks(general.id()).get(0).token());
                    });
        } finally {
            discord.outage(false);
        }
        assertThat(connector.send(channel, text("après la panne"))).hasSize(1);
    }

    @Test
    void aWrongTokenStopsTheStartWithoutShowingIt() {
        String wrong = "wrong-token-0123456789abcdefghijklmnopqrstuvwxyz";
        DiscordConfig config = new DiscordConfig(wrong, discord.guild().id(), null,
                discord.restBaseUrl(), discord.gatewayUrl(), discord.cdnBaseUrl());
        JdaDiscordConnector bad = new JdaDiscordConnector(config, "en", http, LoggerFactory.getLogger("discord-test"),
                ThreadPlaces.inMemory(10));
        long started = System.nanoTime();
        try {
            assertThatThrownBy(() -> bad.start(new RecordingHost("discord")))
                    .satisfies(e -> assertThat(e.getMessage()).contains("token").doesNotContain(wrong));
        } finally {
            bad.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void unknownChannelsArePermanentFailures() throws Exception {
        assertThat(connector.channel(new RemoteChannelId("123"))).isEmpty();
        assertThat(connector.channel(channel)).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("general (Comptoir)"));
        assertThatThrownBy(() -> connector.send(new RemoteChannelId("123"), text("perdu")))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void failuresAreToldInFrenchToAFrenchBridge() throws Exception {
        connector.close();
        connector = connect(host, "fr");
        assertThatThrownBy(() -> connector.send(new RemoteChannelId("123"), text("perdu")))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("le salon Discord 123 n'existe pas, ou le bot ne peut pas le voir"));
        OutgoingAttachment big = new OutgoingAttachment("video.mp4", "video/mp4", new byte[(int) (10L * 1024 * 1024) + 1]);
        assertThatThrownBy(() -> connector.send(channel, new OutgoingRemoteMessage(MARIE, MatrixContent.text("video.mp4"),
                Optional.empty(), Optional.empty(), List.of(big))))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("video.mp4 fait 10,0 Mo, c'est plus que ce que Discord accepte dans #general (10,0 Mo)"));
    }

    @Test
    void fromTheCurrentPositionOnlyLaterMessagesAreRead() throws Exception {
        discord.userSays(general.id(), alice.id(), "déjà là");
        Thread.sleep(3); // a snowflake holds the millisecond: the position is after that message's
        RemoteMessageId position = connector.currentPosition(channel).orElseThrow();
        Thread.sleep(3);
        FakeMessage later = discord.userSays(general.id(), alice.id(), "après le lien");

        assertThat(connector.messagesAfter(channel, Optional.of(position), 100))
                .extracting(m -> m.id().value()).containsExactly(later.id());
    }

    @Test
    void missedMessagesAreFetchedInOrderWithoutTheBridgesOwn() throws Exception {
        FakeMessage before = discord.userSays(general.id(), alice.id(), "avant");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(before.id()), WAIT);
        connector.send(channel, text("depuis Matrix"));
        FakeMessage root = discord.userSays(general.id(), alice.id(), "racine");
        FakeChannel thread = discord.userCreatesThread(general.id(), root.id(), alice.id(), "fil");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(root.id()), WAIT);

        connector.close();
        connector = null;
        discord.awaitConnectedClients(0, WAIT);
        FakeMessage one = discord.postWhileOffline(general.id(), alice.id(), "un");
        FakeMessage two = discord.postWhileOffline(thread.id(), discord.user("bob").id(), "deux (fil)");
        FakeMessage three = discord.postWhileOffline(general.id(), alice.id(), "trois");

        RecordingHost after = new RecordingHost("discord").link(general.id());
        connector = connect(after);
        List<RemoteEvent.Message> missed = connector.messagesAfter(channel, Optional.of(new RemoteMessageId(root.id())), 100);
        assertThat(missed).extracting(m -> m.id().value()).containsExactly(one.id(), two.id(), three.id());
        assertThat(missed.get(1).threadRoot()).contains(new RemoteMessageId(root.id()));
        assertThat(connector.messagesAfter(channel, Optional.of(new RemoteMessageId(root.id())), 2))
                .extracting(m -> m.id().value()).containsExactly(one.id(), two.id());

        // the cursor may be a message of a thread: snowflakes order messages in time across channels
        assertThat(connector.messagesAfter(channel, Optional.of(new RemoteMessageId(two.id())), 100))
                .extracting(m -> m.id().value()).containsExactly(three.id());

        List<RemoteEvent.Message> all = connector.messagesAfter(channel, Optional.empty(), 100);
        assertThat(all).extracting(m -> m.content().body()).containsExactly("avant", "racine", "un", "deux (fil)", "trois");
        assertThat(all).allSatisfy(m -> assertThat(m.timestamp()).isNotNull());
    }

    @Test
    void aShortDropEndedByAResumeIsNotReportedSoNoCatchUpRuns() {
        List<String> before = List.copyOf(host.connection);
        discord.disconnect();
        discord.awaitGatewayFrame(f -> f.toClient() && "RESUMED".equals(f.type()), WAIT);
        FakeMessage said = discord.userSays(general.id(), alice.id(), "toujours là ?");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
        assertThat(host.connection).isEqualTo(before);
    }

    @Test
    void aLongDropIsReportedAndItsEndToo() {
        connector.disconnectGrace(Duration.ofMillis(200));
        discord.outage(true);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (host.connection.stream().noneMatch(s -> s.startsWith("down: disconnected")) && System.nanoTime() < deadline) {
            RecordingHost.sleep(20);
        }
        discord.outage(false);
        while (!host.connection.get(host.connection.size() - 1).startsWith("up:") && System.nanoTime() < deadline) {
            RecordingHost.sleep(20);
        }
        assertThat(host.connection).anyMatch(s -> s.startsWith("down: disconnected"));
        assertThat(host.connection).last().satisfies(s -> assertThat(s).startsWith("up:"));
        FakeMessage said = discord.userSays(general.id(), alice.id(), "toujours là ?");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(said.id()), WAIT);
    }

    @Test
    void aNewSessionIsReportedSoTheHostCatchesUp() {
        int before = host.connection.size();
        discord.sendInvalidSession(false);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (host.connection.size() == before && System.nanoTime() < deadline) {
            RecordingHost.sleep(20);
        }
        assertThat(host.connection.subList(before, host.connection.size())).last()
                .satisfies(s -> assertThat(s).startsWith("up: connected to Discord"));
    }
}
