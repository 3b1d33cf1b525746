package coop.comptoir.internal.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.config.RegistrationFile;
import coop.comptoir.internal.registration.RegistrationGenerator.TokenSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistrationGeneratorTest {
    @TempDir
    Path dir;

    private ComptoirConfig config(String extra) {
        return ConfigLoader.parse("homeserver: {server_name: coop.example.org}\n" + extra, dir, Map.of());
    }

    private static final List<Namespaces> GHOSTS = List.of(
            Namespaces.users("@_discord_.*:coop\\.example\\.org"),
            new Namespaces(List.of(new Namespaces.Entry("@_discord_.*:coop\\.example\\.org", false)),
                    List.of(new Namespaces.Entry("#_discord_.*:coop\\.example\\.org", true)), List.of()));

    @Test
    void buildsTheRegistrationWithTheBotAsExclusiveUser() {
        Map<String, Object> r = RegistrationGenerator.build(config(""), GHOSTS, "A", "H");
        assertThat(r).containsExactly(
                Map.entry("id", "comptoir"),
                Map.entry("url", "http://127.0.0.1:29320"),
                Map.entry("as_token", "A"),
                Map.entry("hs_token", "H"),
                Map.entry("sender_localpart", "comptoir"),
                Map.entry("rate_limited", false),
                Map.entry("namespaces", Map.of(
                        "users", List.of(
                                Map.of("exclusive", true, "regex", "@comptoir:coop\\.example\\.org"),
                                Map.of("exclusive", true, "regex", "@_discord_.*:coop\\.example\\.org")),
                        "aliases", List.of(Map.of("exclusive", true, "regex", "#_discord_.*:coop\\.example\\.org")),
                        "rooms", List.of())));
    }

    @Test
    void asksForToDeviceMessagesAndKeyCountsWhenEncryptionIsOn() {
        Map<String, Object> r = RegistrationGenerator.build(config("encryption: {enabled: true}"), GHOSTS, "A", "H");
        assertThat(r).containsEntry("receive_ephemeral", true).containsEntry("de.sorunome.msc2409.push_ephemeral", true)
                .containsEntry("org.matrix.msc3202", true);
        assertThat(RegistrationGenerator.build(config("encryption: {enabled: false}"), GHOSTS, "A", "H"))
                .doesNotContainKeys("receive_ephemeral", "org.matrix.msc3202");
    }

    @Test
    void quotesEveryPunctuationMarkForJavaAndPython() {
        assertThat(RegistrationGenerator.quote("a.b-c_d:8448/+=")).isEqualTo("a\\.b\\-c_d\\:8448\\/\\+\\=");
        String regex = RegistrationGenerator.userRegex("bot.name", "example.org:8448");
        assertThat(Pattern.compile(regex).matcher("@bot.name:example.org:8448").matches()).isTrue();
        assertThat(Pattern.compile(regex).matcher("@botXname:example.org:8448").matches()).isFalse();
    }

    @Test
    void drawsLongUrlSafeTokens() {
        String a = RegistrationGenerator.newToken();
        String b = RegistrationGenerator.newToken();
        assertThat(a).hasSize(64).matches("[A-Za-z0-9_-]{64}").isNotEqualTo(b);
    }

    @Test
    void keepsTheTokensOfAnExistingFileUnlessAskedForNewOnes() throws IOException {
        Path file = dir.resolve("registration.yaml");
        var first = RegistrationGenerator.write(config(""), GHOSTS, file, false);
        assertThat(first.asToken()).isEqualTo(TokenSource.NEW);
        RegistrationFile written = RegistrationFile.read(file);
        assertThat(written.asToken()).hasSize(64).isNotEqualTo(written.hsToken());

        var second = RegistrationGenerator.write(config("appservice: {display_name: Other}"), List.of(), file, false);
        assertThat(second.asToken()).isEqualTo(TokenSource.KEPT);
        RegistrationFile again = RegistrationFile.read(file);
        assertThat(again.asToken()).isEqualTo(written.asToken());
        assertThat(again.hsToken()).isEqualTo(written.hsToken());
        assertThat(again.namespaces().users()).hasSize(1);

        RegistrationGenerator.write(config(""), GHOSTS, file, true);
        RegistrationFile renewed = RegistrationFile.read(file);
        assertThat(renewed.asToken()).isNotEqualTo(written.asToken());
        assertThat(renewed.hsToken()).isNotEqualTo(written.hsToken());
    }

    @Test
    void tokensInTheConfigWin() throws IOException {
        Path file = dir.resolve("registration.yaml");
        RegistrationGenerator.write(config(""), List.of(), file, false);
        var result = RegistrationGenerator.write(config("appservice: {as_token: from-config}"), List.of(), file, false);
        assertThat(result.asToken()).isEqualTo(TokenSource.CONFIG);
        assertThat(result.hsToken()).isEqualTo(TokenSource.KEPT);
        assertThat(RegistrationFile.read(file).asToken()).isEqualTo("from-config");
    }

    @Test
    void writesAFileOnlyItsOwnerCanRead() throws IOException {
        Path file = dir.resolve("sub/registration.yaml");
        RegistrationGenerator.write(config(""), List.of(), file, false);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            // An admin opened it to the homeserver's group: a rewrite keeps that, never "others".
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            RegistrationGenerator.write(config(""), List.of(), file, false);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        }
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
        assertThat(Files.readString(file)).startsWith("# Appservice registration for Comptoir");
    }

    @Test
    void refusesToOverwriteSomethingThatIsNotARegistration() throws IOException {
        Path file = dir.resolve("registration.yaml");
        Files.writeString(file, "as_token: [unclosed\n");
        assertThatThrownBy(() -> RegistrationGenerator.write(config(""), List.of(), file, false))
                .isInstanceOf(ConfigErrors.class).hasMessageContaining("not valid YAML");
        assertThat(RegistrationGenerator.write(config(""), List.of(), file, true).asToken()).isEqualTo(TokenSource.NEW);
    }

    @Test
    void tellsWhatChangedSinceTheFileWasWritten() {
        Path file = dir.resolve("registration.yaml");
        RegistrationGenerator.write(config(""), GHOSTS, file, false);
        RegistrationFile existing = RegistrationFile.read(file);
        assertThat(RegistrationGenerator.differences(config(""), GHOSTS, existing)).isEmpty();
        assertThat(RegistrationGenerator.differences(config("appservice: {public_url: 'http://comptoir:29320'}"), List.of(), existing))
                .containsExactly("url differs from appservice.public_url",
                        "namespaces.users differ from what the enabled plugins claim",
                        "namespaces.aliases differ from what the enabled plugins claim");
    }
}
