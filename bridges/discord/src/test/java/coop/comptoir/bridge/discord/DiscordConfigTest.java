package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.bridge.api.BridgeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscordConfigTest {
    private static final String TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.s3cr3t-t0k3n-never-shown";

    private static final String GUILD = "123456789012345678";

    private static DiscordConfig minimal() {
        return new DiscordConfig(TOKEN, GUILD, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void aMinimalConfigHasSensibleDefaults() {
        DiscordConfig c = minimal();
        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.ghostPrefix()).isEqualTo("_discord_");
        assertThat(c.ghostName()).isEqualTo("{name} (Discord)");
        assertThat(c.webhookName()).isEqualTo("Comptoir");
        assertThat(c.language()).as("no language of its own: the top-level one").isNull();
        assertThat(c.cdn()).isEqualTo("https://cdn.discordapp.com");
        BridgeSettings s = DiscordBridgeFactory.settings(c);
        assertThat(s.language()).isEqualTo("fr");
        assertThat(s.ghostPrefix()).isEqualTo("_discord_");
        assertThat(s.maxRetryDelay().toSeconds()).isEqualTo(300);
        assertThat(s.redactMatrixOriginals()).isFalse();
        assertThat(c.toString()).doesNotContain(TOKEN);
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheToken() {
        DiscordConfig bad = new DiscordConfig("Bot " + TOKEN, "abc",
                List.of(new DiscordConfig.Link("salon", "12x"), new DiscordConfig.Link("!a:b", "42"), new DiscordConfig.Link("!c:d", "42")),
                "_Discord_", "Discord user", "Discord bridge", "de", 0, "ftp://x", "http://127.0.0.1/gateway", "not a url", null, null);
        List<String> problems = bad.problems("plugins[1]").stream().map(ConfigException::getMessage).toList();
        assertThat(problems)
                .anyMatch(p -> p.startsWith("plugins[1].token: give the token alone"))
                .anyMatch(p -> p.startsWith("plugins[1].guild_id:"))
                .anyMatch(p -> p.startsWith("plugins[1].links[0].room:"))
                .anyMatch(p -> p.startsWith("plugins[1].links[0].channel:"))
                .anyMatch(p -> p.startsWith("plugins[1].links[2].channel: channel 42 is linked twice"))
                .anyMatch(p -> p.startsWith("plugins[1].ghost_prefix:"))
                .anyMatch(p -> p.startsWith("plugins[1].ghost_name:"))
                .anyMatch(p -> p.startsWith("plugins[1].webhook_name:"))
                .anyMatch(p -> p.startsWith("plugins[1].language:"))
                .anyMatch(p -> p.startsWith("plugins[1].max_retry_delay_seconds:"))
                .anyMatch(p -> p.startsWith("plugins[1].api_base_url:"))
                .anyMatch(p -> p.startsWith("plugins[1].gateway_url:"))
                .anyMatch(p -> p.startsWith("plugins[1].cdn_url:"))
                .noneMatch(p -> p.contains(TOKEN));
        DiscordConfig none = new DiscordConfig(" ", GUILD, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(none.problems("p")).extracting(ConfigException::getMessage)
                .containsExactly("p.token: missing (the bot token, e.g. token: ${DISCORD_TOKEN})");
    }

    @Test
    void theDiscordServerMustBeNamed() {
        // without it, any server the bot is in (one it was invited to by someone else too) would be reachable
        DiscordConfig noGuild = new DiscordConfig(TOKEN, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(noGuild.problems("plugins[0]")).extracting(ConfigException::getMessage).singleElement()
                .satisfies(p -> assertThat(p).startsWith("plugins[0].guild_id: missing: the ID of the Discord server to bridge"));
        DiscordConfig on = new DiscordConfig(TOKEN, GUILD, null, null, null, null, null, null, null, null, null, null, true);
        assertThat(DiscordBridgeFactory.settings(on).redactMatrixOriginals()).isTrue();
    }

    @Test
    void theGhostsAreTheBridgesExclusiveNamespace() {
        Namespaces ns = Namespaces.exclusiveUsers(minimal().ghostPrefix(), "coop.example");
        assertThat(ns.users()).singleElement().satisfies(e -> {
            assertThat(e.exclusive()).isTrue();
            assertThat("@_discord_1234:coop.example").matches(e.regex());
            assertThat("@alice:coop.example").doesNotMatch(e.regex());
        });
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("config/discord.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/discord.example.yaml above the module").isNotNull();
        ObjectMapper yaml = YAMLMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        ObjectNode section = (ObjectNode) yaml.readTree(dir.resolve("config/discord.example.yaml").toFile()).path("plugins").get(0);
        assertThat(section.path("type").asText()).isEqualTo("discord");
        section.remove(List.of("type", "id"));
        section.put("token", TOKEN); // ${DISCORD_TOKEN} is replaced by the loader
        DiscordConfig c = yaml.treeToValue(section, DiscordConfig.class);
        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.links()).isNotEmpty();
        assertThat(c.apiBaseUrl()).isNull();
    }
}
