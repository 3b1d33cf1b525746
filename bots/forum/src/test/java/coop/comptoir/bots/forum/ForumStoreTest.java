package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handled webhook deliveries, on SQLite and on the PostgreSQL named by {@code COMPTOIR_TEST_PG_URL} (in a schema of its own). */
class ForumStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void deliveriesOnSqlite() {
        try (TestDatabase db = TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2)) {
            deliveriesAreRecognisedByIdOrBodyUntilForgotten(db);
        }
    }

    @Test
    void deliveriesOnPostgres() throws Exception {
        String base = System.getenv("COMPTOIR_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but COMPTOIR_TEST_PG_URL is not set");
            }
            Assumptions.abort("PostgreSQL tests skipped: set COMPTOIR_TEST_PG_URL");
        }
        base = base.trim();
        String schema = "comptoir_test_" + (System.currentTimeMillis() / 1000) + "_forum_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        try (TestDatabase db = TestDatabase.open(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, 4)) {
            deliveriesAreRecognisedByIdOrBodyUntilForgotten(db);
        } finally {
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static void deliveriesAreRecognisedByIdOrBodyUntilForgotten(TestDatabase db) {
        ForumStore store = new ForumStore(db, "forum");
        ForumStore other = new ForumStore(db, "forum-2");
        assertThat(store.delivered("1001", "aaaa")).isFalse();
        store.saveDelivery("1001", "aaaa", T0, T0.minus(Duration.ofDays(30)));
        assertThat(store.delivered("1001", "bbbb")).as("same delivery ID").isTrue();
        assertThat(store.delivered("1002", "aaaa")).as("same body, another ID (a retry, or a replay)").isTrue();
        assertThat(store.delivered(null, "aaaa")).isTrue();
        assertThat(store.delivered("1002", "bbbb")).isFalse();
        assertThat(other.delivered("1001", "aaaa")).as("another instance").isFalse();

        store.saveDelivery(null, "bbbb", T0.plus(Duration.ofDays(31)), T0.plus(Duration.ofDays(1)));
        assertThat(store.delivered("1001", "aaaa")).as("older than the retention: forgotten").isFalse();
        assertThat(store.delivered(null, "bbbb")).isTrue();
        store.saveDelivery(null, "bbbb", T0.plus(Duration.ofDays(32)), T0.plus(Duration.ofDays(2)));
        assertThat(store.delivered("7", "bbbb")).as("saved twice, no conflict").isTrue();
    }
}
