package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import coop.comptoir.api.plugin.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the config loader: any YAML text gives a loaded config or
 * {@link ConfigErrors} whose every problem has a key path and a reason; never another exception,
 * never a hang. A secret never appears in a problem, nor in the loaded config's {@code toString}:
 * the environment variable the text may refer to, and the values of its secret keys (checked by
 * loading the text a second time with each of them replaced by a marker). Kept
 * inputs and past crashes under {@code src/test/resources/…/ConfigLoaderFuzzTestInputs} run in
 * every build ({@code scripts/fuzz.sh} fuzzes).
 */
class ConfigLoaderFuzzTest {
    private static final String ENV_SECRET = "env-secret-value-7319";
    /** What the values of secret keys become in the second load. */
    private static final String MARK = "zq-secret-mark-";
    private static final Map<String, String> ENV = Map.of("AS_TOKEN", ENV_SECRET, "PORT", "8448", "EMPTY", "");
    private static final Path BASE;

    static {
        try {
            BASE = Files.createTempDirectory("config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(60) // seconds (the first input also loads and instruments the classes): a slower one is a hang
    void anyYamlIsAConfigOrProblemsWithKeyPaths(byte[] input) throws IOException {
        String yaml = new String(input, StandardCharsets.UTF_8);
        loadOrProblems(yaml);
        // The same file with every value of a secret key replaced by a marker: no marker may show.
        JsonNode tree;
        try {
            tree = TreeBinder.MAPPER.readTree(yaml);
        } catch (IOException | RuntimeException notYaml) {
            return;
        }
        if (tree != null && markSecrets(tree, false, new int[] {0})) {
            loadOrProblems(TreeBinder.MAPPER.writeValueAsString(tree));
        }
    }

    /** Loads; every problem has a key path and a reason, and neither the config nor a problem shows a secret. */
    private static void loadOrProblems(String yaml) {
        try {
            ComptoirConfig config = ConfigLoader.parse(yaml, BASE, ENV);
            assertThat(config.toString()).as("config of %s", yaml).doesNotContain(ENV_SECRET).doesNotContain(MARK);
        } catch (ConfigErrors errors) {
            assertThat(errors.errors()).isNotEmpty();
            for (ConfigException e : errors.errors()) {
                assertThat(e.path()).as("problem %s", e.getMessage()).isNotBlank();
                assertThat(e.reason()).as("problem %s", e.getMessage()).isNotBlank();
                assertThat(e.getMessage()).as("problem of %s", yaml).doesNotContain(ENV_SECRET).doesNotContain(MARK);
            }
        }
    }

    /** Replaces the text values under secret keys by markers; whether there was one. */
    private static boolean markSecrets(JsonNode node, boolean secret, int[] count) {
        boolean any = false;
        if (node instanceof ObjectNode object) {
            for (var p : object.properties()) {
                boolean under = secret || KeyPaths.isSecretKey(p.getKey());
                if (under && p.getValue().isTextual()) {
                    p.setValue(TextNode.valueOf(MARK + count[0]++));
                    any = true;
                } else {
                    any |= markSecrets(p.getValue(), under, count);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (secret && array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(MARK + count[0]++));
                    any = true;
                } else {
                    any |= markSecrets(array.get(i), secret, count);
                }
            }
        }
        return any;
    }
}
