package coop.comptoir.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.store.Database;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link EndToEnd}: the bot's device, its keys, and the room keys it receives. */
final class BotDevice implements EndToEnd {
    private static final Logger log = LoggerFactory.getLogger(BotDevice.class);
    static final String OLM = "m.olm.v1.curve25519-aes-sha2";
    static final String MEGOLM = "m.megolm.v1.aes-sha2";

    private final ObjectMapper mapper = new ObjectMapper();
    private final CryptoStore store;
    private final MatrixKeysHttp hs;
    private final String userId;
    private final String deviceId;
    private final OlmAccount account;
    /** One thread for the uploads of new one-time keys: never in the transaction's path. */
    private final ExecutorService topUps = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "comptoir-e2ee-keys");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private final RoomEncryption rooms;

    private BotDevice(CryptoStore store, MatrixKeysHttp hs, String userId, String deviceId, OlmAccount account) {
        this.store = store;
        this.hs = hs;
        this.userId = userId;
        this.deviceId = deviceId;
        this.account = account;
        this.rooms = new RoomEncryption(store, hs, account, userId, deviceId);
    }

    @Override
    public synchronized ObjectNode encrypt(String roomId, String type, JsonNode content, java.util.Collection<String> members)
            throws IOException {
        return rooms.encrypt(roomId, type, content, members, System.currentTimeMillis());
    }

    static BotDevice start(Database db, OkHttpClient http, HttpUrl homeserver, String asToken, String userId) throws IOException {
        CryptoStore store = new CryptoStore(db, asToken);
        MatrixKeysHttp hs = new MatrixKeysHttp(http, homeserver, asToken);
        String localpart = userId.substring(1, userId.indexOf(':'));
        Optional<CryptoStore.StoredAccount> stored = store.account(userId);
        String deviceId;
        OlmAccount account;
        boolean fresh = stored.isEmpty();
        if (fresh) {
            deviceId = newDeviceId();
            account = OlmAccount.create();
        } else {
            deviceId = stored.get().deviceId();
            account = stored.get().account();
        }
        // Same device id on every start: the homeserver keeps the device and its keys.
        hs.login(localpart, deviceId, "Comptoir");
        if (fresh) {
            store.saveAccount(userId, deviceId, account); // before the upload: the keys must never be lost once published
        }
        BotDevice device = new BotDevice(store, hs, userId, deviceId, account);
        device.uploadKeys(fresh);
        log.info("End-to-end encryption on: device {} of {} ({}), identity key {}", deviceId, userId,
                fresh ? "created" : "restored", account.curve25519());
        return device;
    }

    private static String newDeviceId() {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder("COMPTOIR");
        for (int i = 0; i < 6; i++) {
            b.append(letters.charAt(r.nextInt(letters.length())));
        }
        return b.toString();
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    /** Publishes the device keys (first start) and tops the one-time keys up to half of what the account holds. */
    private synchronized void uploadKeys(boolean withDeviceKeys) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        if (withDeviceKeys) {
            body.set("device_keys", deviceKeys());
        }
        JsonNode counts = hs.post("keys/upload", body).path("one_time_key_counts");
        topUpOneTimeKeys(counts.path("signed_curve25519").asInt(0));
    }

    private void topUpOneTimeKeys(int published) throws IOException {
        int wanted = account.maxOneTimeKeys() / 2 - published;
        if (wanted <= 0) {
            return;
        }
        account.generateOneTimeKeys(wanted);
        ObjectNode body = mapper.createObjectNode();
        ObjectNode keys = body.putObject("one_time_keys");
        for (Map.Entry<String, String> k : account.unpublishedOneTimeKeys().entrySet()) {
            ObjectNode key = mapper.createObjectNode().put("key", k.getValue());
            sign(key);
            keys.set("signed_curve25519:" + k.getKey(), key);
        }
        store.saveAccount(userId, deviceId, account);
        hs.post("keys/upload", body);
        account.markPublished();
        store.saveAccount(userId, deviceId, account);
        log.info("Uploaded {} one-time key(s) for device {}", wanted, deviceId);
    }

    private ObjectNode deviceKeys() {
        ObjectNode keys = mapper.createObjectNode();
        keys.put("user_id", userId).put("device_id", deviceId);
        keys.putArray("algorithms").add(OLM).add(MEGOLM);
        keys.putObject("keys").put("curve25519:" + deviceId, account.curve25519()).put("ed25519:" + deviceId, account.ed25519());
        sign(keys);
        return keys;
    }

    private void sign(ObjectNode object) {
        String signature = account.sign(CanonicalJson.forSigning(object));
        object.putObject("signatures").putObject(userId).put("ed25519:" + deviceId, signature);
    }

    // ---- receiving room keys -------------------------------------------------------------------

    static final String TO_DEVICE = "de.sorunome.msc2409.to_device";
    static final String[] OTK_COUNTS = {"org.matrix.msc3202.device_one_time_keys_count",
        "org.matrix.msc3202.device_one_time_key_counts"};

    @Override
    public void receive(JsonNode transaction) {
        for (JsonNode e : transaction.path(TO_DEVICE)) {
            if (userId.equals(e.path("to_user_id").asText()) && deviceId.equals(e.path("to_device_id").asText())) {
                try {
                    onToDevice(e);
                } catch (RuntimeException ex) {
                    log.warn("A to-device message from {} could not be handled: {}", e.path("sender").asText(), ex.toString());
                }
            }
        }
        for (String key : OTK_COUNTS) {
            JsonNode count = transaction.path(key).path(userId).path(deviceId).path("signed_curve25519");
            if (count.isInt()) {
                int published = count.asInt();
                topUps.execute(() -> {
                    try {
                        synchronized (this) {
                            topUpOneTimeKeys(published);
                        }
                    } catch (IOException | RuntimeException ex) {
                        log.warn("One-time keys could not be topped up: {}", ex.getMessage());
                    }
                });
                break;
            }
        }
    }

    private void onToDevice(JsonNode event) {
        if (!ENCRYPTED.equals(event.path("type").asText())) {
            return;
        }
        String sender = event.path("sender").asText();
        JsonNode content = event.path("content");
        String senderKey = content.path("sender_key").asText();
        JsonNode mine = content.path("ciphertext").path(account.curve25519());
        if (!OLM.equals(content.path("algorithm").asText()) || mine.isMissingNode()) {
            return;
        }
        OlmCiphertext message = new OlmCiphertext(mine.path("type").asInt(), mine.path("body").asText());
        String plaintext;
        try {
            plaintext = olmDecrypt(senderKey, message);
        } catch (CryptoException e) {
            log.warn("Could not decrypt a to-device message from {} ({})", sender, e.getMessage());
            return;
        }
        try {
            JsonNode payload = mapper.readTree(plaintext);
            if (!sender.equals(payload.path("sender").asText()) || !userId.equals(payload.path("recipient").asText())
                    || !account.ed25519().equals(payload.path("recipient_keys").path("ed25519").asText())) {
                log.warn("Ignored a to-device message from {}: sender or recipient does not match", sender);
                return;
            }
            if ("m.room_key".equals(payload.path("type").asText())) {
                onRoomKey(sender, senderKey, payload.path("content"));
            }
        } catch (IOException e) {
            log.warn("A to-device message from {} is not JSON once decrypted", sender);
        }
    }

    private synchronized String olmDecrypt(String senderKey, OlmCiphertext message) {
        for (OlmSession s : store.olmSessions(senderKey)) {
            try {
                String plain = s.decrypt(message);
                store.saveOlmSession(senderKey, s, System.currentTimeMillis());
                return plain;
            } catch (CryptoException e) {
                // another session with that device
            }
        }
        if (message.type() != OlmCiphertext.PRE_KEY) {
            throw new CryptoException("no Olm session with that device decrypts the message", null);
        }
        OlmAccount.Accepted accepted = account.accept(senderKey, message);
        store.saveOlmSession(senderKey, accepted.session(), System.currentTimeMillis());
        store.saveAccount(userId, deviceId, account); // its one-time key is used up
        return accepted.plaintext();
    }

    private void onRoomKey(String sender, String senderKey, JsonNode content) {
        if (!MEGOLM.equals(content.path("algorithm").asText())) {
            return;
        }
        String roomId = content.path("room_id").asText();
        MegolmInbound session = MegolmInbound.fromSessionKey(content.path("session_key").asText());
        if (!session.id().equals(content.path("session_id").asText())) {
            log.warn("Ignored a room key from {}: its session id does not match its key", sender);
            return;
        }
        if (store.saveRoomKey(roomId, senderKey, session)) {
            log.info("Received a room key for {} from {}", roomId, sender);
        }
    }

    // ---- decrypting room events ----------------------------------------------------------------

    @Override
    public Optional<ObjectNode> decrypt(JsonNode event, Duration wait) {
        JsonNode content = event.path("content");
        String roomId = event.path("room_id").asText();
        if (!MEGOLM.equals(content.path("algorithm").asText())) {
            return Optional.empty();
        }
        String senderKey = content.path("sender_key").asText();
        String sessionId = content.path("session_id").asText();
        long deadline = System.nanoTime() + wait.toNanos();
        Optional<MegolmInbound> key = store.roomKey(roomId, senderKey, sessionId);
        while (key.isEmpty() && System.nanoTime() < deadline && running) {
            sleep(100); // a key handed over by another thread (see receive) may come meanwhile
            key = store.roomKey(roomId, senderKey, sessionId);
        }
        if (key.isEmpty()) {
            log.warn("No room key for event {} in {} (session {}): left encrypted", event.path("event_id").asText(), roomId,
                    sessionId);
            return Optional.empty();
        }
        try (MegolmInbound session = key.get()) {
            JsonNode plain = mapper.readTree(session.decrypt(content.path("ciphertext").asText()).plaintext());
            if (!roomId.equals(plain.path("room_id").asText())) {
                log.warn("Event {} was encrypted for another room: left encrypted", event.path("event_id").asText());
                return Optional.empty();
            }
            ObjectNode out = event.deepCopy();
            out.put("type", plain.path("type").asText());
            out.set("content", plain.path("content"));
            return Optional.of(out);
        } catch (CryptoException | IOException e) {
            log.warn("Could not decrypt event {} in {}: {}", event.path("event_id").asText(), roomId, e.getMessage());
            return Optional.empty();
        }
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        topUps.shutdownNow();
    }
}
