package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Request;

/**
 * Comptoir running as a separate process ({@code java -jar comptoir.jar run --config …}), the way
 * it runs in production, with its stdout and stderr in {@link #logFile()}.
 *
 * <p>All processes of a JVM share the appservice registration, hence its port: only one runs on
 * that port at a time, and starting a second one there while another runs is an error. A process
 * given a port of its own (a second member of a PostgreSQL cluster) may run beside it: the
 * homeserver never calls it, but it becomes ready (the homeserver's ping reaches the first one) and
 * sends. Get one from {@link Rig#comptoir(String)}.
 */
public final class ComptoirProcess implements AutoCloseable {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicReference<ComptoirProcess> RUNNING = new AtomicReference<>();
    /**
     * Processes started beside the one on the registration's port, on ports of their own (a second
     * cluster member): the homeserver does not reach them, they only send.
     */
    private static final java.util.Set<ComptoirProcess> BESIDE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final String name;
    private final Path dir;
    private final Path configFile;
    private final Path logFile;
    private final ComptoirCli cli;
    private final String url;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
    private Process process;
    private int starts;

    ComptoirProcess(String name, Path dir, ObjectNode config, ComptoirCli cli) {
        this.name = name;
        this.dir = dir;
        this.configFile = dir.resolve("comptoir.yaml");
        this.logFile = dir.resolve("comptoir.log");
        this.cli = cli;
        JsonNode appservice = config.path("appservice");
        this.url = "http://" + appservice.path("bind").asText("127.0.0.1") + ":" + appservice.path("port").asInt();
        try {
            Files.createDirectories(dir);
            Http.YAML.writeValue(configFile.toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + configFile, e);
        }
    }

    /**
     * Adds an environment variable for the next starts, e.g. {@link PluginClock#ENV} to give this
     * process a clock the test moves.
     */
    public synchronized ComptoirProcess withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Base URL of the appservice HTTP server (also /health), e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    public Path configFile() {
        return configFile;
    }

    /** Everything the process printed, over all its starts. */
    public Path logFile() {
        return logFile;
    }

    /** The text of {@link #logFile()}, e.g. to check that no token was ever logged. */
    public String logText() {
        return Logs.read(logFile);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the process and waits until {@code GET /health} answers 200.
     *
     * @throws IllegalStateException when another Comptoir of this JVM runs, or when this one exits
     *     or is not healthy within 60 s (with the tail of its log)
     */
    public synchronized ComptoirProcess start() throws IOException, InterruptedException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        ComptoirProcess holder = RUNNING.get();
        boolean samePort = holder != null && holder.url.equals(url);
        if (samePort && holder != this && holder.isRunning()) {
            throw new IllegalStateException("cannot start " + name + ": " + holder.name
                    + " is running on the same appservice port; stop it first");
        }
        if (holder == null || samePort || !holder.isRunning()) {
            RUNNING.set(this);
        } else {
            BESIDE.add(this);
        }
        starts++;
        Files.writeString(logFile, "==== e2e: start #" + starts + " at " + Instant.now() + " ====\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        try {
            ProcessBuilder builder = cli.processBuilder(dir, "run", "--config", configFile.toString());
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            awaitHealthy();
        } catch (IOException | InterruptedException | RuntimeException e) {
            kill();
            throw e;
        }
        return this;
    }

    private void awaitHealthy() throws InterruptedException {
        Request health = new Request.Builder().url(url + "/health").build();
        Instant deadline = Instant.now().plus(HEALTH_TIMEOUT);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before being healthy\n" + Logs.tail(logFile, 80));
            }
            try {
                Http.Answer answer = Http.call(health);
                if (answer.status() == 200) {
                    return;
                }
                last = answer.toString();
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + ": GET /health not 200 within " + HEALTH_TIMEOUT.toSeconds()
                + " s (last: " + last + ")\n" + Logs.tail(logFile, 80));
    }

    /**
     * Asks the process to stop (SIGTERM) and waits; SIGKILL after 20 s. Safe when not running.
     *
     * @throws AssertionError when one of the process's secrets is in its log ({@link SecretScan})
     */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        released();
        scanForSecrets();
    }

    /**
     * Kills the process (SIGKILL), as a crash or a power cut would, and waits for it to be gone.
     *
     * @throws AssertionError when one of the process's secrets is in its log ({@link SecretScan})
     */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        released();
        scanForSecrets();
    }

    private void scanForSecrets() {
        if (process != null && !process.isAlive()) {
            SecretScan.check(name, logFile, configFile, environment, true);
        }
    }

    /** {@link #stop()} then {@link #start()}, with the same config and database. */
    public synchronized ComptoirProcess restart() throws IOException, InterruptedException {
        stop();
        return start();
    }

    /** The exit status of the last run, or -1 while it runs or before it ran. */
    public synchronized int exitValue() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    private void released() {
        RUNNING.compareAndSet(this, null);
        BESIDE.remove(this);
    }

    /** {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            synchronized (this) {
                process.destroyForcibly();
                released();
            }
            Thread.currentThread().interrupt();
        }
    }

    /** Kills whichever process is still running (JVM shutdown); a secret found then is printed. */
    static void killRunning() {
        List<ComptoirProcess> left = new java.util.ArrayList<>(BESIDE);
        ComptoirProcess running = RUNNING.get();
        if (running != null) {
            left.add(running);
        }
        for (ComptoirProcess p : left) {
            try {
                p.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (AssertionError e) {
                System.err.println("e2e: " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "Comptoir " + name + " at " + url;
    }
}
