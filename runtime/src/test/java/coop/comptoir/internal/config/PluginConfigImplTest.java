package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonProperty;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigImplTest {
    enum Mode { QUIET, LOUD }

    record Room(@JsonProperty(required = true) String roomId, int maxPerDay, Mode mode) {}

    record Welcome(String greeting, List<Room> rooms, Duration pollInterval, Map<String, String> labels) {}

    record Positive(int count) {
        Positive {
            if (count <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
        }
    }

    private static PluginConfig section(String yaml, Map<String, String> env) {
        String file = "homeserver: {server_name: a.org}\nplugins:\n  - type: x\n    other: 1\n  - type: welcome\n"
                + yaml.indent(4);
        ComptoirConfig config = ConfigLoader.parse(file, java.nio.file.Path.of("."), env);
        return new PluginConfigImpl(config.plugins().get(1), config.homeserver().serverName());
    }

    private static PluginConfig section(String yaml) {
        return section(yaml, Map.of());
    }

    private static List<String> bindErrors(PluginConfig config, Class<?> type) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> config.bind(type));
        assertThat(e).as("a ConfigException").isNotNull();
        return ConfigErrors.flatten(e).stream().map(Throwable::getMessage).toList();
    }

    @Test
    void bindsSnakeCaseKeysToARecord() {
        PluginConfig config = section("""
                greeting: Bienvenue
                poll_interval: PT5M
                rooms:
                  - {room_id: '!a:a.org', max_per_day: 3, mode: loud}
                labels: {help: Aide}
                """);
        Welcome w = config.bind(Welcome.class);
        assertThat(w.greeting()).isEqualTo("Bienvenue");
        assertThat(w.pollInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(w.rooms()).containsExactly(new Room("!a:a.org", 3, Mode.LOUD));
        assertThat(w.labels()).containsEntry("help", "Aide");
        assertThat(config.path()).isEqualTo("plugins[1]");
        assertThat(config.raw().has("type")).as("type, id and enabled are not settings").isFalse();
    }

    record Source(String url, Auth auth) {}

    record Auth(String token) {}

    @Test
    void aSubTreeBindsWithTheSameRulesAndKeepsEnvironmentValuesHidden() {
        PluginConfig config = section("""
                source: {url: "https://a.org/x", auth: "${TOKEN}"}
                other: {url: "https://a.org/y", auth: {token: "${TOKEN}"}, colour: red}
                """, Map.of("TOKEN", "s3cret-from-env"));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> config.bind(config.raw().get("source"), "plugins[1].source", Source.class));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("plugins[1].source.auth: expected a mapping, got a string (value hidden)");
        assertThat(ConfigErrors.flatten(catchThrowableOfType(ConfigException.class,
                () -> config.bind(config.raw().get("other"), "plugins[1].other", Source.class))).stream().map(Throwable::getMessage))
                .containsExactly("plugins[1].other.colour: unknown key (allowed: url, auth)");
        com.fasterxml.jackson.databind.node.ObjectNode good = (com.fasterxml.jackson.databind.node.ObjectNode) config.raw().get("other");
        good.remove("colour");
        assertThat(config.bind(good, "plugins[1].other", Source.class)).isEqualTo(new Source("https://a.org/y", new Auth("s3cret-from-env")));
    }

    @Test
    void reportsEveryErrorWithItsFullPath() {
        PluginConfig config = section("""
                greting: Bienvenue
                rooms:
                  - {room_id: '!a:a.org', max_per_day: lots}
                  - {max_per_day: 1}
                """);
        assertThat(bindErrors(config, Welcome.class)).containsExactly(
                "plugins[1].greting: unknown key (allowed: greeting, rooms, poll_interval, labels)",
                "plugins[1].rooms[0].max_per_day: expected a number, got \"lots\"",
                "plugins[1].rooms[1].room_id: missing");
    }

    @Test
    void typesLeftToJacksonGetTheSameKindOfMessage() {
        assertThat(bindErrors(section("poll_interval: often"), Welcome.class))
                .containsExactly("plugins[1].poll_interval: \"often\" is not a duration: expected a number and a unit: 90s, 10m, 48h, 14d (or 2h30m)");
        assertThat(bindErrors(section("rooms: [{room_id: '!a:a.org', mode: shouting}]"), Welcome.class))
                .containsExactly("plugins[1].rooms[0].mode: expected one of quiet, loud, got \"shouting\"");
    }

    @Test
    void aRecordsOwnCheckNamesThePath() {
        assertThat(bindErrors(section("count: 0"), Positive.class)).containsExactly("plugins[1]: must be positive");
        assertThat(section("count: 2").bind(Positive.class).count()).isEqualTo(2);
    }

    @Test
    void neverShowsSecretsOrValuesFromTheEnvironment() {
        record Secrets(int apiKey, int count) {}
        List<String> errors = bindErrors(section("api_key: hunter2\ncount: ${COUNT}", Map.of("COUNT", "sesame")), Secrets.class);
        assertThat(errors).containsExactly(
                "plugins[1].api_key: expected a number, got a string (value hidden)",
                "plugins[1].count: expected a number, got a string (value hidden)");
    }

    @Test
    void rawIsACopy() {
        PluginConfig config = section("greeting: Salut");
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.raw()).put("greeting", "changed");
        assertThat(config.bind(Welcome.class).greeting()).isEqualTo("Salut");
    }
}
