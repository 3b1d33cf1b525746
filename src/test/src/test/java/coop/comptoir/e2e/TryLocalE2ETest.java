package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code scripts/try-local.sh} as a newcomer runs it: its own Synapse, the demo coop, and what it
 * prints comes true — the help room greets the user, {@code !visio} answers, and the shift reminder
 * arrives in the team room about two minutes after the start.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TryLocalE2ETest {
    private static final Path JAR = Path.of(System.getProperty("comptoir.jar", "dist/target/comptoir.jar")).toAbsolutePath();
    private static final Path ROOT = JAR.getParent().getParent().getParent();
    private static final Pattern PASSWORD = Pattern.compile("Mot de passe\\s+(\\S+)");
    private static final Pattern DUE = Pattern.compile("un rappel de service y arrive à (\\d\\d:\\d\\d)");

    private Process script;

    @AfterEach
    void stop() throws InterruptedException {
        if (script != null) {
            // Comptoir and Synapse first: the script's own trap waits for its foreground child.
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
            if (!script.waitFor(30, TimeUnit.SECONDS)) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
            }
        }
    }

    private static String awaitOutput(Path file, Pattern pattern, Process process, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("try-local.sh exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("try-local.sh did not print " + pattern + " within " + timeout + ":\n"
                + Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoGreetsTheNewcomerAnswersVisioAndRemindsTheTeam() throws Exception {
        Path work = Path.of(System.getProperty("comptoir.e2e.work", "target/e2e")).resolve("try-local");
        Files.createDirectories(work);
        Path err = work.resolve("try-local.err");
        int synapsePort = Ports.freeLoopbackPort();
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("scripts/try-local.sh").toString())
                .directory(ROOT.toFile())
                .redirectOutput(work.resolve("try-local.out").toFile())
                .redirectError(err.toFile());
        pb.environment().put("TRY_SYNAPSE_PORT", Integer.toString(synapsePort));
        pb.environment().put("TRY_APPSERVICE_PORT", Integer.toString(Ports.freeLoopbackPort()));
        pb.environment().put("TRY_DIR", work.resolve("try").toString());
        pb.environment().put("COMPTOIR_JAR", JAR.toString());
        String venv = System.getProperty("comptoir.synapse.venv");
        if (venv != null) {
            pb.environment().put("COMPTOIR_SYNAPSE_VENV", venv);
        }
        script = pb.start();

        String password = awaitOutput(err, PASSWORD, script, Duration.ofMinutes(3));
        String due = awaitOutput(err, DUE, script, Duration.ofSeconds(5));
        awaitOutput(work.resolve("try-local.out"), Pattern.compile("(Comptoir is ready)"), script, Duration.ofMinutes(2));
        MatrixTestClient you = MatrixTestClient.login("http://127.0.0.1:" + synapsePort, "you", password);
        String bot = "@comptoir:localhost";

        String help = you.join("#aide:localhost");
        JsonNode greeting = you.awaitEvent(help, Events.messageFrom(bot).and(Events.bodyContains("Bienvenue")), Duration.ofSeconds(45));
        assertThat(greeting.path("content").path("body").asText()).contains("La Coop Démo").contains("!visio");

        String command = you.sendText(help, "!visio");
        JsonNode link = you.awaitEvent(help, Events.messageFrom(bot).and(Events.repliesTo(command)), Duration.ofSeconds(45));
        assertThat(link.path("content").path("body").asText()).matches("🎥 Visio de la salle Aide : https://meet\\.jit\\.si/aide-[a-z2-7]{12}");

        String team = you.join("#equipe:localhost");
        JsonNode reminder = you.awaitEvent(team, Events.messageFrom(bot).and(Events.bodyContains("Rappel")), Duration.ofMinutes(4));
        assertThat(reminder.path("content").path("body").asText()).contains("Mise en rayon (démo)").contains("@you:localhost");
        assertThat(reminder.path("content").path("m.mentions").path("user_ids").toString()).contains("@you:localhost");
        assertThat(due).as("the printed time of the reminder").matches("\\d\\d:\\d\\d");
    }
}
