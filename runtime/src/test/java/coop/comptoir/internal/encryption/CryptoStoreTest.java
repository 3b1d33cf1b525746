package coop.comptoir.internal.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.crypto.CryptoStore;
import coop.comptoir.crypto.MegolmInbound;
import coop.comptoir.crypto.MegolmOutbound;
import coop.comptoir.crypto.OlmAccount;
import coop.comptoir.crypto.OlmSession;
import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot's crypto state in Comptoir's database (SQLite here; {@link CryptoStorePostgresTest} on
 * PostgreSQL): what a restart must find again, sealed with a key derived from the appservice's token.
 * Lives in the runtime because the crypto module has no database of its own to test with.
 */
class CryptoStoreTest {
    private static final String BOT = "@comptoir:coop.test";
    private static final String ROOM = "!team:coop.test";

    @TempDir
    Path dir;

    private final List<JdbcDatabase> opened = new ArrayList<>();

    /** The database of this test; a second call opens the same one again (a restart). */
    JdbcDatabase open() {
        return TestDatabases.sqlite(dir);
    }

    private JdbcDatabase reopen() {
        JdbcDatabase db = open();
        opened.add(db);
        return db;
    }

    @AfterEach
    void closeDatabases() throws Exception {
        for (JdbcDatabase db : opened) {
            db.close();
        }
        opened.clear();
    }

    @Test
    void theDeviceItsSessionsAndTheRoomKeysSurviveARestartAndNeedTheSameSecret() throws Exception {
        try (OlmAccount bot = OlmAccount.create(); OlmAccount alice = OlmAccount.create();
             MegolmOutbound outbound = MegolmOutbound.create()) {
            alice.generateOneTimeKeys(1);
            String aliceOneTimeKey = alice.unpublishedOneTimeKeys().values().iterator().next();
            OlmSession toAlice = bot.openSession(alice.curve25519(), aliceOneTimeKey);
            MegolmInbound aliceRoomKey = MegolmInbound.fromSessionKey(outbound.sessionKey());

            CryptoStore store = new CryptoStore(reopen(), "as-token-1");
            store.saveAccount(BOT, "BOTDEVICE", bot);
            store.saveOlmSession(alice.curve25519(), toAlice, 1_000);
            store.saveOutbound(ROOM, new CryptoStore.Outbound(outbound, 5_000, new TreeSet<>(Set.of("@alice:coop.test|ALICEDEV"))));
            assertThat(store.saveRoomKey(ROOM, alice.curve25519(), aliceRoomKey)).as("a new room key").isTrue();
            assertThat(store.saveRoomKey(ROOM, alice.curve25519(), aliceRoomKey)).as("the same key again: kept once").isFalse();
            String ciphertext = outbound.encrypt("{\"body\":\"Rappel : service\"}");
            closeDatabases();

            CryptoStore after = new CryptoStore(reopen(), "as-token-1"); // the migrations run again: nothing to do
            CryptoStore.StoredAccount account = after.account(BOT).orElseThrow();
            assertThat(account.deviceId()).isEqualTo("BOTDEVICE");
            assertThat(account.account().ed25519()).isEqualTo(bot.ed25519());
            assertThat(after.olmSessions(alice.curve25519())).singleElement()
                    .satisfies(s -> assertThat(s.id()).isEqualTo(toAlice.id()));
            CryptoStore.Outbound mine = after.outbound(ROOM).orElseThrow();
            assertThat(mine.session().id()).isEqualTo(outbound.id());
            assertThat(mine.createdAt()).isEqualTo(5_000);
            assertThat(mine.sharedWith()).containsExactly("@alice:coop.test|ALICEDEV");
            MegolmInbound key = after.roomKey(ROOM, alice.curve25519(), aliceRoomKey.id()).orElseThrow();
            assertThat(key.decrypt(ciphertext).plaintext()).isEqualTo("{\"body\":\"Rappel : service\"}");
            assertThat(after.roomKey("!other:coop.test", alice.curve25519(), aliceRoomKey.id()))
                    .as("a room key is good for its own room only").isEmpty();
            closeDatabases();

            assertThat(new CryptoStore(reopen(), "another-token").account(BOT))
                    .as("another as_token cannot open the sealed account").isEmpty();
        }
    }
}
