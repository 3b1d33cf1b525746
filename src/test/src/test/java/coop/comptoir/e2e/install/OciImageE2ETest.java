package coop.comptoir.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OCI image ({@code mvn -Poci package}: {@code dist/target/comptoir-image.tar}, on the Debian
 * base of {@code scripts/oci-base.sh}) run without a container daemon by {@code .ci/oci-run.sh}:
 * its layers unpacked into a root file system, its entrypoint started there as the image's user,
 * with the config folder mounted read-only at {@code /etc/comptoir} and the env file given as in
 * {@code docs/compose.example.yaml}. Its {@code --version} is the jar's; started with the image's
 * own command it turns ready on {@code /health}, joins a room through the real Synapse, answers
 * {@code !ping}, and writes its database into the image's {@code /var/lib/comptoir} (the volume).
 *
 * <p>Needs root (unshare, chroot) and the image: skipped without them, unless
 * {@code COMPTOIR_OCI_TEST=1} (CI with {@code .ci/run --image}), where their absence fails.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OciImageE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Rig rig = Rig.get();

    @Test
    void theImageRunsWithItsMountedConfigAndAnswersThroughTheHomeserver() throws Exception {
        Path image = imageOrSkip();
        Path script = RepoFiles.find(".ci/oci-run.sh");
        Path work = rig.freshDir("oci-image");
        Path rootfs = work.resolve("rootfs");
        run(work.resolve("unpack.log"), script.toString(), "unpack", image.toString(), rootfs.toString());
        Path volume = rootfs.resolve("var/lib/comptoir");
        assertThat(Files.getAttribute(volume, "unix:uid")).as("owner of the image's /var/lib/comptoir").isEqualTo(10001);

        // the compose example's ./comptoir folder: config, env file, registration
        Path config = work.resolve("comptoir");
        Files.createDirectories(config);
        ComptoirProcess template = rig.comptoir("oci-image-template", c -> {
            ((ObjectNode) c.get("homeserver")).put("url", "${SYNAPSE_URL}");
            ((ObjectNode) c.get("appservice")).put("registration", "registration.yaml");
            c.remove("database");
            c.put("data_dir", "/var/lib/comptoir");
            c.putArray("plugins"); // the image holds the bundled plugins only
        });
        Files.copy(template.configFile(), config.resolve("comptoir.yaml"));
        Files.copy(rig.registration().file(), config.resolve("registration.yaml"));
        Path envFile = config.resolve("comptoir.env");
        Files.writeString(envFile, "# as compose's env_file\nSYNAPSE_URL=" + rig.synapse().url() + "\n");
        run(work.resolve("chown.log"), "chown", "-R", "10001:10001", config.toString());
        run(work.resolve("chmod.log"), "chmod", "-R", "go-rwx", config.toString());

        String jarVersion = rig.cli().run(work, work.resolve("jar-version.log"), COMMAND_TIMEOUT, "--version").output().strip();
        String imageVersion = run(work.resolve("image-version.log"), script.toString(), "run", rootfs.toString(),
                config.toString(), envFile.toString(), "--version").strip();
        assertThat(imageVersion).as("--version in the image").isEqualTo(jarVersion).startsWith("comptoir ");

        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        Path log = work.resolve("container.log");
        Process container = new ProcessBuilder(script.toString(), "run", rootfs.toString(), config.toString(), envFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            JsonNode health = awaitReady(template.url(), container, log);
            assertThat("comptoir " + health.path("version").asText()).isEqualTo(jarVersion);

            String room = alice.createRoom(bot);
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
            String ping = alice.sendText(room, "!ping");
            alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(ping)), WAIT);

            Path database = volume.resolve("comptoir.db");
            assertThat(database).as("the database in the volume").isRegularFile();
            assertThat(Files.getAttribute(database, "unix:uid")).isEqualTo(10001);
        } finally {
            container.destroy();
            assertThat(container.waitFor(30, TimeUnit.SECONDS)).as("the container stops on SIGTERM").isTrue();
        }
        String output = Files.readString(log);
        assertThat(output).contains("Stopping Comptoir").doesNotContain("ERROR");
    }

    private static Path imageOrSkip() throws Exception {
        boolean required = "1".equals(System.getenv("COMPTOIR_OCI_TEST"));
        Path image = null;
        try {
            image = RepoFiles.find("dist/target/comptoir-image.tar");
        } catch (IllegalStateException e) {
            // not built
        }
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip());
        String missing = image == null ? "dist/target/comptoir-image.tar not built (scripts/oci-base.sh, then mvn -Poci package)"
                : !root ? "not root (unshare and chroot need it)" : null;
        if (missing != null && required) {
            throw new IllegalStateException("COMPTOIR_OCI_TEST=1 but " + missing);
        }
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        return image;
    }

    private static JsonNode awaitReady(String url, Process container, Path log) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        Http.Answer last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!container.isAlive()) {
                throw new AssertionError("the container stopped: " + Files.readString(log));
            }
            try {
                last = Http.call(new Request.Builder().url(url + "/health").build());
                if (last.status() == 200) {
                    return last.json();
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready on " + url + "/health: " + last + "\n" + Files.readString(log));
    }

    /** Runs a command, returns its output; fails on a non-zero status. */
    private static String run(Path log, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", line).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", line), out).isZero();
        return out;
    }
}
