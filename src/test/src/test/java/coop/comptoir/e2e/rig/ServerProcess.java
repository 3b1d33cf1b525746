package coop.comptoir.e2e.rig;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;

/** Start-up and shut-down of a homeserver process, the same for every {@link Homeserver}. */
final class ServerProcess {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private ServerProcess() {}

    /**
     * Waits until the server answers {@code GET /_matrix/client/versions} with 200.
     *
     * @throws IllegalStateException when the process exits or does not answer in time (then it is
     *     stopped), with the tail of its logs
     */
    static void awaitReady(Homeserver server, Process process, String name) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Request versions = new Request.Builder().url(server.url() + "/_matrix/client/versions").build();
        String lastProblem = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " during start-up\n" + server.logTail());
            }
            try {
                Http.Answer answer = Http.call(versions);
                if (answer.status() == 200) {
                    return;
                }
                lastProblem = "answered " + answer;
            } catch (UncheckedIOException e) {
                lastProblem = e.getMessage();
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException(name + " did not answer /_matrix/client/versions within "
                + START_TIMEOUT.toSeconds() + " s (" + lastProblem + ")\n" + server.logTail());
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
