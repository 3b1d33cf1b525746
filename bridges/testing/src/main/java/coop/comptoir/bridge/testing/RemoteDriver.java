package coop.comptoir.bridge.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.BridgeFactory;
import java.util.List;
import java.util.Optional;

/**
 * The remote network's side of a {@link ConnectorContract}: a connector's test implements it over
 * its fake server (for Discord, {@code FakeDiscord}). One driver per test: {@link ConnectorContract}
 * makes it before each test and closes it after.
 *
 * <p>Every method acts or reads on the fake server directly, as a person of the remote network
 * would (never through the connector under test), and may block briefly.
 */
public interface RemoteDriver extends AutoCloseable {

    /** The factory of the connector under test ({@code new DiscordBridgeFactory()}). */
    BridgeFactory<?> factory();

    /**
     * The connector's own keys of the bridge's config section, pointing at the fake server (token,
     * server ID, test-only addresses). The harness adds the engine's keys (the link to the channel).
     */
    ObjectNode connectorSettings();

    /** The ID of the remote channel the portal is linked to, as written in {@code links[].channel}. */
    String channel();

    /** A remote person posts {@code text} in the channel; returns the message's remote ID. */
    String post(String text);

    /**
     * A remote person posts {@code text} while the bridge is stopped (the connector closed): the
     * fake stores it without delivering it to anyone. By default {@link #post}.
     */
    default String postWhileBridgeStopped(String text) {
        return post(text);
    }

    /** A remote person replies to the message {@code repliedTo} with {@code text}; returns the reply's ID. */
    String reply(String repliedTo, String text);

    /** The author of message {@code id} edits it to {@code newText}. */
    void edit(String id, String newText);

    /** The author (or a moderator) of message {@code id} deletes it. */
    void delete(String id);

    /** The channel's messages that are not deleted, oldest first, as the fake holds them now. */
    List<RemoteMessage> messages();

    /** Shuts the fake server down. */
    @Override
    void close();

    /**
     * One message in the remote channel.
     *
     * @param id       its remote ID
     * @param text     its text as shown (for a message the bridge posted, it may hold a quote of
     *                 the replied message before the text)
     * @param byBridge whether the bridge posted it (on behalf of a Matrix user)
     * @param replyTo  the remote ID of the message it answers, however the network shows it (a
     *                 reference, a quote with a link)
     */
    record RemoteMessage(String id, String text, boolean byBridge, Optional<String> replyTo) {}
}
