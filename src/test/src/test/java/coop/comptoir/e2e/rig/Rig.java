package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.Request;

/**
 * The end-to-end test bed, one per JVM, started by the first {@link #get()}: a homeserver (Synapse,
 * or Dendrite with {@code -Dcomptoir.e2e.homeserver=dendrite}) that knows Comptoir's appservice
 * registration, made by Comptoir's own {@code generate-registration} command before the homeserver
 * starts. Stopped by a JVM shutdown hook.
 *
 * <p>Tests share the homeserver (every user and room name is unique) and start their own
 * {@link ComptoirProcess} with {@link #comptoir(String)}.
 */
public final class Rig {
    public static final String SERVER_NAME = "comptoir.test";
    public static final String APPSERVICE_ID = "comptoir-e2e";
    public static final String BOT_LOCALPART = "comptoir";
    /**
     * Turns on the test-only plugin types; the rig's config enables {@code echo-ghost} (this
     * module's {@code coop.comptoir.e2e.plugin}, put on Comptoir's classpath), which owns
     * {@code @_echo_.*} users.
     */
    public static final Map<String, String> COMPTOIR_ENV = Map.of("COMPTOIR_TEST_PLUGINS", "1");

    private static Rig instance;
    private static RuntimeException startFailure;

    private final Path work;
    private final ComptoirCli cli;
    private final Homeserver synapse;
    private final int appservicePort;
    private final Registration registration;

    private Rig(Path work, ComptoirCli cli, Homeserver synapse, int appservicePort, Registration registration) {
        this.work = work;
        this.cli = cli;
        this.synapse = synapse;
        this.appservicePort = appservicePort;
        this.registration = registration;
    }

