package coop.comptoir.bridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.testing.PluginConfigs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A new network's factory declares its own keys only; the engine's come bound, with the ghosts' namespace. */
class BridgeFactoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a Rocket.Chat connector would declare. */
    record RocketConfig(String serverUrl, String token) {}

    static final class RocketFactory extends BridgeFactory<RocketConfig> {
        /** What the last {@link #connector} call was given. */
        BridgeSettings given;

        RocketFactory() {
            super("rocketchat", "Rocket.Chat", RocketConfig.class);
        }

        @Override
        protected List<ConfigException> problems(RocketConfig config, String path) {
            return config.token() == null ? List.of(new ConfigException(path + ".token", "missing")) : List.of();
        }

        @Override
        protected Optional<String> channelProblem(String channel) {
            return channel.matches("[A-Za-z0-9]{17}") ? Optional.empty() : Optional.of("expected a Rocket.Chat room ID");
        }

        @Override
        protected NetworkConnector connector(RocketConfig config, BridgeSettings settings, PluginContext context) {
            given = settings;
            throw new IllegalStateException("no connector in this test");
        }
    }

    private static PluginConfig section(ObjectNode settings) {
        return PluginConfigs.of("rocketchat", "plugins[2]", settings, "coop.example");
    }

    private static ObjectNode own() {
        return JSON.createObjectNode().put("server_url", "https://chat.coop.example").put("token", "t0k3n");
    }

    @Test
    void theEngineKeysAreBoundForTheConnectorWithDefaultsFromItsId() {
        ObjectNode s = own().put("language", "en");
        s.putArray("links").addObject().put("room", "#cafe:coop.example").put("channel", "GENERALabcdefghij");
        BridgeFactory.Bound<RocketConfig> b = new RocketFactory().bind(section(s));
        assertThat(b.config()).isEqualTo(new RocketConfig("https://chat.coop.example", "t0k3n"));
        assertThat(b.settings().ghostPrefix()).isEqualTo("_rocketchat_");
        assertThat(b.settings().ghostNameTemplate()).isEqualTo("{name} (Rocket.Chat)");
        assertThat(b.settings().language()).isEqualTo("en");
        assertThat(b.settings().links()).extracting(l -> l.channel().value()).containsExactly("GENERALabcdefghij");
    }

    @Test
    void aBridgeWithoutItsOwnLanguageSpeaksTheTopLevelOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (String own : new String[] {null, "fr"}) {
            ObjectNode s = own == null ? own() : own().put("language", own);
            RocketFactory f = new RocketFactory();
            try (var ctx = coop.comptoir.testing.FakePluginContext.builder("rocketchat", "rocketchat", dir.resolve(String.valueOf(own)))
                    .settings(s).language("en").build()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.create(ctx)).hasMessage("no connector in this test");
            }
            assertThat(f.given.language()).isEqualTo(own == null ? "en" : own);
        }
    }

    @Test
    void theGhostsNamespaceIsDeclaredFromTheNetworkId() {
        var users = new RocketFactory().namespaces(section(own())).users();
        assertThat(users).singleElement().satisfies(e -> {
            assertThat(e.exclusive()).isTrue();
            assertThat("@_rocketchat_abc:coop.example").matches(e.regex());
            assertThat("@_discord_abc:coop.example").doesNotMatch(e.regex());
        });
    }

    @Test
    void problemsOfBothPartsAreReportedTogetherWithTheirPaths() {
        ObjectNode s = own().put("language", "de");
        s.remove("token");
        s.putArray("links").addObject().put("room", "#cafe:coop.example").put("channel", "42");
        assertThatThrownBy(() -> new RocketFactory().bind(section(s))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins[2].language: fr or en")
                .hasMessageContaining("plugins[2].links[0].channel: expected a Rocket.Chat room ID")
                .hasMessageContaining("plugins[2].token: missing");
    }

    @Test
    void aConnectorCannotDeclareAnEngineKey() {
        record Clash(String token, String ghostPrefix) {}
        assertThatThrownBy(() -> new BridgeFactory<>("clash", "Clash", Clash.class) {
            @Override
            protected NetworkConnector connector(Clash config, BridgeSettings settings, PluginContext context) {
                throw new UnsupportedOperationException();
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost_prefix is a key of the engine");
    }

    @Test
    void theRetryDelayIsADurationWrittenAsEverywhere() {
        assertThat(new RocketFactory().bind(section(own())).settings().maxRetryDelay()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(new RocketFactory().bind(section(own().put("max_retry_delay", "90s"))).settings().maxRetryDelay())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThatThrownBy(() -> new RocketFactory().bind(section(own().put("max_retry_delay", "300"))))
                .hasMessageContaining("plugins[2].max_retry_delay: \"300\" has no unit: write 300s, 300m, 300h or 300d");
        assertThatThrownBy(() -> new RocketFactory().bind(section(own().put("max_retry_delay", "0s"))))
                .hasMessage("plugins[2].max_retry_delay: must be at least 1s");
    }

    @Test
    void theFormerRetryDelayInSecondsIsStillReadWithAWarningNamingTheNewKey() {
        PluginConfig former = section(own().put("max_retry_delay_seconds", 120));
        assertThat(new RocketFactory().bind(former).settings().maxRetryDelay()).isEqualTo(java.time.Duration.ofMinutes(2));

        var checked = PluginConfigs.check(new RocketFactory(), former);
        assertThat(checked.list()).isEmpty();
        assertThat(checked.warnings()).extracting(ConfigException::getMessage).containsExactly(
                "plugins[2].max_retry_delay_seconds: deprecated, still read for this release: write max_retry_delay instead"
                        + " (e.g. max_retry_delay: 120s)");
        assertThat(PluginConfigs.check(new RocketFactory(), section(own().put("max_retry_delay", "2m"))).warnings()).isEmpty();
        assertThatThrownBy(() -> new RocketFactory().bind(section(own().put("max_retry_delay_seconds", 0))))
                .hasMessage("plugins[2].max_retry_delay_seconds: must be at least 1s");
    }
}
