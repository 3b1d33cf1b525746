package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code backup:} section: defaults beside the SQLite file, paths, and the values refused. */
class BackupConfigTest {
    @TempDir
    Path dir;

    private ComptoirConfig load(String yaml) throws IOException {
        Path file = dir.resolve("comptoir.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Map.of());
    }

    private List<String> errors(String yaml) {
        try {
            load(yaml);
        } catch (ConfigErrors e) {
            return e.lines();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected configuration errors");
    }

    @Test
    void aDailySnapshotBesideTheSqliteFileByDefault() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}\ndata_dir: data\n");

        assertThat(c.backup().enabled()).isTrue();
        assertThat(c.backup().every()).isEqualTo(Duration.ofHours(24));
        assertThat(c.backup().keep()).isEqualTo(7);
        assertThat(c.backup().folder()).isEqualTo(dir.resolve("data/backups").toString());
    }

    @Test
    void givenValuesAndAFolderFromTheConfigFilesFolder() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}\nbackup: {every: 6h, keep: 3, folder: copies}\n");

        assertThat(c.backup().every()).isEqualTo(Duration.ofHours(6));
        assertThat(c.backup().keep()).isEqualTo(3);
        assertThat(c.backup().folder()).isEqualTo(dir.resolve("copies").toString());
    }

    @Test
    void zeroTurnsSnapshotsOff() throws IOException {
        assertThat(load("homeserver: {server_name: a.org}\nbackup: {every: 0s}\n").backup().enabled()).isFalse();
    }

    @Test
    void offByDefaultOnPostgresAndInMemory() throws IOException {
        assertThat(load("homeserver: {server_name: a.org}\ndatabase: {url: 'jdbc:postgresql://db/c'}\n").backup().enabled())
                .isFalse();
        assertThat(load("homeserver: {server_name: a.org}\ndatabase: {url: 'jdbc:sqlite::memory:'}\n").backup().enabled())
                .isFalse();
    }

    @Test
    void refusesWhatCannotWork() {
        assertThat(errors("homeserver: {server_name: a.org}\nbackup: {keep: 0}\n"))
                .containsExactly("backup.keep: must be between 1 and 1000");
        assertThat(errors("homeserver: {server_name: a.org}\ndatabase: {url: 'jdbc:postgresql://db/c'}\nbackup: {every: 1h}\n"))
                .containsExactly("backup.every: snapshots are taken of an SQLite database only; back PostgreSQL up with"
                        + " pg_dump (see the admin guide), and leave backup.every out");
        assertThat(errors("homeserver: {server_name: a.org}\nbackup: {every: daily}\n"))
                .singleElement().asString().startsWith("backup.every:");
        assertThat(errors("homeserver: {server_name: a.org}\nbackup: {often: 1h}\n"))
                .singleElement().asString().startsWith("backup.often:");
    }
}
