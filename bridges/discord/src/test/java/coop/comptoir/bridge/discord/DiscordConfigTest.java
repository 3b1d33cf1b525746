package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.testing.PluginConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Discord section bound as the runtime binds it: the engine's keys and Discord's own, in one section. */
class DiscordConfigTest {
    private static final String TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.Gabcde.s3cr3t-t0k3n-never-shown";
    private static final String GUILD = "123456789012345678";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DiscordBridgeFactory factory = new DiscordBridgeFactory();

    private static PluginConfig section(String path, ObjectNode settings) {
        return PluginConfigs.of("discord", path, settings, "coop.example");
    }

    private static ObjectNode minimal() {
        return JSON.createObjectNode().put("token", TOKEN).put("guild_id", GUILD);
    }

    @Test
    void aMinimalConfigHasSensibleDefaults() {
        BridgeFactory.Bound<DiscordConfig> b = factory.bind(section("plugins[0]", minimal()));
        assertThat(b.config().webhookName()).isEqualTo("Comptoir");
        assertThat(b.config().cdn()).isEqualTo("https://cdn.discordapp.com");
        assertThat(b.settings().ghostPrefix()).isEqualTo("_discord_");
        assertThat(b.settings().ghostNameTemplate()).isEqualTo("{name} (Discord)");
        assertThat(b.settings().language()).isEqualTo("fr");
        assertThat(b.settings().maxRetryDelay().toSeconds()).isEqualTo(300);
        assertThat(b.settings().redactMatrixOriginals()).isFalse();
        assertThat(b.settings().publicAddress()).isEmpty();
        assertThat(b.config().toString()).doesNotContain(TOKEN);
    }

    @Test
    void theEngineKeysAndDiscordsOwnLiveInOneSection() {
        ObjectNode s = minimal().put("webhook_name", "Passerelle").put("language", "EN").put("max_retry_delay", "7s")
                .put("ghost_prefix", "_dc_").put("ghost_name", "{name} [D]").put("public_address", "https://comptoir.coop")
                .put("redact_matrix_originals", true);
        s.putArray("links").addObject().put("room", "#general:coop.example").put("channel", "234567890123456789");
        BridgeFactory.Bound<DiscordConfig> b = factory.bind(section("plugins[0]", s));
        assertThat(b.config().webhookName()).isEqualTo("Passerelle");
        assertThat(b.settings().language()).isEqualTo("en");
        assertThat(b.settings().maxRetryDelay().toSeconds()).isEqualTo(7);
        assertThat(b.settings().ghostPrefix()).isEqualTo("_dc_");
        assertThat(b.settings().ghostNameTemplate()).isEqualTo("{name} [D]");
        assertThat(b.settings().publicAddress()).hasValueSatisfying(u -> assertThat(u.getHost()).isEqualTo("comptoir.coop"));
        assertThat(b.settings().redactMatrixOriginals()).isTrue();
        assertThat(b.settings().links()).singleElement()
                .satisfies(l -> assertThat(l.channel().value()).isEqualTo("234567890123456789"));
    }

    @Test
    void aKeyNeitherTheEngineNorDiscordKnowsIsRefused() {
        assertThatThrownBy(() -> factory.bind(section("plugins[0]", minimal().put("webhok_name", "x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("plugins[0].webhok_name: unknown key")
                .hasMessageContaining("webhook_name").hasMessageContaining("ghost_prefix").hasMessageContaining("links");
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheToken() {
        ObjectNode s = JSON.createObjectNode().put("token", "Bot " + TOKEN).put("guild_id", "abc").put("ghost_prefix", "_Discord_")
                .put("ghost_name", "Discord user").put("webhook_name", "Discord bridge").put("language", "de")
                .put("max_retry_delay", "0s").put("api_base_url", "ftp://x").put("gateway_url", "http://127.0.0.1/gateway")
                .put("cdn_url", "not a url").put("public_address", "ftp://y");
        var links = s.putArray("links");
        links.addObject().put("room", "salon").put("channel", "12x");
        links.addObject().put("room", "!a:b").put("channel", "42");
        links.addObject().put("room", "!c:d").put("channel", "42");
        assertThatThrownBy(() -> factory.bind(section("plugins[1]", s))).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .contains("plugins[1].token: give the token alone")
                        .contains("plugins[1].guild_id:")
                        .contains("plugins[1].links[0].room:")
                        .contains("plugins[1].links[0].channel: expected a Discord channel ID")
                        .contains("plugins[1].links[2].channel: channel 42 is linked twice")
                        .contains("plugins[1].ghost_prefix:")
                        .contains("plugins[1].ghost_name:")
                        .contains("plugins[1].webhook_name:")
                        .contains("plugins[1].language:")
                        .contains("plugins[1].max_retry_delay: must be at least 1s")
                        .contains("plugins[1].api_base_url:")
                        .contains("plugins[1].gateway_url:")
                        .contains("plugins[1].cdn_url:")
                        .contains("plugins[1].public_address:")
                        .doesNotContain(TOKEN));
        assertThatThrownBy(() -> factory.bind(section("p", minimal().put("token", " "))))
                .hasMessage("p.token: missing (the bot token, e.g. token: ${DISCORD_TOKEN})");
    }

    @Test
    void theDiscordServerMustBeNamed() {
        // without it, any server the bot is in (one it was invited to by someone else too) would be reachable
        ObjectNode noGuild = JSON.createObjectNode().put("token", TOKEN);
        assertThatThrownBy(() -> factory.bind(section("plugins[0]", noGuild)))
                .hasMessageStartingWith("plugins[0].guild_id: missing: the ID of the Discord server to bridge");
    }

    @Test
    void theGhostsNamespaceComesFromTheNetworkId() {
        Namespaces ns = factory.namespaces(section("plugins[0]", minimal()));
        assertThat(ns.users()).singleElement().satisfies(e -> {
            assertThat(e.exclusive()).isTrue();
            assertThat("@_discord_1234:coop.example").matches(e.regex());
            assertThat("@alice:coop.example").doesNotMatch(e.regex());
        });
        Namespaces custom = factory.namespaces(section("plugins[0]", minimal().put("ghost_prefix", "_dc_")));
        assertThat(custom.users()).singleElement().satisfies(e -> assertThat("@_dc_1234:coop.example").matches(e.regex()));
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("config/discord.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/discord.example.yaml above the module").isNotNull();
        String plugins = Files.readString(dir.resolve("config/discord.example.yaml"));
        String core = Files.readString(dir.resolve("config/comptoir.example.yaml"));
        PluginConfig c = PluginConfigs.firstPlugin(core.replaceAll("(?ms)^plugins:.*", "") + "\n" + plugins,
                Map.of("DISCORD_TOKEN", TOKEN, "AS_TOKEN", "a".repeat(32), "HS_TOKEN", "h".repeat(32)));
        BridgeFactory.Bound<DiscordConfig> b = factory.bind(c);
        assertThat(b.settings().links()).isNotEmpty();
        assertThat(b.config().apiBaseUrl()).isNull();
    }
}
