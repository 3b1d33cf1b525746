package coop.comptoir.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTypesTest {
    @Test
    void problemsCollectNestedPathsAndThrowOneExceptionListingThemAll() {
        Problems p = Problems.root("plugins[1]");
        assertThat(p.isEmpty()).isTrue();
        p.throwIfAny(); // nothing to throw
        p.add("coop", "empty");
        Problems room = p.at("rooms").at(2);
        room.add("room", "listed twice");
        room.add(null, "missing");
        p.at("commands").at("faq").at(0).add(null, "lower-case letters");
        p.deprecated("group_window_seconds", "group_window", "group_window: 3s");
        assertThat(room.path()).isEqualTo("plugins[1].rooms[2]");
        assertThat(p.list()).extracting(ConfigException::getMessage).containsExactly(
                "plugins[1].coop: empty",
                "plugins[1].rooms[2].room: listed twice",
                "plugins[1].rooms[2]: missing",
                "plugins[1].commands.faq[0]: lower-case letters");
        assertThat(p.warnings()).extracting(ConfigException::getMessage).containsExactly(
                "plugins[1].group_window_seconds: deprecated, still read for this release: write group_window instead"
                        + " (e.g. group_window: 3s)");
        assertThatThrownBy(p::throwIfAny).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("""
                    4 configuration problems:
                      plugins[1].coop: empty
                      plugins[1].rooms[2].room: listed twice
                      plugins[1].rooms[2]: missing
                      plugins[1].commands.faq[0]: lower-case letters""");
            assertThat(e.path()).isEqualTo("plugins[1].coop");
            assertThat(e.reason()).isEqualTo("empty");
            assertThat(e.problems()).hasSize(4);
        });
        Problems top = Problems.root("");
        top.add(null, "expected a mapping");
        top.add("homeserver", "missing");
        assertThat(top.list()).extracting(ConfigException::getMessage)
                .containsExactly("(top level): expected a mapping", "homeserver: missing");
    }

    @Test
    void oneProblemKeepsItsPlainMessage() {
        Problems p = Problems.root("p");
        p.add("url", "missing");
        assertThatThrownBy(p::throwIfAny).hasMessage("p.url: missing");
    }

    @Test
    void roomRefsAreIdsOrAliases() {
        assertThat(RoomRef.of("!abc:coop.example").isAlias()).isFalse();
        assertThat(RoomRef.of(" #aide:coop.example ").value()).isEqualTo("#aide:coop.example");
        assertThat(RoomRef.of("#aide:coop.example")).isEqualTo(RoomRef.of("#aide:coop.example")).hasToString("#aide:coop.example");
        assertThatThrownBy(() -> RoomRef.of("aide")).hasMessage(
                "\"aide\" is not a room ID (!abc:example.org) or alias (#name:example.org)");
        assertThatThrownBy(() -> RoomRef.of("#aide")).hasMessageContaining("alias (#name:example.org)");
        assertThatThrownBy(() -> RoomRef.of("")).hasMessage("empty: expected a room ID (!abc:example.org) or alias (#name:example.org)");
        assertThatThrownBy(() -> RoomRef.of(null)).hasMessageStartingWith("empty");
    }

    @Test
    void durationsNeedAUnit() {
        assertThat(ConfigDurations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigDurations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ConfigDurations.parse("10min")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ConfigDurations.parse("48h")).isEqualTo(Duration.ofHours(48));
        assertThat(ConfigDurations.parse("14d")).isEqualTo(Duration.ofDays(14));
        assertThat(ConfigDurations.parse("2h30m")).isEqualTo(Duration.ofMinutes(150));
        assertThat(ConfigDurations.parse("PT5M")).as("older configs").isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> ConfigDurations.parse("300")).hasMessage("\"300\" has no unit: write 300s, 300m, 300h or 300d");
        assertThatThrownBy(() -> ConfigDurations.parse("2 jours")).hasMessage(
                "\"2 jours\" is not a duration: expected a number and a unit: 90s, 10m, 48h, 14d (or 2h30m)");
        assertThatThrownBy(() -> ConfigDurations.parse(" ")).hasMessageStartingWith("empty: expected a number and a unit");
        assertThat(ConfigDurations.format(Duration.ofMinutes(150))).isEqualTo("2h30m");
        assertThat(ConfigDurations.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(ConfigDurations.parse(ConfigDurations.format(Duration.ofHours(49)))).isEqualTo(Duration.ofHours(49));
    }

    @Test
    void aSecretIsMaskedEverywhereButItsExplicitAccessor() {
        Secret s = Secret.of("hunter2-s3cret");
        assertThat(s.toString()).isEqualTo("********");
        assertThat(String.valueOf(s)).doesNotContain("hunter2");
        assertThat(new Holder(s, "x").toString()).doesNotContain("hunter2");
        assertThat(s.reveal()).isEqualTo("hunter2-s3cret");
        assertThat(s.length()).isEqualTo(14);
        assertThat(s.matches("hunter2-s3cret")).isTrue();
        assertThat(s.matches("hunter2")).isFalse();
        assertThat(s.matches(null)).isFalse();
        assertThatThrownBy(() -> Secret.of(" ")).hasMessage("empty");
    }

    private record Holder(Secret secret, String other) {}
}
