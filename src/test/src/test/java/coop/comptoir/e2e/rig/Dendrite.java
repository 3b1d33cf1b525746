package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real Dendrite on 127.0.0.1 (built by scripts/install-dendrite.sh), with SQLite, federation
 * off, no rate limits, registration through the shared-secret API only, and the given appservice
 * registrations. Its config is Dendrite's own {@code generate-config} output with those changes;
 * everything it writes stays in its folder, which is wiped at each start.
 */
public final class Dendrite implements Homeserver {
    static final String VERSION = "0.13.8";

    private final Path dir;
    private final Path bin;
    private final String serverName;
    private final int port;
    private final String sharedSecret;
    private Process process;

    /** Prepares (does not start) a homeserver; the port is chosen now so that registrations can name it. */
    public Dendrite(Path dir, Path bin, String serverName) {
        this.dir = dir.toAbsolutePath().normalize();
        this.bin = bin;
        this.serverName = serverName;
        this.port = Ports.freeLoopbackPort();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.sharedSecret = HexFormat.of().formatHex(random);
    }

    @Override
    public String describe() {
        return "Dendrite " + VERSION;
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public String sharedSecret() {
        return sharedSecret;
    }

    /** Dendrite's output (it logs to stderr). */
    @Override
    public Path logFile() {
        return dir.resolve("console.log");
    }

    @Override
    public String logTail() {
        return Logs.tail(logFile(), 80);
    }

    @Override
    public synchronized void start(List<Path> registrations) throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("Dendrite is already started at " + url());
        }
        Synapse.deleteRecursively(dir);
        Files.createDirectories(dir);
        run(List.of(tool("generate-keys"), "--private-key", dir.resolve("matrix_key.pem").toString()), "generate-keys.log");
        Path generated = dir.resolve("generated.yaml");
        run(List.of(tool("generate-config"), "-dir", dir.toString(), "-server", serverName), "generated.yaml");
        ObjectNode config = (ObjectNode) Http.YAML.readTree(generated.toFile());
        customize(config, registrations);
        Path configFile = dir.resolve("dendrite.yaml");
        Http.YAML.writeValue(configFile.toFile(), config);

        process = new ProcessBuilder(tool("dendrite"), "-config", configFile.toString(),
                "-http-bind-address", "127.0.0.1:" + port)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile().toFile())
                .start();
        ServerProcess.awaitReady(this, process, "Dendrite");
    }

    private void customize(ObjectNode config, List<Path> registrations) {
        ObjectNode global = (ObjectNode) config.get("global");
        global.put("private_key", dir.resolve("matrix_key.pem").toString());
        global.put("disable_federation", true);
        global.putArray("trusted_third_party_id_servers");
        ((ObjectNode) global.get("jetstream")).put("storage_path", dir.resolve("jetstream").toString()).put("in_memory", false);
        ((ObjectNode) global.get("server_notices")).put("enabled", false);
        ((ObjectNode) global.get("report_stats")).put("enabled", false);
        ArrayNode files = ((ObjectNode) config.get("app_service_api")).putArray("config_files");
        registrations.forEach(r -> files.add(r.toAbsolutePath().toString()));
        ObjectNode client = (ObjectNode) config.get("client_api");
        client.put("registration_disabled", true);
        client.put("registration_shared_secret", sharedSecret);
        ((ObjectNode) client.get("rate_limiting")).put("enabled", false);
        ((ObjectNode) config.get("federation_api")).putArray("key_perspectives");
        ((ObjectNode) config.get("user_api")).put("bcrypt_cost", 4);
        // Synapse's default upload limit (50 MiB) rather than Dendrite's 10 MiB: the media tests upload more.
        ((ObjectNode) config.get("media_api")).put("max_file_size_bytes", 50L * 1024 * 1024);
        ArrayNode logging = config.putArray("logging");
        logging.addObject().put("type", "std").put("level", "info");
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

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    private void run(List<String> command, String output) throws IOException, InterruptedException {
        Path out = dir.resolve(output);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("tools.log").toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " failed\n" + Logs.tail(dir.resolve("tools.log"), 40));
        }
    }
}
