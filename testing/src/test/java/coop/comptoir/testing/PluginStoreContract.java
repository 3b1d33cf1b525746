package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import coop.comptoir.api.store.Database.StoreException;
import coop.comptoir.internal.dispatch.Retries;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin's store can count on when it writes its SQL with Jdbi ({@link Database#withHandle},
 * {@link Database#inHandleTransaction}) on the database of a {@link FakePluginContext}, with its
 * own migrations applied; subclasses say which database.
 */
abstract class PluginStoreContract {
    /** A plugin's tables: one migration per dialect, as a real plugin writes them. */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "notes",
                    "CREATE TABLE kit_note (instance TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, "
                            + "author TEXT, PRIMARY KEY (instance, id))",
                    "CREATE TABLE kit_note (instance TEXT NOT NULL, id BIGINT NOT NULL, body TEXT NOT NULL, "
                            + "author TEXT, PRIMARY KEY (instance, id))"),
            Migration.both(2, "when a note was written", "ALTER TABLE kit_note ADD COLUMN written_at BIGINT NOT NULL DEFAULT 0"));

    record Note(long id, String body, Optional<String> author, long writtenAt) {}

    @TempDir
    Path dir;

    FakePluginContext ctx;
    Database db;

    /** The context's builder, pointed at the database under test. */
    abstract FakePluginContext.Builder builder(FakePluginContext.Builder b) throws Exception;

    abstract Database.Dialect dialect();

    @BeforeEach
    void openStore() throws Exception {
        ctx = builder(FakePluginContext.builder("kit", "kit", dir)).build();
        db = ctx.database();
        db.migrate("kit", MIGRATIONS);
    }

    @AfterEach
    void closeStore() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private void add(long id, String body, String author) {
        db.withHandle(h -> h.execute("INSERT INTO kit_note (instance, id, body, author, written_at) VALUES (?, ?, ?, ?, ?)",
                "kit", id, body, author, 1000 + id));
    }

    private List<Note> notes() {
        return db.withHandle(h -> h.select("SELECT id, body, author, written_at FROM kit_note WHERE instance = ? ORDER BY id", "kit")
                .map((rs, c) -> new Note(rs.getLong(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), rs.getLong(4)))
                .list());
    }

    private int count() {
        return db.withHandle(h -> h.select("SELECT COUNT(*) FROM kit_note").mapTo(Integer.class).one());
    }

    @Test
    void aPluginWritesAndReadsItsMigratedTablesWithJdbi() {
        assertThat(db.dialect()).isEqualTo(dialect());
        add(1, "Bienvenue à toutes et tous", "@ana:coop.example");
        add(2, "Inventaire samedi", null);
        db.inHandleTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO kit_note (instance, id, body) VALUES (:instance, :id, :body)");
            batch.bind("instance", "kit").bind("id", 3L).bind("body", "troisième").add();
            batch.bind("instance", "kit").bind("id", 4L).bind("body", "quatrième").add();
            return batch.execute();
        });

        assertThat(notes()).containsExactly(
                new Note(1, "Bienvenue à toutes et tous", Optional.of("@ana:coop.example"), 1001),
                new Note(2, "Inventaire samedi", Optional.empty(), 1002),
                new Note(3, "troisième", Optional.empty(), 0),
                new Note(4, "quatrième", Optional.empty(), 0));
        int version = db.withHandle(h -> h.select("SELECT MAX(version) FROM comptoir_migrations WHERE component = ?", "kit")
                .mapTo(Integer.class).one());
        assertThat(version).as("both migrations recorded").isEqualTo(2);
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        add(1, "déjà là", null);

        // a statement fails half-way: the rows written before it go too
        assertThatThrownBy(() -> db.inHandleTransaction(h -> {
            h.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 2, "deux");
            h.execute("UPDATE kit_note SET body = ? WHERE id = ?", "changé", 1);
            return h.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 1, "doublon");
        })).isInstanceOf(StoreException.class);

        // the plugin's own code throws: rolled back, and its exception comes out as it is
        IllegalStateException mine = new IllegalStateException("le plugin renonce");
        assertThatThrownBy(() -> db.inHandleTransaction(h -> {
            h.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 3, "trois");
            throw mine;
        })).isSameAs(mine);

        assertThat(notes()).extracting(Note::body).containsExactly("déjà là");
    }

    @Test
    void callsNestedInATransactionJoinItAndGoWithIt() {
        assertThatThrownBy(() -> db.inHandleTransaction(h -> {
            h.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 1, "dehors");
            // another store's method, called from inside: same connection (SQLite has only one), same transaction
            db.withHandle(inner -> inner.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 2, "dedans"));
            db.inTransaction(c -> c.createStatement().executeUpdate(
                    "INSERT INTO kit_note (instance, id, body) VALUES ('kit', 3, 'en JDBC')"));
            int inside = h.select("SELECT COUNT(*) FROM kit_note").mapTo(Integer.class).one();
            assertThat(inside).isEqualTo(3);
            throw new IllegalStateException("annulé");
        })).hasMessage("annulé");

        assertThat(count()).isZero();
    }

    @Test
    void aHandleLeftWithAnOpenTransactionIsRolledBack() {
        assertThatThrownBy(() -> db.withHandle(h -> {
            h.begin();
            return h.execute("INSERT INTO kit_note (instance, id, body) VALUES (?, ?, ?)", "kit", 1, "oublié");
        })).isInstanceOf(StoreException.class).hasMessageContaining("open transaction");

        assertThat(count()).isZero();
        add(2, "la base sert encore", null);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void errorsNameTheStatementNeverTheValuesAndAreNotRetriedWhenAboutTheData() {
        add(1, "premier", null);
        String secret = "jeton-secret-123";

        assertThatThrownBy(() -> db.withHandle(h -> h.execute(
                "INSERT INTO kit_note (instance, id, body, author) VALUES (?, ?, ?, ?)", "kit", 1, secret, secret)))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.getMessage()).contains("INSERT INTO kit_note").doesNotContain(secret);
                    assertThat(Retries.retryable(e)).as("a duplicate key fails again: not retried").isFalse();
                });
    }
}
