package coop.comptoir.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.store.Database;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The bot's end-to-end encryption, as the runtime sees it: one call to start it, one to decrypt a
 * room event before plugins see it, one to stop. Everything behind it (device, keys, Olm, Megolm,
 * the database) stays in this module.
 *
 * <p>Started once: the bot's device is created on the homeserver (login with the appservice token)
 * and its keys uploaded. The room keys that members' devices send it come in the appservice
 * transactions ({@code de.sorunome.msc2409.to_device}; Synapse refuses {@code /sync} to an
 * appservice's own user), handed over by {@link #receive}.
 */
public interface EndToEnd extends AutoCloseable {
    /** Event type of an encrypted room event. */
    String ENCRYPTED = "m.room.encrypted";

    /**
     * Creates (first start) or restores the bot's device, uploads its keys and starts receiving room
     * keys. Blocks on the homeserver and the database.
     *
     * @param asToken the appservice token: logs the device in, and seals the stored state
     * @throws IOException when the homeserver refuses the device or the keys
     */
    static EndToEnd start(Database db, OkHttpClient http, HttpUrl homeserver, String asToken, String botUserId)
            throws IOException {
        return BotDevice.start(db, http, homeserver, asToken, botUserId);
    }

    /**
     * Takes what concerns the bot's device in one appservice transaction: its to-device messages
     * (room keys, Olm-encrypted) and its one-time key count. Call it before {@link #decrypt} for the
     * same transaction's events, in the order transactions are stored. Blocks on the database only;
     * does not throw (a message that cannot be read is logged and dropped).
     */
    void receive(JsonNode transaction);

    /** The bot's device id. */
    String deviceId();

    /**
     * The plain event hidden in an {@code m.room.encrypted} room event: a copy of {@code event} with
     * the decrypted {@code type} and {@code content}; empty if it cannot be decrypted (no room key
     * after waiting up to {@code wait}, not Megolm, tampered). May block up to {@code wait}: pass
     * zero where the keys come through the same thread (appservice transactions).
     */
    Optional<ObjectNode> decrypt(JsonNode event, Duration wait);

    /**
     * The {@code m.room.encrypted} content to send instead of an event of {@code type} and
     * {@code content} in the encrypted room {@code roomId}: the bot's room key is first shared with
     * the devices of {@code members} (the joined members) that lack it, and replaced when one of
     * those who had it left, or after 100 messages or a week. Blocks on the homeserver and the
     * database; one call at a time.
     *
     * @throws IOException when the homeserver refuses a key query, claim or to-device message
     */
    ObjectNode encrypt(String roomId, String type, JsonNode content, java.util.Collection<String> members) throws IOException;

    /** Stops background work (one-time key top-ups); does not throw. */
    @Override
    void close();
}
