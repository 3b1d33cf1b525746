package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.bridge.testing.RemoteDriver;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge contract's remote side over {@link FakeRocketChat}: {@code alice} acting in
 * {@code general}; a reply shows as the permalink Rocket.Chat's "Reply" writes before the text.
 */
final class FakeRocketChatDriver implements RemoteDriver {
    private static final Pattern QUOTE = Pattern.compile("^\\[ \\]\\(\\S+\\?msg=([A-Za-z0-9]+)\\)");
    private final FakeRocketChat rc = FakeRocketChat.start("contract-token-0123456789");
    private final FakeRoom general = rc.room("general");

    FakeRocketChat rocketChat() {
        return rc;
    }

    @Override
    public BridgeFactory<?> factory() {
        return new RocketChatBridgeFactory();
    }

    @Override
    public ObjectNode connectorSettings() {
        return JsonNodeFactory.instance.objectNode().put("server_url", rc.url()).put("user_id", rc.bot().id())
                .put("token", rc.botToken());
    }

    @Override
    public String channel() {
        return general.id();
    }

    @Override
    public String post(String text) {
        return rc.userSays(general.id(), "alice", text).id();
    }

    @Override
    public String postWhileBridgeStopped(String text) {
        FakeRocketChat.await(() -> rc.connectedClients() == 0, Duration.ofSeconds(10), "the bridge gone");
        return post(text);
    }

    @Override
    public String reply(String repliedTo, String text) {
        return rc.userQuotes(general.id(), "alice", repliedTo, text).id();
    }

    @Override
    public void edit(String id, String newText) {
        rc.userEdits(id, newText);
    }

    @Override
    public void delete(String id) {
        rc.userDeletes(id);
    }

    @Override
    public List<RemoteMessage> messages() {
        return rc.messagesIn(general.id()).stream().map(this::toRemote).toList();
    }

    private RemoteMessage toRemote(FakeMessage m) {
        Matcher quote = QUOTE.matcher(m.text());
        Optional<String> replyTo = quote.find() ? Optional.of(quote.group(1)) : Optional.empty();
        return new RemoteMessage(m.id(), m.text(), m.authorId().equals(rc.bot().id()), replyTo);
    }

    @Override
    public void close() {
        rc.close();
        rc.assertNoSpecViolations();
    }
}
