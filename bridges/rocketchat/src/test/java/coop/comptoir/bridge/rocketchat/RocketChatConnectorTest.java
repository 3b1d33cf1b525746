package coop.comptoir.bridge.rocketchat;

import coop.comptoir.bridge.testing.RecordingHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.rocketchat.format.RocketMarkdown;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The connector against the fake Rocket.Chat: what it sends, what it hands the engine, how it survives failures. */
class RocketChatConnectorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "rc-secret-token-0123456789";
    private final OkHttpClient http = new OkHttpClient();
    private FakeRocketChat rc;
    private FakeRoom general;
    private RecordingHost host;
    private RocketChatConnector connector;
    private final MatrixSender alice = new MatrixSender(UserId.of("@alice:comptoir.test"), "Alice Matrix",
            Optional.of(URI.create("https://comptoir.example/avatar/alice")));

    @BeforeEach
    void start() {
        rc = FakeRocketChat.start(TOKEN);
        general = rc.room("general");
        host = new RecordingHost("rocketchat").link(general.id());
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        rc.close();
        rc.assertNoSpecViolations();
    }

    private RocketChatConnector connector(String token) {
        RocketChatConfig c = new RocketChatConfig(rc.url(), rc.bot().id(), token, 1000L);
        connector = new RocketChatConnector(c, http, LoggerFactory.getLogger("test"), new RocketMarkdown(),
                TextSettings.DEFAULT.withLanguage("en"));
        return connector;
    }

    private RocketChatConnector started() throws Exception {
        connector(TOKEN).start(host);
        FakeRocketChat.await(() -> host.connection.stream().anyMatch(s -> s.startsWith("up")), WAIT, "connected");
        return connector;
    }

    private static OutgoingRemoteMessage text(MatrixSender sender, String body, String eventId) {
        return new OutgoingRemoteMessage(sender, MatrixContent.text(body), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(EventId.of(eventId)));
    }

    @Test
    void startsWithTheVersionInTheStatusAndRefusesTooOldServersAndBadTokens() throws Exception {
        started();
        assertThat(host.connection).contains("up: Rocket.Chat 7.4.0");
        rc.ping();
        FakeRocketChat.await(() -> rc.pongsReceived() == 1, WAIT, "the connector's pong");
        assertThat(rc.frames()).anyMatch(f -> f.startsWith("<- ") && f.contains("\"resume\""))
                .noneMatch(f -> f.contains("\"method\"") && !f.contains("\"login\""));
        connector.close();

        rc.version("5.4.2");
        assertThatThrownBy(() -> connector(TOKEN).start(host)).hasMessageContaining("5.4.2 ")
                .hasMessageContaining("6.x to 8.x");
        connector.close();
        rc.version("7.4.0");
        assertThatThrownBy(() -> connector("wrong-token").start(host)).hasMessageContaining("token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-token"));
    }

    @Test
    void startsWhileRocketChatIsDownAndConnectsWhenItIsBack() throws Exception {
        rc.outage(true);
        connector(TOKEN).start(host); // an unreachable network is not a configuration error
        assertThat(host.connection).isEmpty();
        rc.outage(false);
        FakeRocketChat.await(() -> host.connection.stream().anyMatch(s -> s.startsWith("up")), Duration.ofSeconds(20), "connected");
        FakeMessage m = rc.userSays(general.id(), "alice", "enfin");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(m.id()), WAIT);
    }

    @Test
    void humansMessagesEditsDeletesReactionsAndThreadsReachTheEngine() throws Exception {
        started();
        FakeMessage m = rc.userSays(general.id(), "alice", "*Salut* @bob, et @all");
        RemoteEvent.Message got = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(m.id()), WAIT);
        assertThat(got.sender().displayName()).isEqualTo("Alice");
        assertThat(got.content().html().orElseThrow()).contains("<strong>Salut</strong>")
                .contains("https://matrix.to/#/@_rocketchat_" + rc.user("bob").id() + ":comptoir.test");
        assertThat(got.content().mentions()).containsExactly(UserId.of("@_rocketchat_" + rc.user("bob").id() + ":comptoir.test"));

        FakeMessage hook = rc.integrationSays(general.id(), "bob", "Caisse (webhook)", "Clôture faite");
        RemoteEvent.Message fromHook = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(hook.id()), WAIT);
        assertThat(fromHook.sender().displayName()).isEqualTo("Caisse (webhook)");
        assertThat(fromHook.sender().id().value()).as("not bob's own ghost").isNotEqualTo(rc.user("bob").id());
        rc.userEdits(m.id(), "Salut à toutes et tous");
        RemoteEvent.Edit edit = host.await(RemoteEvent.Edit.class, e -> e.id().value().equals(m.id()), WAIT);
        assertThat(edit.content().body()).isEqualTo("Salut à toutes et tous");
        rc.userReacts(m.id(), "bob", ":thumbsup:", true);
        RemoteEvent.Reaction r = host.await(RemoteEvent.Reaction.class, e -> e.added(), WAIT);
        assertThat(r.key()).isEqualTo("👍");
        assertThat(r.sender().id().value()).isEqualTo(rc.user("bob").id());
        rc.userReacts(m.id(), "bob", ":thumbsup:", false);
        host.await(RemoteEvent.Reaction.class, e -> !e.added(), WAIT);
        FakeMessage reply = rc.userSaysInThread(general.id(), "bob", m.id(), "dans le fil");
        RemoteEvent.Message inThread = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(reply.id()), WAIT);
        assertThat(inThread.threadRoot()).contains(new RemoteMessageId(m.id()));
        rc.userDeletes(m.id());
        host.await(RemoteEvent.Delete.class, e -> e.id().value().equals(m.id()), WAIT);
        assertThat(host.all(RemoteEvent.Edit.class)).as("a reaction is not an edit").hasSize(1);
        assertThat(host.all(RemoteEvent.Message.class)).hasSize(3);
    }

    @Test
    void aRetriedSendIsPostedOnceWithTheSendersNameAndTheBotsEchoIsDropped() throws Exception {
        started();
        RemoteChannelId channel = new RemoteChannelId(general.id());
        List<RemoteMessageId> first = connector.send(channel, text(alice, "Bonjour @here", "$abc:comptoir.test"));
        List<RemoteMessageId> again = connector.send(channel, text(alice, "Bonjour @here", "$abc:comptoir.test"));
        assertThat(again).isEqualTo(first);
        assertThat(first.get(0).value()).matches("[0-9A-Za-z]{17}");
        assertThat(rc.created()).singleElement().satisfies(m -> {
            assertThat(m.alias()).isEqualTo("Alice Matrix");
            assertThat(m.avatar()).isEqualTo("https://comptoir.example/avatar/alice");
            assertThat(m.text()).isEqualTo("Bonjour @\u200Bhere");
        });
        rc.userSays(general.id(), "bob", "après");
        host.await(RemoteEvent.Message.class, e -> e.content().body().equals("après"), WAIT);
        assertThat(host.all(RemoteEvent.Message.class)).as("the bot's own post never comes back").hasSize(1);

        List<RemoteMessageId> inThread = connector.send(channel, new OutgoingRemoteMessage(alice, MatrixContent.text("oui"),
                Optional.empty(), Optional.of(first.get(0)), List.of(), Optional.of(EventId.of("$def:comptoir.test"))));
        assertThat(rc.message(inThread.get(0).value()).orElseThrow().threadId()).isEqualTo(first.get(0).value());
        connector.edit(channel, first.get(0), text(alice, "Bonsoir", "$ghi:comptoir.test"));
        assertThat(rc.message(first.get(0).value()).orElseThrow().text()).isEqualTo("Bonsoir");
        connector.react(channel, first.get(0), alice, "👍", true);
        assertThat(rc.message(first.get(0).value()).orElseThrow().reactions()).containsKey(":thumbsup:");
        connector.delete(channel, first.get(0));
        connector.delete(channel, first.get(0)); // already gone: not an error
        assertThat(rc.message(first.get(0).value()).orElseThrow().deleted()).isTrue();
    }

    @Test
    void quotesAreRepliesBothWays() throws Exception {
        started();
        FakeMessage question = rc.userSays(general.id(), "alice", "Qui ferme ce soir ?");
        FakeMessage answer = rc.userQuotes(general.id(), "bob", question.id(), "Moi !");
        RemoteEvent.Message got = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(answer.id()), WAIT);
        assertThat(got.replyTo()).contains(new RemoteMessageId(question.id()));
        assertThat(got.content().body()).isEqualTo("Moi !");

        List<RemoteMessageId> ids = connector.send(new RemoteChannelId(general.id()), new OutgoingRemoteMessage(alice,
                MatrixContent.text("Je peux aussi"), Optional.of(new RemoteMessageId(question.id())), Optional.empty(), List.of(),
                Optional.of(EventId.of("$q:comptoir.test"))));
        assertThat(rc.message(ids.get(0).value()).orElseThrow().text())
                .isEqualTo("[ ](" + rc.url() + "/channel/general?msg=" + question.id() + ") Je peux aussi");
    }

    /** A Matrix reaction as the engine hands it: then stored as carried (removed once taken back). */
    private void matrixReacts(RemoteMessageId message, MatrixSender who, String key, boolean add) throws Exception {
        connector.react(new RemoteChannelId(general.id()), message, who, key, add);
        CarriedReaction link = new CarriedReaction(who.id().value(), key, true);
        List<CarriedReaction> now = new java.util.ArrayList<>(host.carried.getOrDefault(message, List.of()));
        if (add) {
            now.add(link);
        } else {
            now.remove(link);
        }
        host.carried.put(message, now);
    }

    @Test
    void theBotsReactionStaysWhileAMatrixUserStillReactsAlsoAfterARestart() throws Exception {
        started();
        FakeMessage m = rc.userSays(general.id(), "bob", "Arrivage de pommes");
        RemoteMessageId id = new RemoteMessageId(m.id());
        MatrixSender carol = new MatrixSender(UserId.of("@carol:comptoir.test"), "Carol", Optional.empty());
        MatrixSender dan = new MatrixSender(UserId.of("@dan:comptoir.test"), "Dan", Optional.empty());
        matrixReacts(id, alice, "👍🏽", true);
        matrixReacts(id, carol, "👍🏽", true);
        matrixReacts(id, dan, "🇫🇷", true);
        assertThat(rc.message(m.id()).orElseThrow().reactions()).containsOnlyKeys(":thumbsup_tone3:", ":flag_fr:");

        connector.close(); // a restart: the connector remembers nothing, the engine's links remain
        started();
        matrixReacts(id, alice, "👍🏽", false);
        assertThat(rc.message(m.id()).orElseThrow().reactions()).as("Carol still reacts").containsKey(":thumbsup_tone3:");
        matrixReacts(id, dan, "🇫🇷", false);
        assertThat(rc.message(m.id()).orElseThrow().reactions()).containsOnlyKeys(":thumbsup_tone3:");
        matrixReacts(id, carol, "👍🏽", false);
        assertThat(rc.message(m.id()).orElseThrow().reactions()).isEmpty();
    }

    @Test
    void aReactionTakenBackOnRocketChatAfterARestartIsTakenBackOnMatrix() throws Exception {
        started();
        FakeMessage m = rc.userSays(general.id(), "alice", "AG jeudi");
        rc.userReacts(m.id(), "bob", ":flag_fr:", true);
        rc.userReacts(m.id(), "alice", ":wave_tone4:", true);
        rc.userReacts(m.id(), "bob", ":comptoir_logo:", true);
        FakeRocketChat.await(() -> host.all(RemoteEvent.Reaction.class).size() == 3, WAIT, "three reactions");
        assertThat(host.all(RemoteEvent.Reaction.class)).extracting(RemoteEvent.Reaction::key)
                .containsExactly("🇫🇷", "👋🏾", ":comptoir_logo:");
        RemoteMessageId id = new RemoteMessageId(m.id());
        host.carried.put(id, host.all(RemoteEvent.Reaction.class).stream()
                .map(r -> new CarriedReaction(r.sender().id().value(), r.key(), false)).toList());

        connector.close();
        host.events.clear();
        started();
        rc.userReacts(m.id(), "bob", ":flag_fr:", false); // seen by the new connector as the message's whole state
        RemoteEvent.Reaction gone = host.await(RemoteEvent.Reaction.class, r -> !r.added(), WAIT);
        assertThat(gone.key()).isEqualTo("🇫🇷");
        assertThat(gone.sender().id().value()).isEqualTo(rc.user("bob").id());
        assertThat(gone.sender().displayName()).isEqualTo(rc.user("bob").name());
        rc.userReacts(m.id(), "alice", ":wave_tone4:", false);
        FakeRocketChat.await(() -> host.all(RemoteEvent.Reaction.class).size() == 2, WAIT, "the second one taken back");
        assertThat(host.all(RemoteEvent.Reaction.class)).as("nothing added again, the custom one kept")
                .noneMatch(RemoteEvent.Reaction::added).extracting(RemoteEvent.Reaction::key).containsExactly("🇫🇷", "👋🏾");
    }

    @Test
    void aLongTextIsPostedInPartsEachWithItsOwnStableId() throws Exception {
        started();
        String line = "Une ligne de compte rendu de l'assemblée générale.\n";
        String body = line.repeat(250); // about 13,000 characters
        List<RemoteMessageId> ids = connector.send(new RemoteChannelId(general.id()), text(alice, body, "$long:comptoir.test"));
        assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
        assertThat(connector.send(new RemoteChannelId(general.id()), text(alice, body, "$long:comptoir.test"))).isEqualTo(ids);
        assertThat(rc.created()).hasSize(ids.size());
        assertThat(String.join("\n", rc.created().stream().map(FakeMessage::text).toList()).strip()).isEqualTo(body.strip());
    }

    @Test
    void withoutMessageImpersonateTheNameIsWrittenInTheTextAndTheStatusSaysSo() throws Exception {
        rc.impersonatePermission(false);
        started();
        connector.send(new RemoteChannelId(general.id()), text(alice, "Bonjour", "$a:comptoir.test"));
        connector.send(new RemoteChannelId(general.id()), text(alice, "Encore", "$b:comptoir.test"));
        assertThat(rc.created()).extracting(FakeMessage::text).containsExactly("**Alice Matrix**: Bonjour", "**Alice Matrix**: Encore");
        assertThat(rc.created()).allSatisfy(m -> assertThat(m.alias()).isNull());
        assertThat(host.connection.get(host.connection.size() - 1)).contains("message-impersonate");
        long refused = rc.requests().stream().filter(c -> c.is("POST", "/api/v1/chat.sendMessage") && c.status() == 400).count();
        assertThat(refused).as("the refusal is learnt once").isEqualTo(1);
    }

    @Test
    void rateLimitsAndOutagesAreRetryableWithTheAdvertisedWait() throws Exception {
        started();
        rc.rateLimitNext(1, Duration.ofSeconds(7));
        assertThatThrownBy(() -> connector.send(new RemoteChannelId(general.id()), text(alice, "x", "$r:comptoir.test")))
                .isInstanceOfSatisfying(BridgeException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter().orElseThrow()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(8));
                });
        rc.outage(true);
        assertThatThrownBy(() -> connector.send(new RemoteChannelId(general.id()), text(alice, "x", "$r:comptoir.test")))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.isRetryable()).isTrue());
        rc.outage(false);
        connector.send(new RemoteChannelId(general.id()), text(alice, "x", "$r:comptoir.test"));
        assertThat(rc.created()).hasSize(1);
    }

    @Test
    void aDroppedConnectionComesBackAndTheHistoryGivesWhatWasMissedInOrder() throws Exception {
        started();
        RemoteChannelId channel = new RemoteChannelId(general.id());
        FakeMessage before = rc.userSays(general.id(), "alice", "avant");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(before.id()), WAIT);
        rc.outage(true);
        rc.dropWebSockets();
        FakeRocketChat.await(() -> host.connection.stream().anyMatch(s -> s.startsWith("down")), WAIT, "down");
        rc.userSays(general.id(), "alice", "un");
        rc.userSays(general.id(), "bob", "deux");
        rc.userSays(general.id(), "alice", "trois");
        rc.outage(false);
        FakeRocketChat.await(() -> host.connection.stream().filter(s -> s.startsWith("up")).count() == 2, Duration.ofSeconds(20), "back up");
        List<RemoteEvent.Message> missed = connector.messagesAfter(channel, Optional.of(new RemoteMessageId(before.id())), 50);
        assertThat(missed).extracting(m -> m.content().body()).containsExactly("un", "deux", "trois");
        assertThat(connector.messagesAfter(channel, Optional.of(missed.get(1).id()), 50)).extracting(m -> m.content().body())
                .containsExactly("trois");
        assertThat(connector.currentPosition(channel)).contains(missed.get(2).id());
        FakeMessage live = rc.userSays(general.id(), "bob", "en direct");
        host.await(RemoteEvent.Message.class, e -> e.id().value().equals(live.id()), WAIT);
    }

    @Test
    void filesCrossBothWaysWithinTheSizeLimit() throws Exception {
        started();
        RemoteChannelId channel = new RemoteChannelId(general.id());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        List<RemoteMessageId> ids = connector.send(channel, new OutgoingRemoteMessage(alice, MatrixContent.text("la photo"),
                Optional.empty(), Optional.empty(), List.of(new OutgoingAttachment("photo.png", "image/png", png)),
                Optional.of(EventId.of("$f:comptoir.test"))));
        FakeMessage posted = rc.message(ids.get(0).value()).orElseThrow();
        assertThat(posted.fileName()).isEqualTo("photo.png");
        assertThat(posted.fileDescription()).isEqualTo("la photo");
        assertThat(posted.alias()).isEqualTo("Alice Matrix");
        assertThatThrownBy(() -> connector.send(channel, new OutgoingRemoteMessage(alice, MatrixContent.text(""), Optional.empty(),
                Optional.empty(), List.of(new OutgoingAttachment("big.bin", "application/octet-stream", new byte[2000])),
                Optional.of(EventId.of("$g:comptoir.test"))))).isInstanceOfSatisfying(BridgeException.class,
                e -> assertThat(e.isRetryable()).isFalse());

        FakeMessage up = rc.userUploads(general.id(), "bob", "menu.pdf", "application/pdf", new byte[] {1, 2, 3});
        RemoteEvent.Message got = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(up.id()), WAIT);
        assertThat(got.attachments()).singleElement().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("menu.pdf");
            assertThat(a.contentType()).isEqualTo("application/pdf");
        });
        assertThat(connector.download(got.attachments().get(0).url(), 100)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> connector.download(got.attachments().get(0).url(), 2)).isInstanceOf(BridgeException.class);
        assertThat(connector.maxUploadBytes(channel)).isEqualTo(1000);
        assertThat(Set.copyOf(rc.undescribedRoutes())).allMatch(r -> r.contains("/api/info") || r.contains("/file-upload/"));
    }

    @Test
    void aCaptionIsTheFilesDescriptionBothWays() throws Exception {
        started();
        FakeMessage up = rc.userUploads(general.id(), "bob", "menu.pdf", "application/pdf", new byte[] {1}, "Le *menu* de la semaine");
        RemoteEvent.Message got = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(up.id()), WAIT);
        assertThat(got.content().body()).as("no text of its own").isEmpty();
        MatrixContent caption = got.attachments().get(0).caption().orElseThrow();
        assertThat(caption.body()).isEqualTo("Le menu de la semaine");
        assertThat(caption.html().orElseThrow()).isEqualTo("Le <strong>menu</strong> de la semaine");
        FakeMessage plain = rc.userUploads(general.id(), "bob", "plan.png", "image/png", new byte[] {2});
        RemoteEvent.Message noCaption = host.await(RemoteEvent.Message.class, e -> e.id().value().equals(plain.id()), WAIT);
        assertThat(noCaption.attachments().get(0).caption()).isEmpty();

        rc.impersonatePermission(false);
        List<RemoteMessageId> ids = connector.send(new RemoteChannelId(general.id()), new OutgoingRemoteMessage(alice,
                MatrixContent.text("Pour jeudi"), Optional.empty(), Optional.empty(),
                List.of(new OutgoingAttachment("ordre-du-jour.txt", "text/plain", new byte[] {3})), Optional.of(EventId.of("$c:comptoir.test"))));
        FakeMessage posted = rc.message(ids.get(0).value()).orElseThrow();
        assertThat(posted.fileDescription()).isEqualTo("Pour jeudi");
        assertThat(posted.text()).as("the name, since alias is refused").isEqualTo("**Alice Matrix**:");
        assertThat(posted.alias()).isNull();
    }

    @Test
    void aFilePostedBeforeALostAnswerIsFoundOnceAndATextNeedsNoLookUp() throws Exception {
        started();
        RemoteChannelId channel = new RemoteChannelId(general.id());
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        OutgoingRemoteMessage photo = new OutgoingRemoteMessage(alice, MatrixContent.text("la vitrine"), Optional.empty(),
                Optional.empty(), List.of(new OutgoingAttachment("vitrine.jpg", "image/jpeg", new byte[] {4})),
                Optional.of(EventId.of("$p:comptoir.test")));
        assertThat(connector.findSent(channel, photo, before, id -> false)).as("not posted yet").isEmpty();
        List<RemoteMessageId> posted = connector.send(channel, photo); // then Comptoir dies before storing the link
        rc.userUploads(general.id(), "bob", "vitrine.jpg", "image/jpeg", new byte[] {4}, "la vitrine"); // a human's, not the bot's
        connector.send(channel, new OutgoingRemoteMessage(alice, MatrixContent.text("autre légende"), Optional.empty(),
                Optional.empty(), List.of(new OutgoingAttachment("vitrine.jpg", "image/jpeg", new byte[] {4})),
                Optional.of(EventId.of("$q:comptoir.test"))));

        assertThat(connector.findSent(channel, photo, before, id -> false)).isEqualTo(posted);
        assertThat(connector.findSent(channel, photo, before, posted::contains)).as("already linked to another event").isEmpty();
        assertThat(connector.findSent(channel, photo, java.time.Instant.now().plusSeconds(5), id -> false)).isEmpty();
        int calls = rc.requests().size();
        assertThat(connector.findSent(channel, text(alice, "Bonjour", "$t:comptoir.test"), before, id -> false)).isEmpty();
        assertThat(rc.requests()).as("no request for a text").hasSize(calls);
    }

    @Test
    void aDiscussionOpenedOnRocketChatIsHandedOverAndFollowed() throws Exception {
        started();
        FakeRoom d = rc.userOpensDiscussion(general.id(), "alice", "Commande de pommes");
        RemoteEvent.SubChannel opened = host.await(RemoteEvent.SubChannel.class, e -> true, WAIT);
        assertThat(opened.channel().value()).isEqualTo(general.id());
        assertThat(opened.subChannel().id().value()).isEqualTo(d.id());
        assertThat(opened.subChannel().name()).isEqualTo("Commande de pommes");
        assertThat(opened.creator()).map(u -> u.displayName()).contains("Alice");
        assertThat(host.all(RemoteEvent.Message.class)).as("the system message itself is not a message").isEmpty();
        FakeRocketChat.await(() -> rc.subscribers(d.id()) > 0, WAIT, "the discussion followed");
        host.link(d.id());
        rc.userSays(d.id(), "bob", "j'en prends dix");
        host.await(RemoteEvent.Message.class, m -> m.channel().value().equals(d.id()) && m.content().body().contains("dix"), WAIT);
        assertThat(connector.subChannels(new RemoteChannelId(general.id())))
                .extracting(sc -> sc.subChannel().id().value()).containsExactly(d.id());
    }

    @Test
    void aDiscussionCreatedFromMatrixIsOpenedWithCreateDiscussion() throws Exception {
        started();
        var made = connector.createSubChannel(new RemoteChannelId(general.id()), "Inventaire", alice);
        assertThat(made.name()).isEqualTo("Inventaire");
        assertThat(rc.discussionsOf(general.id())).extracting(FakeRoom::id).containsExactly(made.id().value());
        assertThat(rc.requests()).anyMatch(c -> c.toString().contains("rooms.createDiscussion"));
        FakeRocketChat.await(() -> rc.subscribers(made.id().value()) > 0, WAIT, "the new discussion followed");
    }
}
