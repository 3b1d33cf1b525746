package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migrationsAndRowsSurviveAReopen() {
        List<Migration> migrations = List.of(Migration.both(1, "notes", "CREATE TABLE kit_notes (text TEXT NOT NULL)"));
        try (TestDatabase db = TestDatabase.sqlite(dir)) {
            assertThat(db.dialect()).isEqualTo(Database.Dialect.SQLITE);
            db.migrate("kit", migrations);
            db.inTransaction(c -> c.createStatement().executeUpdate("INSERT INTO kit_notes VALUES ('bonjour')"));
        }
        try (TestDatabase db = TestDatabase.sqlite(dir)) {
            db.migrate("kit", migrations);
            String text = db.withConnection(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT text FROM kit_notes")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            assertThat(text).isEqualTo("bonjour");
        }
    }
}
