package coop.comptoir.bridge.discord;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.bridge.testing.RemoteDriver;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge contract's remote side over {@link FakeDiscord}: a person ({@code alice}) acting in
 * {@code #general}; a Matrix reply shows on Discord as a quote line linking to the replied message.
 */
final class FakeDiscordDriver implements RemoteDriver {
    private static final Pattern JUMP = Pattern.compile("\\(https://discord\\.com/channels/\\d+/\\d+/(\\d+)\\)");

    private final FakeDiscord discord;
    private final FakeChannel general;
    private final FakeUser alice;

    FakeDiscordDriver(FakeDiscord discord) {
        this.discord = discord;
        this.general = discord.channel("general");
        this.alice = discord.user("alice");
    }

    FakeDiscord discord() {
        return discord;
    }

    @Override
    public BridgeFactory<?> factory() {
        return new DiscordBridgeFactory();
    }

    @Override
    public ObjectNode connectorSettings() {
        return JsonNodeFactory.instance.objectNode().put("token", discord.botToken()).put("guild_id", discord.guild().id())
                .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                .put("cdn_url", discord.cdnBaseUrl());
    }

    @Override
    public String channel() {
        return general.id();
    }

    @Override
    public String post(String text) {
        return discord.userSays(general.id(), alice.id(), text).id();
    }

    @Override
    public String postWhileBridgeStopped(String text) {
        discord.awaitConnectedClients(0, Duration.ofSeconds(10));
        return discord.postWhileOffline(general.id(), alice.id(), text).id();
    }

    @Override
    public String reply(String repliedTo, String text) {
        return discord.userMessage(general.id(), alice.id()).content(text).replyTo(repliedTo).send().id();
    }

    @Override
    public void edit(String id, String newText) {
        discord.userEdits(general.id(), id, newText);
    }

    @Override
    public void delete(String id) {
        discord.userDeletes(general.id(), id);
    }

    @Override
    public List<RemoteMessage> messages() {
        return discord.messagesIn(general.id()).stream().map(FakeDiscordDriver::toRemote).toList();
    }

    private static RemoteMessage toRemote(FakeMessage m) {
        Optional<String> replyTo = Optional.ofNullable(m.referencedId());
        if (replyTo.isEmpty() && m.isWebhookMessage() && m.content().startsWith("> ")) {
            String firstLine = m.content().lines().findFirst().orElse("");
            Matcher jump = JUMP.matcher(firstLine);
            replyTo = jump.find() ? Optional.of(jump.group(1)) : Optional.empty();
        }
        return new RemoteMessage(m.id(), m.content(), m.isWebhookMessage(), replyTo);
    }

    @Override
    public void close() {
        try {
            discord.assertNoSpecViolations();
        } finally {
            discord.close();
        }
    }
}
