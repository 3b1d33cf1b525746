package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.config.Secret;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RoomRef, Secret, Duration, ZoneId and typed sub-mappings, bound by the runtime's binder from a real file. */
class SharedConfigTypesTest {
    record Settings(RoomRef room, List<RoomRef> rooms, Duration every, List<Duration> before, ZoneId zone, Secret token,
                    Auth auth, Source source) {}

    record Auth(Secret password) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = Feed.class, name = "feed"), @JsonSubTypes.Type(value = File.class, name = "file")})
    sealed interface Source permits Feed, File {}

    record Feed(String url, Secret key) implements Source {}

    record File(String path) implements Source {}

    private static PluginConfig section(String yaml, Map<String, String> env) {
        String file = "homeserver: {server_name: a.org}\nplugins:\n  - type: x\n" + yaml.indent(4);
        ComptoirConfig config = ConfigLoader.parse(file, Path.of("."), env);
        return new PluginConfigImpl(config.plugins().get(0), config.homeserver().serverName());
    }

    private static List<String> errors(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> section(yaml, env).bind(Settings.class));
        assertThat(e).as("refused").isNotNull();
        return e.problems().stream().map(Throwable::getMessage).toList();
    }

    @Test
    void goodValuesBind() {
        Settings s = section("""
                room: "#annonces:a.org"
                rooms: ["!abc:a.org", " #aide:a.org "]
                every: 90s
                before: [48h, 2h30m, 14d, 10m]
                zone: America/Montreal
                token: "${TOKEN}"
                auth: {password: hunter2-long}
                source: {type: feed, url: "https://a.org/feed", key: k3y}
                """, Map.of("TOKEN", "s3cret-env")).bind(Settings.class);
        assertThat(s.room()).isEqualTo(RoomRef.of("#annonces:a.org"));
        assertThat(s.room().isAlias()).isTrue();
        assertThat(s.rooms()).extracting(RoomRef::value).containsExactly("!abc:a.org", "#aide:a.org");
        assertThat(s.every()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.before()).containsExactly(Duration.ofHours(48), Duration.ofMinutes(150), Duration.ofDays(14),
                Duration.ofMinutes(10));
        assertThat(s.zone()).isEqualTo(ZoneId.of("America/Montreal"));
        assertThat(s.token().reveal()).isEqualTo("s3cret-env");
        assertThat(s.auth().password().reveal()).isEqualTo("hunter2-long");
        assertThat(s.source()).isEqualTo(new Feed("https://a.org/feed", Secret.of("k3y")));
        assertThat(s.toString()).as("a bound secret stays masked in the record's toString")
                .doesNotContain("s3cret-env").doesNotContain("hunter2").doesNotContain("k3y");
    }

    @Test
    void badValuesNameTheKeyPathAndSayHowToWriteThem() {
        assertThat(errors("""
                room: annonces
                rooms: ["!abc:a.org", "#aide"]
                every: 300
                before: [48h, "2 jours"]
                zone: Paris
                source: {type: csv}
                """, Map.of())).containsExactlyInAnyOrder(
                "plugins[0].room: \"annonces\" is not a room ID (!abc:example.org) or alias (#name:example.org)",
                "plugins[0].rooms[1]: \"#aide\" is not a room ID (!abc:example.org) or alias (#name:example.org)",
                "plugins[0].every: \"300\" has no unit: write 300s, 300m, 300h or 300d",
                "plugins[0].before[1]: \"2 jours\" is not a duration: expected a number and a unit: 90s, 10m, 48h, 14d (or 2h30m)",
                "plugins[0].zone: \"Paris\" is not a time zone: write a region such as Europe/Paris or America/Montreal",
                "plugins[0].source.type: \"csv\" is not one of feed, file");
        assertThat(errors("source: {url: x}\n", Map.of())).containsExactly("plugins[0].source.type: missing: one of feed, file");
        assertThat(errors("source: {type: file, path: a, key: b}\n", Map.of()))
                .containsExactly("plugins[0].source.key: unknown key (allowed: path)");
    }

    @Test
    void aSecretNeverAppearsInAnError() {
        Map<String, String> env = Map.of("TOKEN", "s3cret-env", "ROOM", "s3cret-room");
        List<String> errors = errors("""
                token: ["s3cret-in-a-list"]
                auth: {password: {nested: s3cret-nested}}
                source: {type: feed, key: [s3cret-key], url: 12}
                room: "${ROOM}"
                every: "${TOKEN}"
                """, env);
        assertThat(errors).hasSize(5).allSatisfy(m -> assertThat(m).doesNotContain("s3cret"))
                .contains("plugins[0].token: expected a string, got a list",
                        "plugins[0].room: expected " + RoomRef.HOW + ", got a string (value hidden)");
        assertThat(errors("token: \"  \"\n", Map.of())).containsExactly("plugins[0].token: empty");
    }
}
