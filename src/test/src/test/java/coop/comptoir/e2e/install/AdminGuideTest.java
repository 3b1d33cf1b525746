package coop.comptoir.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin guides show the reverse-proxy snippets that {@code ForumBehindNginxE2ETest} runs, word
 * for word, in both languages; they register Comptoir with Synapse one way only (Synapse reads
 * {@code /etc/comptoir/registration.yaml} where it is); the compose example reads.
 */
class AdminGuideTest {
    private static final List<String> GUIDES = List.of("docs/admin-guide.fr.md", "docs/admin-guide.en.md");

    /** The snippet file without its leading comment lines, as the guides show it. */
    private static String snippet(String file) throws IOException {
        return String.join("\n", Files.readString(RepoFiles.find(file)).lines().dropWhile(l -> l.startsWith("#")).toList());
    }

    @Test
    void bothGuidesShowTheTestedNginxSnippetAndTheCaddyOne() throws IOException {
        String nginx = snippet("docs/nginx-comptoir.conf");
        String caddy = snippet("docs/Caddyfile-comptoir");
        assertThat(nginx).startsWith("location ");
        for (String guide : GUIDES) {
            String text = Files.readString(RepoFiles.find(guide));
            assertThat(text).as(guide).contains(nginx).contains(caddy);
        }
    }

    @Test
    void synapseReadsTheRegistrationWhereComptoirWritesIt() throws IOException {
        for (String guide : GUIDES) {
            String text = Files.readString(RepoFiles.find(guide));
            assertThat(text).as(guide).contains("app_service_config_files:\n     - /etc/comptoir/registration.yaml");
            assertThat(text).as(guide).doesNotContainPattern("(cp|copy|install) [^\\n]*registration\\.yaml [^\\n]*/etc/matrix-synapse");
        }
    }

    @Test
    void theComposeExampleMountsTheConfigForBothServices() throws IOException {
        JsonNode compose = Http.YAML.readTree(RepoFiles.find("docs/compose.example.yaml").toFile());
        assertThat(compose.path("services").path("comptoir").path("volumes").toString()).contains("/etc/comptoir:ro", "/var/lib/comptoir");
        assertThat(compose.path("services").path("synapse").path("volumes").toString()).contains("./comptoir:/comptoir:ro");
        assertThat(compose.path("services").path("comptoir").path("ports").toString()).doesNotContain("\"29321:").contains("127.0.0.1:29321");
    }
}
