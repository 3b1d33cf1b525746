package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginsDirConfigTest {
    private static final Path BASE = Path.of("/etc/comptoir");

    @Test
    void defaultsToPluginsBesideTheConfigFile() {
        ComptoirConfig c = ConfigLoader.parse("homeserver: {server_name: a.org}\n", BASE, Map.of());
        assertThat(c.pluginsFolder()).isEqualTo(Path.of("/etc/comptoir/plugins"));
    }

    @Test
    void aRelativeFolderIsTakenFromTheConfigFilesFolderAndAnAbsoluteOneAsItIs() {
        assertThat(ConfigLoader.parse("homeserver: {server_name: a.org}\nplugins_dir: ../lib/comptoir\n", BASE, Map.of())
                .pluginsFolder()).isEqualTo(Path.of("/etc/lib/comptoir"));
        assertThat(ConfigLoader.parse("homeserver: {server_name: a.org}\nplugins_dir: /opt/p\n", BASE, Map.of())
                .pluginsFolder()).isEqualTo(Path.of("/opt/p"));
        assertThat(ConfigLoader.parse("homeserver: {server_name: a.org}\nplugins_dir: ${DIR}\n", BASE, Map.of("DIR", "x"))
                .pluginsFolder()).isEqualTo(Path.of("/etc/comptoir/x"));
    }

    @Test
    void somethingElseThanAPathIsAnErrorWithItsKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("homeserver: {server_name: a.org}\nplugins_dir: [a]\n", BASE, Map.of()))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines())
                        .containsExactly("plugins_dir: expected the path of a folder of plugin jars, got a list"));
    }
}
