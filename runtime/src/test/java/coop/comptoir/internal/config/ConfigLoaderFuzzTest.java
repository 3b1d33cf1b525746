package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the config loader: any YAML text gives a loaded config or
 * {@link ConfigErrors} whose every problem has a key path and a reason; never another exception,
 * never a hang. A secret (the value of a secret key in the text, or of the environment variable the
 * text refers to) never appears in a problem, nor in the loaded config's {@code toString}. Kept
 * inputs and past crashes under {@code src/test/resources/…/ConfigLoaderFuzzTestInputs} run in
 * every build ({@code scripts/fuzz.sh} fuzzes).
 */
class ConfigLoaderFuzzTest {
    private static final String ENV_SECRET = "env-secret-value-7319";
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
    void anyYamlIsAConfigOrProblemsWithKeyPaths(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        Set<String> secrets = secrets(yaml);
        try {
            ComptoirConfig config = ConfigLoader.parse(yaml, BASE, ENV);
            String shown = config.toString();
            for (String secret : secrets) {
                assertThat(shown).as("config of %s", yaml).doesNotContain(secret);
            }
        } catch (ConfigErrors errors) {
            assertThat(errors.errors()).isNotEmpty();
            for (ConfigException e : errors.errors()) {
                assertThat(e.path()).as("problem %s", e.getMessage()).isNotBlank();
                assertThat(e.getMessage()).as("problem of %s", yaml).isNotBlank();
                for (String secret : secrets) {
                    assertThat(e.getMessage()).as("problem of %s", yaml).doesNotContain(secret);
                }
            }
        }
    }

    /**
     * The secrets a problem must not show: the environment's, and the text values of secret keys
     * that no other key or value of the text contains (a value shown under another key is not
     * secret there).
     */
    private static Set<String> secrets(String yaml) {
        Set<String> secrets = new HashSet<>(Set.of(ENV_SECRET));
        JsonNode root;
        try {
            root = TreeBinder.MAPPER.readTree(yaml);
        } catch (IOException | RuntimeException notYaml) {
            return secrets;
        }
        List<String> candidates = new ArrayList<>();
        List<String> others = new ArrayList<>();
        walk(root, false, candidates, others);
        for (String c : candidates) {
            if (c.length() >= 6 && others.stream().noneMatch(o -> o.contains(c))) {
                secrets.add(c);
            }
        }
        return secrets;
    }

    private static void walk(JsonNode node, boolean secret, List<String> candidates, List<String> others) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(p -> {
                others.add(p.getKey());
                walk(p.getValue(), secret || KeyPaths.isSecretKey(p.getKey()), candidates, others);
            });
        } else if (node.isArray()) {
            node.forEach(n -> walk(n, secret, candidates, others));
        } else if (node.isValueNode()) {
            (secret && node.isTextual() ? candidates : others).add(node.asText());
        }
    }
}
