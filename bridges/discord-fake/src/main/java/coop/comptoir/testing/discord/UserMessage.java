package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A message a human is about to post, built fluently and finished by {@link #send()} (stored and dispatched
 * as MESSAGE_CREATE) or {@link #sendWhileOffline()} (stored only). Obtained from
 * {@link FakeDiscord#userMessage(String, String)}.
 */
public final class UserMessage {
    record File(String filename, String contentType, byte[] bytes) {
    }

    private final FakeDiscord discord;
    final String channelId;
    final String userId;
    String content = "";
    String replyTo;
    final List<File> files = new ArrayList<>();
    final List<ObjectNode> stickers = new ArrayList<>();
    final List<JsonNode> embeds = new ArrayList<>();

    UserMessage(FakeDiscord discord, String channelId, String userId) {
        this.discord = discord;
        this.channelId = channelId;
        this.userId = userId;
    }

    public UserMessage content(String content) {
        this.content = content;
        return this;
    }

    /** Makes it a reply ({@code message_reference} and {@code referenced_message}) to a message of the channel. */
    public UserMessage replyTo(String messageId) {
        this.replyTo = messageId;
        return this;
    }

    /** Attaches a file; the fake serves it at the attachment's {@code url}. */
    public UserMessage attachment(String filename, String contentType, byte[] bytes) {
        files.add(new File(filename, contentType, bytes.clone()));
        return this;
    }

    /** Adds a sticker ({@code sticker_items}); {@code formatType} 1 = PNG, 2 = APNG, 3 = Lottie, 4 = GIF. */
    public UserMessage sticker(String stickerId, String name, int formatType) {
        ObjectNode item = World.NODES.objectNode();
        item.put("id", stickerId);
        item.put("name", name);
        item.put("format_type", formatType);
        stickers.add(item);
        return this;
    }

    /** Adds a rich embed; any argument may be null. */
    public UserMessage embed(String title, String description, String url) {
        ObjectNode embed = World.NODES.objectNode();
        embed.put("type", "rich");
        if (title != null) {
            embed.put("title", title);
        }
        if (description != null) {
            embed.put("description", description);
        }
        if (url != null) {
            embed.put("url", url);
        }
        embeds.add(embed);
        return this;
    }

    /** Adds an embed given as Discord JSON. */
    public UserMessage embedJson(String json) {
        try {
            embeds.add(World.JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
        return this;
    }

    /** Stores the message and dispatches MESSAGE_CREATE to connected (and resumable) sessions. */
    public FakeMessage send() {
        return discord.post(this, true);
    }

    /**
     * Stores the message as if posted while the bridge was away: no session receives it, only the REST
     * history shows it, as after a downtime long enough for Discord to have expired the client's session
     * (any resumable session is forgotten: the next connection must identify). Throws if a Gateway client
     * is connected, since Discord would deliver it.
     */
    public FakeMessage sendWhileOffline() {
        return discord.post(this, false);
    }
}
