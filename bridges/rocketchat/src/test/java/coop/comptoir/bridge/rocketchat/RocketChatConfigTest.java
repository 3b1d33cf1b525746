package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.testing.PluginConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Rocket.Chat section bound as the runtime binds it: the engine's keys and Rocket.Chat's own, in one section. */
class RocketChatConfigTest {
    private static final String TOKEN = "rc-Pat-s3cr3t-t0k3n-never-shown";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RocketChatBridgeFactory factory = new RocketChatBridgeFactory();

    private static PluginConfig section(String path, ObjectNode settings) {
        return PluginConfigs.of("rocketchat", path, settings, "coop.example");
    }

    private static ObjectNode minimal() {
        return JSON.createObjectNode().put("server_url", "https://chat.coop.example/").put("user_id", "AbCdEf123").put("token", TOKEN);
    }

    @Test
    void aMinimalConfigHasSensibleDefaults() {
        BridgeFactory.Bound<RocketChatConfig> b = factory.bind(section("plugins[0]", minimal()));
        assertThat(b.config().server()).isEqualTo("https://chat.coop.example");
        assertThat(b.config().maxFileBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(b.settings().ghostPrefix()).isEqualTo("_rocketchat_");
        assertThat(b.settings().ghostNameTemplate()).isEqualTo("{name} (Rocket.Chat)");
        assertThat(b.settings().language()).isEqualTo("fr");
        assertThat(b.config().toString()).doesNotContain(TOKEN);
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheToken() {
        List<String> problems = new RocketChatConfig("ftp://chat", "a b", TOKEN + " x", 0L).problems("plugins[2]").stream()
                .map(ConfigException::getMessage).toList();
        assertThat(problems)
                .anyMatch(p -> p.startsWith("plugins[2].server_url:"))
                .anyMatch(p -> p.startsWith("plugins[2].user_id:"))
                .anyMatch(p -> p.startsWith("plugins[2].token: must not contain spaces"))
                .anyMatch(p -> p.startsWith("plugins[2].max_file_bytes:"))
                .noneMatch(p -> p.contains(TOKEN));
        assertThat(new RocketChatConfig(null, null, null, null).problems("p")).extracting(ConfigException::getMessage).containsExactly(
                "p.server_url: missing: the Rocket.Chat address, e.g. https://chat.example.coop",
                "p.user_id: missing: the bot user's ID, shown with its personal access token",
                "p.token: missing (the bot's personal access token, e.g. token: ${ROCKETCHAT_TOKEN})");
        ObjectNode badLink = minimal();
        badLink.putArray("links").addObject().put("room", "#general:coop.example").put("channel", "x/y");
        assertThatThrownBy(() -> factory.bind(section("plugins[0]", badLink))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins[0].links[0].channel").hasMessageContaining("Rocket.Chat room ID");
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("config/rocketchat.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/rocketchat.example.yaml above the module").isNotNull();
        String plugins = Files.readString(dir.resolve("config/rocketchat.example.yaml"));
        String core = Files.readString(dir.resolve("config/comptoir.example.yaml"));
        PluginConfig c = PluginConfigs.firstPlugin(core.replaceAll("(?ms)^plugins:.*", "") + "\n" + plugins,
                Map.of("ROCKETCHAT_TOKEN", TOKEN, "AS_TOKEN", "a".repeat(32), "HS_TOKEN", "h".repeat(32)));
        BridgeFactory.Bound<RocketChatConfig> b = factory.bind(c);
        assertThat(b.settings().links()).isNotEmpty();
        assertThat(b.config().userId()).isEqualTo("AbCdEfGhIjKlMnOpQ");
    }
}
