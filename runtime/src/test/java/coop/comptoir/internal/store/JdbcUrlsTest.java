package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.store.Database.Dialect;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void tellsTheDialect() {
        assertThat(JdbcUrls.dialect("jdbc:sqlite:comptoir.db")).isEqualTo(Dialect.SQLITE);
        assertThat(JdbcUrls.dialect(" JDBC:PostgreSQL://db/comptoir")).isEqualTo(Dialect.POSTGRES);
        assertThatThrownBy(() -> JdbcUrls.dialect(null)).hasMessageContaining("database URL is missing");
        assertThatThrownBy(() -> JdbcUrls.dialect("jdbc:h2:mem:x")).hasMessageContaining("unsupported database URL");
    }

    @Test
    void hidesPasswords() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/c?user=u&password=s3cr%26t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/c?user=u&password=***&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/c?PASSWORD=x&sslpassword=y"))
                .isEqualTo("jdbc:postgresql://db/c?PASSWORD=***&sslpassword=***");
        assertThat(JdbcUrls.redact("jdbc:postgresql://u:secret@db/c")).isEqualTo("jdbc:postgresql://u:***@db/c");
        assertThat(JdbcUrls.redact("jdbc:sqlite:/var/lib/comptoir/comptoir.db"))
                .isEqualTo("jdbc:sqlite:/var/lib/comptoir/comptoir.db");
    }

    @Test
    void findsTheSqliteFile() {
        assertThat(JdbcUrls.sqliteFile("jdbc:sqlite:data/comptoir.db")).contains(Path.of("data/comptoir.db"));
        assertThat(JdbcUrls.sqliteFile("jdbc:sqlite:file:/srv/c.db?cache=shared")).contains(Path.of("/srv/c.db"));
        assertThat(JdbcUrls.sqliteFile("jdbc:sqlite::memory:")).isEmpty();
        assertThat(JdbcUrls.sqliteFile("jdbc:sqlite:")).isEmpty();
        assertThat(JdbcUrls.sqliteFile("jdbc:sqlite:file:x?mode=memory")).isEmpty();
    }
}
