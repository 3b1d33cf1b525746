package coop.comptoir.bridge.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bridge.api.BridgeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RocketChatConfigTest {
    private static final String TOKEN = "rc-Pat-s3cr3t-t0k3n-never-shown";

    @Test
    void aMinimalConfigHasSensibleDefaults() {
        RocketChatConfig c = new RocketChatConfig("https://chat.coop.example/", "AbCdEf123", TOKEN, null, null, null, null, null,
                null, null, null);
        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.server()).isEqualTo("https://chat.coop.example");
        assertThat(c.maxFileBytes()).isEqualTo(100L * 1024 * 1024);
        BridgeSettings s = RocketChatBridgeFactory.settings(c);
        assertThat(s.ghostPrefix()).isEqualTo("_rocketchat_");
        assertThat(s.ghostNameTemplate()).isEqualTo("{name} (Rocket.Chat)");
        assertThat(s.language()).isEqualTo("fr");
        assertThat(c.language()).as("no language of its own: the top-level one").isNull();
        assertThat(c.toString()).doesNotContain(TOKEN);
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheToken() {
        RocketChatConfig bad = new RocketChatConfig("ftp://chat", "a b", TOKEN + " x", 0L,
                List.of(new RocketChatConfig.Link("salon", "GENERAL"), new RocketChatConfig.Link("!a:b", "x/y")),
                "_Rocket_", "Rocket", "de", 0, "nope", null);
        List<String> problems = bad.problems("plugins[2]").stream().map(ConfigException::getMessage).toList();
        assertThat(problems)
                .anyMatch(p -> p.startsWith("plugins[2].server_url:"))
                .anyMatch(p -> p.startsWith("plugins[2].user_id:"))
                .anyMatch(p -> p.startsWith("plugins[2].token: must not contain spaces"))
                .anyMatch(p -> p.startsWith("plugins[2].max_file_bytes:"))
                .anyMatch(p -> p.startsWith("plugins[2].links[0].room:"))
                .anyMatch(p -> p.startsWith("plugins[2].links[1].channel:"))
                .anyMatch(p -> p.startsWith("plugins[2].ghost_prefix:"))
                .anyMatch(p -> p.startsWith("plugins[2].ghost_name:"))
                .anyMatch(p -> p.startsWith("plugins[2].language:"))
                .anyMatch(p -> p.startsWith("plugins[2].max_retry_delay_seconds:"))
                .anyMatch(p -> p.startsWith("plugins[2].public_address:"))
                .noneMatch(p -> p.contains(TOKEN));
        RocketChatConfig none = new RocketChatConfig(null, null, null, null, null, null, null, null, null, null, null);
        assertThat(none.problems("p")).extracting(ConfigException::getMessage).containsExactly(
                "p.server_url: missing: the Rocket.Chat address, e.g. https://chat.example.coop",
                "p.user_id: missing: the bot user's ID, shown with its personal access token",
                "p.token: missing (the bot's personal access token, e.g. token: ${ROCKETCHAT_TOKEN})");
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("config/rocketchat.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/rocketchat.example.yaml above the module").isNotNull();
        ObjectMapper yaml = YAMLMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        ObjectNode section = (ObjectNode) yaml.readTree(dir.resolve("config/rocketchat.example.yaml").toFile()).path("plugins").get(0);
        assertThat(section.path("type").asText()).isEqualTo("rocketchat");
        section.remove(List.of("type", "id"));
        section.put("token", TOKEN);
        RocketChatConfig c = yaml.treeToValue(section, RocketChatConfig.class);
        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.links()).isNotEmpty();
    }
}
