package coop.comptoir.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.engine.AccountTable.Link;
import coop.comptoir.bridge.engine.AccountTable.Missed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The linked accounts' table, the same on each database ({@link AccountTableSqliteTest}, {@link AccountTablePostgresTest}). */
abstract class AccountTableContract {
    static final UserId ALICE = UserId.of("@alice:coop.example");
    static final UserId ZOE = UserId.of("@zoe:coop.example");
    static final RemoteUserId BOB = new RemoteUserId("42");
    static final UserId BOB_GHOST = UserId.of("@_discord_42:coop.example");
    static final long NOW = 1_700_000_000_000L;

    abstract Supplier<Database> databases();

    private AccountTable table(Database db) {
        return new AccountTable(db);
    }

    @Test
    void aCodeLinksOnceBeforeItExpiresAndOnlyItsHashIsStored() throws Exception {
        try (AutoCloseable closing = (AutoCloseable) databases().get()) {
            Database db = (Database) closing;
            AccountTable t = table(db);
            String code = t.newCode(ALICE, NOW, NOW + 600_000);
            assertThat(code).hasSize(6).matches("[" + AccountTable.ALPHABET + "]{6}");
            List<String> stored = db.withHandle(h -> h.select("SELECT code_hash FROM bridge_account_code").mapTo(String.class).list());
            assertThat(stored).containsExactly(AccountTable.hash(code)).doesNotContain(code);

            Optional<Link> linked = t.redeem(code, "discord", BOB, BOB_GHOST, "Bob", "m1", NOW + 1000);
            assertThat(linked).hasValueSatisfying(l -> assertThat(l.matrixUser()).isEqualTo(ALICE));
            assertThat(t.redeem(code, "discord", BOB, BOB_GHOST, "Bob", "m2", NOW + 2000)).as("used up").isEmpty();
            assertThat(t.of("discord", BOB)).hasValueSatisfying(l -> {
                assertThat(l.proofMessage()).isEqualTo("m1");
                assertThat(l.ghost()).isEqualTo(BOB_GHOST);
            });

            String late = t.newCode(ZOE, NOW, NOW + 600_000);
            assertThat(t.redeem(late, "discord", new RemoteUserId("43"), UserId.of("@_discord_43:coop.example"), "Carole", "m3",
                    NOW + 600_000)).as("expired").isEmpty();

            String first = t.newCode(ZOE, NOW, NOW + 600_000);
            String second = t.newCode(ZOE, NOW, NOW + 600_000);
            assertThat(t.redeem(first, "discord", new RemoteUserId("43"), UserId.of("@_discord_43:coop.example"), "Carole", "m4", NOW))
                    .as("a newer code replaces the older").isEmpty();
            assertThat(t.redeem(second, "discord", new RemoteUserId("43"), UserId.of("@_discord_43:coop.example"), "Carole", "m5", NOW))
                    .isPresent();
        }
    }

    @Test
    void twoBridgesTryingTheSameCodeAtOnceLinkOneAccount() throws Exception {
        try (AutoCloseable closing = (AutoCloseable) databases().get()) {
            AccountTable t = table((Database) closing);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 10; round++) {
                    String code = t.newCode(ALICE, NOW, NOW + 600_000);
                    List<Callable<Optional<Link>>> tries = new ArrayList<>();
                    for (String instance : List.of("discord", "rocketchat", "discord2", "rocketchat2")) {
                        tries.add(() -> t.redeem(code, instance, new RemoteUserId("r" + instance), UserId.of("@_x_" + instance
                                + ":coop.example"), "X", "m" + instance, NOW));
                    }
                    int won = 0;
                    for (Future<Optional<Link>> f : pool.invokeAll(tries)) {
                        won += f.get().isPresent() ? 1 : 0;
                    }
                    assertThat(won).as("round " + round).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void failuresAreCountedWithinTheHourAndLinksDigestsAndDirectChatsAreKept() throws Exception {
        try (AutoCloseable closing = (AutoCloseable) databases().get()) {
            AccountTable t = table((Database) closing);
            assertThat(t.failed("discord", BOB, NOW, NOW - 3_600_000)).isEqualTo(1);
            assertThat(t.failed("discord", BOB, NOW + 10, NOW - 3_600_000)).isEqualTo(2);
            assertThat(t.failures("discord", BOB, NOW - 3_600_000)).isEqualTo(2);
            assertThat(t.failures("discord", BOB, NOW + 1)).as("older than the window").isZero();
            assertThat(t.failed("discord", BOB, NOW + 3_700_000, NOW + 100_000)).as("a new hour starts from one").isEqualTo(1);

            t.redeem(t.newCode(ALICE, NOW, NOW + 600_000), "discord", BOB, BOB_GHOST, "Bob", "m1", NOW);
            assertThat(t.setDigest(ALICE, true, NOW + 86_400_000)).isEqualTo(1);
            assertThat(t.setDigest(ZOE, true, NOW)).as("nothing linked").isZero();
            RoomId room = RoomId.of("!cafe:coop.example");
            Missed m = new Missed(room, EventId.of("$e1"), "Carole", "tu as les clés ?", NOW + 5);
            t.noteMissed("discord", ALICE, m);
            t.noteMissed("discord", ALICE, m);
            assertThat(t.digestsDue("discord", NOW + 1000)).isEmpty();
            assertThat(t.digestsDue("discord", NOW + 86_400_000)).singleElement()
                    .satisfies(l -> assertThat(l.matrixUser()).isEqualTo(ALICE));
            assertThat(t.missed("discord", ALICE)).containsExactly(m);
            t.digestDone("discord", ALICE, List.of(m), NOW + 2 * 86_400_000L);
            assertThat(t.missed("discord", ALICE)).isEmpty();
            assertThat(t.digestsDue("discord", NOW + 86_400_000)).isEmpty();

            // a new link of the same Matrix user keeps their digest
            t.redeem(t.newCode(ALICE, NOW, NOW + 600_000), "rocketchat", new RemoteUserId("u9"), UserId.of("@_rocketchat_u9:coop.example"),
                    "bob.rc", "r1", NOW);
            assertThat(t.ofMatrixUser(ALICE)).hasSize(2).allSatisfy(l -> assertThat(l.digest()).isTrue());

            t.putDirectChat(ALICE, RoomId.of("!dm1:coop.example"));
            t.putDirectChat(ALICE, RoomId.of("!dm2:coop.example"));
            assertThat(t.directChat(ALICE)).contains(RoomId.of("!dm2:coop.example"));

            assertThat(t.unlinkAll(ALICE)).isEqualTo(2);
            assertThat(t.ofMatrixUser(ALICE)).isEmpty();
            assertThat(t.of("discord", BOB)).isEmpty();
        }
    }
}
