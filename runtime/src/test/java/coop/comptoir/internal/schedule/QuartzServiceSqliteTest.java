package coop.comptoir.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite: jobs in memory, one process. */
class QuartzServiceSqliteTest extends QuartzServiceContract {
    @TempDir
    Path dir;

    @Override
    protected JdbcDatabase createDatabase() {
        return TestDatabases.sqlite(dir);
    }

    @Test
    void keepsJobsInMemory() {
        QuartzService service = newService(FAST);
        assertThat(service.isPersistent()).isFalse();
        assertThat(service.isClustered()).isFalse();
    }

    @Test
    void refusesAClusterOnSqlite() {
        assertThatThrownBy(() -> newService(FAST.withClustered(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheduler.clustered: a cluster needs PostgreSQL");
    }
}
