package coop.comptoir.bots.visio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.testing.PluginConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The section as an administrator writes it, read by the runtime's own binder. */
class VisioConfigTest {
    private static final String CORE = """
            homeserver: {url: "http://127.0.0.1:8008", server_name: coop.example}
            appservice: {id: comptoir, port: 29320, registration: registration.yaml, sender_localpart: comptoir}
            database: {url: "jdbc:sqlite:comptoir.db"}
            """;
    private static final String SECRET = "Zq9-very-secret-value";

    private static PluginConfig section(String plugins, Map<String, String> env) {
        return PluginConfigs.firstPlugin(CORE + plugins, env);
    }

    /** Every message of the problem and of those it carries. */
    private static List<String> messages(Throwable e) {
        return ((ConfigException) e).problems().stream().map(Throwable::getMessage).toList();
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("config/visio.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/visio.example.yaml above the module").isNotNull();
        PluginConfig example = section(Files.readString(dir.resolve("config/visio.example.yaml")), Map.of());

        VisioConfig c = VisioFactory.bind(example);

        assertThat(c.jitsiBase()).isEqualTo("https://meet.jit.si");
        assertThat(c.bigbluebutton()).isNull();
        assertThat(new VisioFactory().commands(example)).extracting(CommandName::name, CommandName::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("visio", "plugins[0].commands[0]"),
                        org.assertj.core.groups.Tuple.tuple("video", "plugins[0].commands[1]"));
    }

    @Test
    void aSecretFromTheEnvironmentIsUsedAndDefaultsAreSensible() {
        PluginConfig s = section("""
                plugins:
                  - type: visio
                    bigbluebutton: {url: "https://bbb.coop.example/bigbluebutton/", secret: "${BBB_SECRET}"}
                """, Map.of("BBB_SECRET", SECRET));
        VisioConfig c = VisioFactory.bind(s);
        assertThat(c.bigbluebutton().secret()).isEqualTo(SECRET);
        assertThat(c.bigbluebutton().api()).isEqualTo("https://bbb.coop.example/bigbluebutton/api");
        assertThat(c.bigbluebutton().checksum()).isEqualTo("sha256");
        assertThat(c.bigbluebutton().role()).isEqualTo("moderator");
        assertThat(c.language()).isEqualTo("fr");
        assertThat(c.commands()).containsExactly("visio", "video");
    }

    @Test
    void noServiceChosenIsRefusedWithNoDefaultInstance() {
        PluginConfig s = section("plugins:\n  - type: visio\n", Map.of());
        assertThatThrownBy(() -> VisioFactory.bind(s)).isInstanceOf(ConfigException.class)
                .hasMessage("plugins[0]: choose a video service: jitsi (url) or bigbluebutton (url and secret)");
    }

    @Test
    void everyProblemNamesItsKeyPathAndNeverTheSecret() {
        PluginConfig s = section("""
                plugins:
                  - type: visio
                    jitsi: {url: "http://meet.example.coop"}
                    bigbluebutton: {url: "ftp://bbb", secret: "${BBB_SECRET}", checksum: md5, role: boss}
                    language: de
                    commands: [visio, Visio!, visio]
                """, Map.of("BBB_SECRET", "Zq9-short"));

        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> VisioFactory.bind(s));

        assertThat(e).isInstanceOf(ConfigException.class);
        List<String> problems = messages(e);
        assertThat(problems)
                .anyMatch(m -> m.equals("plugins[0]: jitsi and bigbluebutton are both set: keep one"))
                .anyMatch(m -> m.startsWith("plugins[0].jitsi.url: must be an https address"))
                .anyMatch(m -> m.startsWith("plugins[0].bigbluebutton.url: must be an https address"))
                .anyMatch(m -> m.startsWith("plugins[0].bigbluebutton.secret: shorter than 12 characters"))
                .anyMatch(m -> m.equals("plugins[0].bigbluebutton.checksum: one of sha1, sha256, sha384, sha512"))
                .anyMatch(m -> m.equals("plugins[0].bigbluebutton.role: moderator or viewer"))
                .anyMatch(m -> m.equals("plugins[0].language: fr or en"))
                .anyMatch(m -> m.equals("plugins[0].commands[1]: lower-case letters, digits, - or _"))
                .anyMatch(m -> m.equals("plugins[0].commands[2]: visio is listed twice"))
                .noneMatch(m -> m.contains("Zq9"));
    }

    @Test
    void aMissingSecretSaysWhereToPutIt() {
        PluginConfig s = section("""
                plugins:
                  - type: visio
                    bigbluebutton: {url: "https://bbb.coop.example"}
                """, Map.of());
        assertThatThrownBy(() -> VisioFactory.bind(s)).hasMessageStartingWith("plugins[0].bigbluebutton.secret: missing")
                .hasMessageContaining("${BBB_SECRET}");
    }

    @Test
    void anUnknownKeyIsRefusedWithItsPath() {
        PluginConfig s = section("""
                plugins:
                  - type: visio
                    jitsi: {url: "https://meet.jit.si", room_prefix: coop}
                """, Map.of());
        assertThatThrownBy(() -> VisioFactory.bind(s)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins[0].jitsi.room_prefix");
    }
}
