package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real Synapse on 127.0.0.1, run from a Python virtual environment, with SQLite, no rate
 * limits, registration through the shared-secret admin API only, and the given appservice
 * registrations. Everything it writes (config, database, logs) stays in its folder, which is wiped
 * at each start.
 *
 * <p>Use {@link Rig#get()} in tests: it starts one per JVM. This class knows nothing of Comptoir.
 */
public final class Synapse implements Homeserver {
    static final String VERSION = "1.163.2";

    /** Rate limiter sections raised so that tests never wait on them. */
    private static final List<String> RATE_LIMITS = List.of(
            "rc_message", "rc_registration", "rc_login.address", "rc_login.account",
            "rc_login.failed_attempts", "rc_joins.local", "rc_joins.remote", "rc_joins_per_room",
            "rc_invites.per_room", "rc_invites.per_user", "rc_invites.per_issuer", "rc_room_creation",
            "rc_profile", "rc_presence.per_user", "rc_3pid_validation", "rc_media_create",
            "rc_delayed_event_mgmt", "rc_admin_redaction");

    private final Path dir;
    private final Path venv;
    private final String serverName;
    private final int port;
    private final String sharedSecret;
    private Process process;

    /** Prepares (does not start) a homeserver; the port is chosen now so that registrations can name it. */
    public Synapse(Path dir, Path venv, String serverName) {
        this.dir = dir.toAbsolutePath().normalize();
        this.venv = venv;
        this.serverName = serverName;
        this.port = Ports.freeLoopbackPort();
        this.sharedSecret = randomHex(24);
    }

    @Override
    public String describe() {
        return "Synapse " + VERSION;
    }

    /** Client-server API base URL, e.g. {@code http://127.0.0.1:38117}. */
    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    /** The {@code registration_shared_secret}, for the admin registration API. */
    @Override
    public String sharedSecret() {
        return sharedSecret;
    }

    /** Synapse's own log (WARNING and up, appservice INFO). */
    @Override
    public Path logFile() {
        return dir.resolve("homeserver.log");
    }

    /** Synapse's stdout and stderr (start-up errors land there). */
    public Path consoleFile() {
        return dir.resolve("console.log");
    }

    /** The tails of both log files, for failure messages. */
    @Override
    public String logTail() {
        return Logs.tail(consoleFile(), 40) + "\n" + Logs.tail(logFile(), 60);
    }

    /**
     * Writes the config, generates the signing key, starts the server and waits until
     * {@code GET /_matrix/client/versions} answers 200.
     *
     * @param registrations appservice registration files Synapse loads
     * @throws IllegalStateException when Synapse does not come up, with the tail of its logs
     */
    @Override
    public synchronized void start(List<Path> registrations) throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("Synapse is already started at " + url());
        }
        stopLeftOverProcess();
        deleteRecursively(dir);
        Files.createDirectories(dir.resolve("media_store"));
        writeLogConfig();
        writeHomeserverConfig(registrations);
        generateSigningKey();
        launch();
    }

    /**
     * Stops the server (SIGTERM, as an admin's restart would) and keeps its folder: database,
     * pending appservice transactions, keys. {@link #startAgain()} brings the same server back. For
     * fault tests; the tests that run meanwhile find no homeserver.
     */
    public synchronized void stopKeepingData() {
        if (process == null) {
            throw new IllegalStateException("Synapse is not running");
        }
        ServerProcess.stop(process);
        process = null;
    }

    /** Starts the server stopped by {@link #stopKeepingData()} on its kept folder; waits until it answers. */
    public synchronized void startAgain() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        launch();
    }

    /** Whether the server process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void launch() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(python(), "-m", "synapse.app.homeserver",
                "--config-path", dir.resolve("homeserver.yaml").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleFile().toFile()));
        builder.environment().put("PYTHONUNBUFFERED", "1");
        process = builder.start();
        Files.writeString(dir.resolve("synapse.pid"), Long.toString(process.pid()));
        ServerProcess.awaitReady(this, process, "Synapse");
    }

    /** Stops the server (SIGTERM, then SIGKILL after 15 s). Safe to call twice. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        ServerProcess.stop(process);
        process = null;
    }

    /** A JVM killed hard leaves its Synapse running; stop it when it is ours (same config path). */
    private void stopLeftOverProcess() throws IOException {
        Path pidFile = dir.resolve("synapse.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String config = dir.resolve("homeserver.yaml").toString();
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(config)).orElse(false))
                    .ifPresent(p -> {
                        p.destroy();
                        p.onExit().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
                    });
        } catch (NumberFormatException e) {
            // not ours to interpret: the folder is wiped next
        }
    }

    private void writeHomeserverConfig(List<Path> registrations) throws IOException {
        ObjectNode config = Http.object();
        config.put("server_name", serverName);
        config.put("public_baseurl", url() + "/");
        config.put("pid_file", dir.resolve("homeserver.pid").toString());
        ObjectNode listener = config.putArray("listeners").addObject();
        listener.put("port", port);
        listener.putArray("bind_addresses").add("127.0.0.1");
        listener.put("type", "http");
        listener.put("tls", false);
        listener.put("x_forwarded", false);
        ObjectNode resource = listener.putArray("resources").addObject();
        resource.putArray("names").add("client");
        resource.put("compress", false);
        ObjectNode database = config.putObject("database");
        database.put("name", "sqlite3");
        database.putObject("args").put("database", dir.resolve("homeserver.db").toString());
        config.put("log_config", dir.resolve("log.yaml").toString());
        config.put("media_store_path", dir.resolve("media_store").toString());
        config.put("signing_key_path", dir.resolve(serverName + ".signing.key").toString());
        config.put("report_stats", false);
        config.putArray("trusted_key_servers");
        config.put("suppress_key_server_warning", true);
        config.put("enable_registration", false);
        config.put("registration_shared_secret", sharedSecret);
        config.put("macaroon_secret_key", randomHex(24));
        config.put("form_secret", randomHex(24));
        config.put("bcrypt_rounds", 4);
        config.putObject("presence").put("enabled", false);
        // End-to-end encryption of the bot: to-device messages and one-time key counts in the
        // appservice transactions (what an appservice registration with receive_ephemeral and
        // org.matrix.msc3202 then gets).
        config.putObject("experimental_features").put("msc2409_to_device_messages_enabled", true)
                .put("msc3202_transaction_extensions", true);
        // Recent Synapse lets only server admins publish rooms in the public directory; test users
        // publish theirs, as members of a coop whose admins allow it would.
        config.putArray("room_list_publication_rules").addObject().put("action", "allow");
        ArrayNode files = config.putArray("app_service_config_files");
        registrations.forEach(r -> files.add(r.toAbsolutePath().toString()));
        for (String key : RATE_LIMITS) {
            ObjectNode section = config;
            for (String part : key.split("\\.")) {
                section = section.has(part) ? (ObjectNode) section.get(part) : section.putObject(part);
            }
            section.put("per_second", 9999).put("burst_count", 9999);
        }
        Http.YAML.writeValue(dir.resolve("homeserver.yaml").toFile(), config);
    }

    private void writeLogConfig() throws IOException {
        ObjectNode log = Http.object();
        log.put("version", 1);
        log.putObject("formatters").putObject("plain")
                .put("format", "%(asctime)s %(levelname)s %(name)s: %(message)s");
        log.putObject("handlers").putObject("file")
                .put("class", "logging.FileHandler")
                .put("filename", logFile().toString())
                .put("formatter", "plain")
                .put("encoding", "utf8");
        // the appservice sender's INFO lines (txn failures, "marking down", recovery) explain most
        // failures of the end-to-end tests, and there are few of them
        log.putObject("loggers").putObject("synapse.appservice").put("level", "INFO");
        ObjectNode root = log.putObject("root");
        root.put("level", "WARNING");
        root.putArray("handlers").add("file");
        log.put("disable_existing_loggers", false);
        Http.YAML.writeValue(dir.resolve("log.yaml").toFile(), log);
    }

    private void generateSigningKey() throws IOException, InterruptedException {
        Path output = dir.resolve("generate-keys.log");
        Process keys = new ProcessBuilder(python(), "-m", "synapse.app.homeserver", "--generate-keys",
                "--config-path", dir.resolve("homeserver.yaml").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!keys.waitFor(60, TimeUnit.SECONDS)) {
            keys.destroyForcibly();
            throw new IllegalStateException("Synapse --generate-keys did not finish in 60 s\n" + Logs.tail(output, 40));
        }
        if (keys.exitValue() != 0) {
            throw new IllegalStateException("Synapse --generate-keys failed with status " + keys.exitValue()
                    + "\n" + Logs.tail(output, 40));
        }
    }

    private String python() {
        return venv.resolve("bin/python").toString();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
