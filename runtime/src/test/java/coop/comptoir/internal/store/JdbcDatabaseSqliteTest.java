package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcDatabaseSqliteTest extends JdbcDatabaseContract {
    @TempDir
    Path dir;

    @Override
    protected JdbcDatabase openSame() {
        return TestDatabases.sqlite(dir);
    }

    @Override
    protected Database.Dialect expectedDialect() {
        return Database.Dialect.SQLITE;
    }

    @Test
    void runsInWalModeWithForeignKeysAndTheConfiguredDurability() {
        assertThat(pragma(db, "journal_mode")).isEqualTo("wal");
        assertThat(pragma(db, "synchronous")).isEqualTo("1"); // NORMAL
        assertThat(pragma(db, "foreign_keys")).isEqualTo("1");
        assertThat(Integer.parseInt(pragma(db, "busy_timeout"))).isPositive();

        JdbcDatabase full = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("full.db"), null, null, "FULL", 0);
        try {
            assertThat(pragma(full, "synchronous")).isEqualTo("2"); // FULL
        } finally {
            full.close();
        }
    }

    @Test
    void aSecondProcessOnTheSameFileIsRefusedWithAClearReason() {
        assertThatThrownBy(this::openSame)
                .isInstanceOf(Database.StoreException.class)
                .hasMessageContaining("in use by another process")
                .hasMessageContaining("PostgreSQL");
        db.close();
        try (JdbcDatabase next = openSame()) {
            assertThat(next.dialect()).isEqualTo(Database.Dialect.SQLITE);
        }
    }

    @Test
    void createsTheDirectoriesOfTheFile() {
        Path file = dir.resolve("a/b/c/comptoir.db");
        try (JdbcDatabase d = JdbcDatabase.open("jdbc:sqlite:" + file, null, null, null, 0)) {
            d.withConnection(c -> c.createStatement().execute("CREATE TABLE t (x INT)"));
        }
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void foreignKeysAreEnforced() {
        db.migrate("fk", Database.migrations(Database.Migration.both(1, "parent and child", """
                CREATE TABLE parent (id INT PRIMARY KEY);
                CREATE TABLE child (id INT PRIMARY KEY, parent INT NOT NULL REFERENCES parent (id));
                """)));
        assertThatThrownBy(() -> db.withConnection(c -> c.createStatement().executeUpdate(
                "INSERT INTO child VALUES (1, 42)")))
                .isInstanceOf(Database.StoreException.class)
                .hasMessageContaining("FOREIGN KEY");
    }

    @Test
    void refusesAnUnknownSynchronousMode() {
        assertThatThrownBy(() -> JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("x.db"), null, null, "off", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database.sqlite_synchronous: must be normal or full, not 'off'");
    }

    @Test
    void refusesAnUnsupportedUrlWithoutShowingThePassword() {
        assertThatThrownBy(() -> JdbcDatabase.open("jdbc:mysql://db/comptoir?user=u&password=hunter2", null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported database URL jdbc:mysql://db/comptoir?user=u&password=***")
                .message().doesNotContain("hunter2");
    }

    @Test
    void usesOneConnection() {
        assertThat(db.maxConnections()).isEqualTo(1);
    }

    private static String pragma(JdbcDatabase d, String name) {
        return d.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}
