package coop.comptoir.internal.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The written registration file, checked against the spec's JSON schema
 * ({@code data/api/application-service/definitions/registration.yaml} in {@code ../shared/spec/matrix},
 * read in place, its {@code $ref}s resolved by the validator) and against what Synapse needs: a
 * {@code url}, and exclusive user namespaces that match the bot and the plugins' ghosts with the
 * same meaning in Java and in Python's {@code re}.
 *
 * <p>The folder comes from the system property {@code comptoir.shared.dir} when set (the build sets
 * it), else from a search for {@code shared/spec/matrix} upwards from the working directory. Without
 * it the test is skipped, unless the environment has {@code CI=true}: then it fails.
 */
@Tag("conformance")
class RegistrationSchemaConformanceTest {
    private static final String SCHEMA = "spec/matrix/data/api/application-service/definitions/registration.yaml";

    private static Path schemaFile;

    @TempDir
    Path dir;

    @BeforeAll
    static void findSchema() {
        Optional<Path> shared = sharedDir();
        if (shared.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("../shared not found (set -Dcomptoir.shared.dir): registration conformance cannot be skipped when CI=true");
        }
        schemaFile = shared.map(d -> d.resolve(SCHEMA).toAbsolutePath().normalize()).orElse(null);
    }

    @BeforeEach
    void requireSchema() {
        Assumptions.assumeTrue(schemaFile != null, "../shared not found: registration schema conformance skipped");
    }

    static Optional<Path> sharedDir() {
        String property = System.getProperty("comptoir.shared.dir");
        if (property != null && !property.isBlank()) {
            Path dir = Path.of(property);
            return Files.isRegularFile(dir.resolve(SCHEMA)) ? Optional.of(dir) : Optional.empty();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("shared").resolve(SCHEMA))) {
                return Optional.of(p.resolve("shared"));
            }
        }
        return Optional.empty();
    }

    /** A config with a port in the server name and a dash in the localpart: both need escaping. */
    private ComptoirConfig config() {
        return ConfigLoader.parse("""
                homeserver: {server_name: 'coop-example.org:8448'}
                appservice: {sender_localpart: comptoir-bot, public_url: 'https://comptoir.coop-example.org/as'}
                """, dir, Map.of());
    }

    private static final String GHOST_SERVER = RegistrationGenerator.quote("coop-example.org:8448");
    private static final List<Namespaces> PLUGINS = List.of(
            Namespaces.users("@_discord_[0-9]+:" + GHOST_SERVER),
            new Namespaces(List.of(), List.of(new Namespaces.Entry("#_discord_.*:" + GHOST_SERVER, true)), List.of()));

    private Path write() {
        Path file = dir.resolve("registration.yaml");
        RegistrationGenerator.write(config(), PLUGINS, file, false);
        return file;
    }

    /** The spec's schema; its files are read from disk (and only them): nothing is fetched remotely. */
    private static Schema schema() {
        Path specRoot = schemaFile.getParent();
        // The spec's annotation x-addedInMatrixVersion is known to be harmless.
        Dialect dialect = Dialect.builder(Dialects.getDraft202012())
                .keyword(new NonValidationKeyword("x-addedInMatrixVersion")).build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(dialect,
                builder -> builder.resourceLoaders(loaders -> loaders.add(iri -> {
                    if (!"file".equals(iri.getScheme())) {
                        return null;
                    }
                    Path file = Path.of(java.net.URI.create(iri.toString())).normalize();
                    return file.startsWith(specRoot) && Files.isRegularFile(file) ? () -> Files.newInputStream(file) : null;
                })));
        return registry.getSchema(SchemaLocation.of(schemaFile.toUri().toString()));
    }

    @Test
    void theWrittenFileMatchesTheSpecSchema() throws IOException {
        Schema schema = schema();
        assertThat(schema.validate(Files.readString(write()), InputFormat.YAML)).isEmpty();

        // The validator does check: a registration without url or with a wrong type is refused.
        List<Error> broken = schema.validate("id: x\nas_token: a\nhs_token: h\nsender_localpart: b\n"
                + "namespaces: {users: [{regex: 'x'}]}\nrate_limited: 'no'\n", InputFormat.YAML);
        assertThat(broken).extracting(Error::getKeyword).contains("required", "type");
        assertThat(broken.toString()).contains("url").contains("exclusive").contains("rate_limited");
    }

    @Test
    void theExampleInConfigMatchesTheSpecSchema() throws IOException {
        Path example = null;
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null && example == null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/registration.example.yaml"))) {
                example = p.resolve("config/registration.example.yaml");
            }
        }
        assertThat(example).as("config/registration.example.yaml").isNotNull();
        assertThat(schema().validate(Files.readString(example), InputFormat.YAML)).isEmpty();
    }

    @Test
    void hasWhatSynapseNeeds() throws IOException, InterruptedException {
        var registration = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(write().toFile());
        assertThat(registration.path("url").asText()).isEqualTo("https://comptoir.coop-example.org/as");
        assertThat(registration.path("rate_limited").asBoolean(true)).as("Synapse defaults to true").isFalse();

        List<String> exclusiveUsers = new ArrayList<>();
        registration.path("namespaces").path("users").forEach(n -> {
            if (n.path("exclusive").asBoolean()) {
                exclusiveUsers.add(n.path("regex").asText());
            }
        });
        String bot = "@comptoir-bot:coop-example.org:8448";
        String ghost = "@_discord_1234:coop-example.org:8448";
        assertThat(exclusiveUsers).anySatisfy(r -> assertThat(Pattern.compile(r).matcher(bot).matches()).isTrue());
        assertThat(exclusiveUsers).anySatisfy(r -> assertThat(Pattern.compile(r).matcher(ghost).matches()).isTrue());
        assertThat(exclusiveUsers).allSatisfy(r -> {
            assertThat(Pattern.compile(r).matcher("@comptoirXbot:coop-example.org:8448").matches()).isFalse();
            assertThat(Pattern.compile(r).matcher("@comptoir-bot:other.org").matches()).isFalse();
        });

        // Synapse compiles the regexes with Python's re: same answers there (fullmatch is Java's matches()).
        List<String> expected = new ArrayList<>();
        for (String r : exclusiveUsers) {
            for (String user : List.of(bot, ghost, "@comptoirXbot:coop-example.org:8448")) {
                expected.add(String.valueOf(Pattern.compile(r).matcher(user).matches()));
            }
        }
        Assumptions.assumeTrue(python3(), "python3 not found: the Python side of the regex check is skipped");
        List<String> args = new ArrayList<>(List.of("python3", "-c", """
                import re, sys
                regexes = sys.argv[1:]
                for r in regexes:
                    p = re.compile(r)
                    for u in ("%s", "%s", "@comptoirXbot:coop-example.org:8448"):
                        print("true" if p.fullmatch(u) else "false")
                """.formatted(bot, ghost)));
        args.addAll(exclusiveUsers);
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).isEqualTo(expected);
    }

    private static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
