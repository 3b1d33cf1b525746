package coop.comptoir.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The library driven from Java 17: two devices talk Olm, then Megolm, and survive a restart (pickles). */
class VodozemacSpikeTest {
    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void accountHasIdentityKeysAndSignsThatOthersCanCheck() {
        try (OlmAccount bot = OlmAccount.create()) {
            assertThat(bot.curve25519()).hasSize(43); // 32 bytes, unpadded base64
            assertThat(bot.ed25519()).hasSize(43);
            String signature = bot.sign("{\"a\":1}");
            assertThat(signature).hasSize(86); // 64 bytes
            assertThat(Signatures.verify(bot.ed25519(), "{\"a\":1}", signature)).isTrue();
            assertThat(Signatures.verify(bot.ed25519(), "{\"a\":2}", signature)).isFalse();
        }
    }

    @Test
    void oneTimeKeysAreGeneratedThenMarkedPublished() {
        try (OlmAccount bot = OlmAccount.create()) {
            bot.generateOneTimeKeys(5);
            Map<String, String> keys = bot.unpublishedOneTimeKeys();
            assertThat(keys).hasSize(5);
            bot.markPublished();
            assertThat(bot.unpublishedOneTimeKeys()).isEmpty();
        }
    }

    @Test
    void olmThenMegolmBetweenTwoDevicesAcrossARestart() {
        byte[] pickleKey = key();
        try (OlmAccount alice = OlmAccount.create(); OlmAccount bot = OlmAccount.create()) {
            bot.generateOneTimeKeys(1);
            String otk = bot.unpublishedOneTimeKeys().values().iterator().next();
            bot.markPublished();

            // Alice opens an Olm session with the bot's claimed one-time key and sends her room key.
            OlmSession aliceToBot = alice.openSession(bot.curve25519(), otk);
            MegolmOutbound aliceRoom = MegolmOutbound.create();
            OlmCiphertext roomKey = aliceToBot.encrypt("{\"session_key\":\"" + aliceRoom.sessionKey() + "\"}");
            assertThat(roomKey.type()).isEqualTo(OlmCiphertext.PRE_KEY);

            OlmAccount.Accepted accepted = bot.accept(alice.curve25519(), roomKey);
            assertThat(accepted.session().id()).isEqualTo(aliceToBot.id());
            String sessionKey = accepted.plaintext().replaceAll(".*\"session_key\":\"([^\"]+)\".*", "$1");
            MegolmInbound botInbound = MegolmInbound.fromSessionKey(sessionKey);
            assertThat(botInbound.id()).isEqualTo(aliceRoom.id());

            String ciphertext = aliceRoom.encrypt("{\"type\":\"m.room.message\",\"content\":{\"body\":\"!ping\"}}");
            assertThat(botInbound.decrypt(ciphertext).plaintext()).contains("!ping");

            // Restart: everything comes back from pickles, and the conversation goes on.
            OlmAccount botAgain = OlmAccount.fromPickle(bot.pickle(pickleKey), pickleKey);
            assertThat(botAgain.curve25519()).isEqualTo(bot.curve25519());
            MegolmInbound inboundAgain = MegolmInbound.fromPickle(botInbound.pickle(pickleKey), pickleKey);
            OlmSession botToAlice = OlmSession.fromPickle(accepted.session().pickle(pickleKey), pickleKey);
            String second = aliceRoom.encrypt("{\"body\":\"second\"}");
            assertThat(inboundAgain.decrypt(second).messageIndex()).isEqualTo(1);

            // The bot answers over the same Olm session (a normal message now), and Alice reads it.
            OlmCiphertext reply = botToAlice.encrypt("{\"pong\":true}");
            assertThat(reply.type()).isEqualTo(OlmCiphertext.NORMAL);
            assertThat(aliceToBot.decrypt(reply)).isEqualTo("{\"pong\":true}");

            // The bot's own outbound Megolm session, shared with Alice.
            MegolmOutbound botRoom = MegolmOutbound.fromPickle(MegolmOutbound.create().pickle(pickleKey), pickleKey);
            MegolmInbound aliceInbound = MegolmInbound.fromSessionKey(botRoom.sessionKey());
            assertThat(aliceInbound.decrypt(botRoom.encrypt("pong")).plaintext()).isEqualTo("pong");
        }
    }

    @Test
    void aWrongPickleKeyOrATamperedMessageIsRefused() {
        try (OlmAccount bot = OlmAccount.create()) {
            byte[] key = key();
            String pickle = bot.pickle(key);
            // The binding alone stores private keys in clear (it drops the pickle key on the JVM): sealed here.
            assertThat(pickle).doesNotContain(java.util.Base64.getEncoder().encodeToString("signing_key".getBytes()).substring(0, 12))
                    .doesNotContain("signing_key");
            assertThat(OlmAccount.fromPickle(pickle, key).ed25519()).isEqualTo(bot.ed25519());
            assertThatThrownBy(() -> OlmAccount.fromPickle(pickle, key())).isInstanceOf(CryptoException.class);
        }
        MegolmOutbound out = MegolmOutbound.create();
        MegolmInbound in = MegolmInbound.fromSessionKey(out.sessionKey());
        String c = out.encrypt("hello");
        String tampered = c.substring(0, 10) + (c.charAt(10) == 'A' ? 'B' : 'A') + c.substring(11);
        assertThatThrownBy(() -> in.decrypt(tampered)).isInstanceOf(CryptoException.class);
    }
}
