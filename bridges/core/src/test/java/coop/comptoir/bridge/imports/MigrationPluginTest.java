package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.PluginConfigs;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MigrationPluginTest {
    static final RoomId ROOM = RoomId.of("!archives:coop.test");

    @TempDir
    Path dir;

    @Test
    void anImportInterruptedByAStopResumesWhenComptoirStartsAgain() throws Exception {
        Path json = Samples.discord(dir.resolve("export"));
        try (FakePluginContext ctx = FakePluginContext.builder("migration", "migration", dir.resolve("ctx"))
                .serverName("coop.test").build()) {
            CrashingMatrix crashing = new CrashingMatrix(ctx.recordingMatrix());
            crashing.crashAfter(2);
            HistoryImport before = new HistoryImport(crashing, ctx.database(), "coop.test", 100, ctx.clock(),
                    LoggerFactory.getLogger("test"));
            Export.Channel c = DiscordJsonReader.read(json).channel(null).orElseThrow();
            Catalogue texts = Catalogue.load("migration", HistoryImport.class, TextSettings.DEFAULT);
            assertThatThrownBy(() -> before.run("discord", c, ROOM, texts,
                    new ImportLog.Origin("discord-json", json.toString(), c.id(), ROOM.value()))).isInstanceOf(MatrixException.class);
            assertThat(ghostBodies(ctx)).hasSize(2);

            Plugin plugin = new MigrationFactory().create(new MigrationFactory.MigrationConfig(null), ctx);
            plugin.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (ghostBodies(ctx).size() < 5 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // anything sent twice would show now
            plugin.close();
            assertThat(ghostBodies(ctx)).hasSize(5).doesNotHaveDuplicates();
            assertThat(new HistoryImport(ctx.matrix(), ctx.database(), "coop.test", 100, ctx.clock(), LoggerFactory.getLogger("t"))
                    .isDone("discord", c, ROOM)).isTrue();
        }
    }

    private static List<String> ghostBodies(FakePluginContext ctx) {
        return ctx.recordingMatrix().messagesIn(ROOM).stream().filter(s -> s.sender().localpart().startsWith("_import_"))
                .map(Sent::body).toList();
    }

    @Test
    void progressEveryMustBeAPositiveWholeNumber() {
        var zero = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode().put("progress_every", 0), "coop.test");
        assertThat(PluginConfigs.check(new MigrationFactory(), zero).list()).singleElement().asString()
                .contains("plugins[0].progress_every");
        var typo = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode().put("progres_every", 10), "coop.test");
        assertThatThrownBy(() -> PluginConfigs.bind(new MigrationFactory(), typo)).hasMessageContaining("progres_every");
        var fine = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode().put("progress_every", 10), "coop.test");
        assertThat(PluginConfigs.bind(new MigrationFactory(), fine).progressEveryOrDefault()).isEqualTo(10);
        var none = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode(), "coop.test");
        assertThat(PluginConfigs.bind(new MigrationFactory(), none).progressEveryOrDefault()).isEqualTo(500);
    }
}
