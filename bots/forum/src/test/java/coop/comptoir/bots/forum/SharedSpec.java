package coop.comptoir.bots.forum;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Discourse reference responses in {@code <comptoir.shared.dir>/spec/discourse/responses}, read in place. */
final class SharedSpec {
    private SharedSpec() {}

    static JsonNode response(String relative) throws IOException {
        String dir = System.getProperty("comptoir.shared.dir");
        Path file = dir == null ? null : Path.of(dir, "spec", "discourse", "responses", relative);
        boolean present = file != null && Files.isRegularFile(file);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but the Discourse reference responses are missing: " + file);
        }
        assumeTrue(present, "skipped: Discourse reference responses not found (" + file + "); set comptoir.shared.dir");
        return new ObjectMapper().readTree(file.toFile());
    }
}
