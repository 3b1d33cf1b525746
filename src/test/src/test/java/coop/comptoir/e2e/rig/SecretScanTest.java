package coop.comptoir.e2e.rig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan every end-to-end Comptoir process goes through when it stops (no homeserver needed). */
class SecretScanTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path registration = dir.resolve("registration.yaml");
        Files.writeString(registration, """
                id: comptoir
                url: http://127.0.0.1:1
                as_token: as-token-0123456789
                hs_token: hs-token-0123456789
                sender_localpart: comptoir
                namespaces: {users: [], aliases: [], rooms: []}
                """);
        Path config = dir.resolve("comptoir.yaml");
        Files.writeString(config, """
                appservice:
                  registration: %s
                database:
                  url: jdbc:postgresql://127.0.0.1/db?user=u&password=db-password-123
                plugins:
                  - type: discord
                    token: ${DISCORD_TOKEN}
                  - type: forum
                    api_key: forum-api-key-0123
                    webhook: {secret: short}
                    url: https://forum.example.org
                """.formatted(registration));
        return config;
    }

    @Test
    void findsTheSecretsWhereAnAdminPutsThem() throws Exception {
        Map<String, String> secrets = SecretScan.secretsOf(config(),
                Map.of("DISCORD_TOKEN", "discord-token-from-env", "BBB_SECRET", "bbb-shared-secret", "LANG", "fr_FR.UTF-8"));

        assertThat(secrets).containsValues("as-token-0123456789", "hs-token-0123456789", "db-password-123",
                "discord-token-from-env", "forum-api-key-0123", "bbb-shared-secret");
        assertThat(secrets).containsKeys("config plugins[0].token", "config plugins[1].api_key", "environment BBB_SECRET");
        assertThat(secrets.values()).doesNotContain("short", "https://forum.example.org", "fr_FR.UTF-8");
    }

    @Test
    void aLogHoldingATokenFailsTheTestWithoutRepeatingTheToken() throws Exception {
        Path config = config();
        Path log = dir.resolve("comptoir.log");
        Files.writeString(log, "INFO started\nDEBUG GET /gateway Authorization: Bot discord-token-from-env\n");

        assertThatThrownBy(() -> SecretScan.check("comptoir", log, config, Map.of("DISCORD_TOKEN", "discord-token-from-env"), false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("config plugins[0].token in line 2")
                .hasMessageNotContaining("discord-token-from-env");
    }

    @Test
    void aCleanLogPasses() throws Exception {
        Path config = config();
        Path log = dir.resolve("comptoir.log");
        Files.writeString(log, "INFO started with token ***\n");

        SecretScan.check("comptoir", log, config, Map.of("DISCORD_TOKEN", "discord-token-from-env"), false);
    }
}