    /** The started test bed; the first call takes several seconds, a failed start fails every later call. */
    public static synchronized Rig get() {
        if (startFailure != null) {
            throw new IllegalStateException("the end-to-end rig failed to start earlier", startFailure);
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException e) {
                startFailure = new IllegalStateException("the end-to-end rig could not start: " + e, e);
                throw startFailure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the end-to-end rig", e);
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return instance;
    }

    private static Rig start() throws IOException, InterruptedException {
        Path work = RigSettings.workDir();
        Files.createDirectories(work);
        ComptoirCli cli = new ComptoirCli(RigSettings.jar(), COMPTOIR_ENV, testPluginClasspath());
        Homeserver synapse = RigSettings.dendrite()
                ? new Dendrite(work.resolve("dendrite"), DendriteInstaller.ensureInstalled(), SERVER_NAME)
                : new Synapse(work.resolve("synapse"), SynapseInstaller.ensureInstalled(), SERVER_NAME);
        int appservicePort = Ports.freeLoopbackPort();

        Path registrationDir = work.resolve("registration");
        Synapse.deleteRecursively(registrationDir);
        Files.createDirectories(registrationDir);
        Path registrationFile = registrationDir.resolve("registration.yaml");
        Path config = registrationDir.resolve("comptoir.yaml");
        ObjectNode registrationConfig = config(synapse, appservicePort, registrationFile, registrationDir.resolve("comptoir.db"));
        // The bridges' ghost namespaces go in the one registration Synapse loads; their tests start them with their own config.
        ((ArrayNode) registrationConfig.get("plugins")).addObject().put("type", "discord").put("id", "discord")
                .put("token", "registration-only").put("guild_id", "1");
        ((ArrayNode) registrationConfig.get("plugins")).addObject().put("type", "rocketchat").put("id", "rocketchat")
                .put("server_url", "http://127.0.0.1:1").put("user_id", "registrationOnly").put("token", "registration-only");
        ((ArrayNode) registrationConfig.get("plugins")).addObject().put("type", "migration").put("id", "migration");
        // The one registration serves EndToEndEncryptionE2ETest too: it asks for to-device messages.
        registrationConfig.putObject("encryption").put("enabled", true);
        Http.YAML.writeValue(config.toFile(), registrationConfig);
        ComptoirCli.Result generated = cli.run(registrationDir, registrationDir.resolve("generate-registration.log"),
                Duration.ofSeconds(60), "generate-registration", "--config", config.toString(),
                "--output", registrationFile.toString());
        if (generated.exitCode() != 0 || !Files.isRegularFile(registrationFile)) {
            throw new IllegalStateException("comptoir generate-registration failed (status " + generated.exitCode()
                    + ")\n" + generated.output());
        }
        Registration registration = Registration.read(registrationFile);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ComptoirProcess.killRunning();
            synapse.close();
        }, "e2e-rig-shutdown"));
        synapse.start(List.of(registrationFile));
        System.out.printf("e2e rig: %s %s at %s (logs %s), appservice port %d, work %s%n",
                synapse.describe(), SERVER_NAME, synapse.url(), synapse.logFile(), appservicePort, work);
        return new Rig(work, cli, synapse, appservicePort, registration);
    }

    /**
     * The folder of this module's test classes when it holds test-only plugins (a
     * {@code META-INF/services} entry for {@code PluginFactory}), so that Comptoir finds them.
     */
    private static List<Path> testPluginClasspath() {
        try {
            Path classes = Path.of(Rig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            boolean hasPlugins = Files.isDirectory(classes)
                    && Files.isRegularFile(classes.resolve("META-INF/services/coop.comptoir.api.plugin.PluginFactory"));
            return hasPlugins ? List.of(classes) : List.of();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return List.of();
        }
    }

    /** The rig's Comptoir config: this homeserver, the shared registration, SQLite in {@code database}. */
    private static ObjectNode config(Homeserver synapse, int appservicePort, Path registration, Path database) {
        ObjectNode config = Http.object();
        config.putObject("homeserver")
                .put("url", synapse.url())
                .put("server_name", synapse.serverName());
        ObjectNode appservice = config.putObject("appservice")
                .put("id", APPSERVICE_ID)
                .put("bind", "127.0.0.1")
                .put("port", appservicePort)
                .put("public_url", "http://127.0.0.1:" + appservicePort)
                .put("registration", registration.toString())
                .put("sender_localpart", BOT_LOCALPART)
                .put("display_name", "Comptoir");
        if (synapse instanceof Dendrite) {
            // No appservice ping there: a Comptoir started while nothing happens in the bot's rooms
            // waits this long for a first transaction (30 s by default) before turning ready.
            appservice.put("first_transaction_wait", "3s");
        }
        config.putObject("database").put("url", "jdbc:sqlite:" + database);
        config.putArray("plugins").addObject().put("type", "echo-ghost");
        return config;
    }

    /** The homeserver under test (Synapse unless {@code -Dcomptoir.e2e.homeserver=dendrite}); the name stays for the tests. */
    public Homeserver synapse() {
        return synapse;
    }

    /** Whether the homeserver under test is Dendrite. */
    public boolean onDendrite() {
        return synapse instanceof Dendrite;
    }

    /** The registration Synapse loaded (tokens, namespaces). */
    public Registration registration() {
        return registration;
    }

    /** Where Synapse (and the tests) reach the Comptoir processes of this rig. */
    public String appserviceUrl() {
        return "http://127.0.0.1:" + appservicePort;
    }

    /** {@code @comptoir:comptoir.test} */
    public String botUserId() {
        return "@" + registration.senderLocalpart() + ":" + SERVER_NAME;
    }

    /** How many rooms Comptoir's bot is in, asked as the application service ({@code /joined_rooms}). */
    public int botRoomCount() {
        Http.Answer a = Http.call(new Request.Builder().url(synapse.url() + "/_matrix/client/v3/joined_rooms")
                .header("Authorization", "Bearer " + registration.asToken()).build());
        if (a.status() != 200) {
            throw new AssertionError("joined_rooms as the application service: " + a);
        }
        return a.json().path("joined_rooms").size();
    }

    /** The Comptoir command line (same jar and environment as the processes). */
    public ComptoirCli cli() {
        return cli;
    }

    /** A scratch folder for one test class, emptied first. */
    public Path freshDir(String name) throws IOException {
        Path dir = work.resolve(name);
        Synapse.deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** A Comptoir process (not started) with the rig's config and its own SQLite database. */
    public ComptoirProcess comptoir(String name) throws IOException {
        return comptoir(name, config -> {});
    }

    /**
     * A Comptoir process (not started) whose config the caller may change first, e.g.
     * {@code c -> ((ObjectNode) c.get("appservice")).put("max_body_bytes", 65536)}. Keep the
     * appservice section's id, port and registration: Synapse knows only those.
     */
    public ComptoirProcess comptoir(String name, Consumer<ObjectNode> customize) throws IOException {
        Path dir = freshDir(name);
        ObjectNode config = config(synapse, appservicePort, registration.file(), dir.resolve("comptoir.db"));
        customize.accept(config);
        return new ComptoirProcess(name, dir, config, cli);
    }

    /**
     * A Comptoir process (not started) run from the dist jar alone ({@code java -jar}), without
     * this module's test plugins on its class path: the rig's config minus {@code echo-ghost},
     * then {@code customize}. For plugins that must come from the plugins folder.
     */
    public ComptoirProcess comptoirFromJarAlone(String name, Consumer<ObjectNode> customize) throws IOException {
        Path dir = freshDir(name);
        ObjectNode config = config(synapse, appservicePort, registration.file(), dir.resolve("comptoir.db"));
        config.putArray("plugins");
        customize.accept(config);
        return new ComptoirProcess(name, dir, config, cliFromJarAlone());
    }

    /** The Comptoir command line from the dist jar alone, without this module's test plugins. */
    public ComptoirCli cliFromJarAlone() throws IOException {
        return new ComptoirCli(RigSettings.jar(), COMPTOIR_ENV, List.of());
    }

    /** A new homeserver user with a unique name starting with {@code prefix}. */
    public MatrixTestClient newUser(String prefix) {
        return MatrixTestClient.register(synapse, Names.unique(prefix));
    }
}
