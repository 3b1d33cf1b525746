package coop.comptoir.e2e.rig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds Dendrite's binaries, building them with scripts/install-dendrite.sh when they are missing. */
final class DendriteInstaller {
    private DendriteInstaller() {}

    /** The folder of the binaries: {@code -Dcomptoir.dendrite.bin}, else what the script prints. */
    static Path ensureInstalled() throws IOException, InterruptedException {
        String configured = System.getProperty("comptoir.dendrite.bin");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("COMPTOIR_DENDRITE_DIR");
        }
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured, "dendrite"))) {
            return Path.of(configured);
        }
        Path script = RigSettings.projectRoot().resolve("scripts/install-dendrite.sh");
        Path log = RigSettings.workDir().resolve("install-dendrite.log");
        Files.createDirectories(log.getParent());
        Process install = new ProcessBuilder(List.of("bash", script.toString()))
                .redirectError(log.toFile())
                .start();
        String printed = new String(install.getInputStream().readAllBytes()).trim();
        if (!install.waitFor(20, TimeUnit.MINUTES)) {
            install.destroyForcibly();
            throw new IllegalStateException(script + " did not finish in 20 minutes\n" + Logs.tail(log, 40));
        }
        if (install.exitValue() != 0 || !Files.isExecutable(Path.of(printed, "dendrite"))) {
            throw new IllegalStateException(script + " failed (status " + install.exitValue() + ")\n" + Logs.tail(log, 40));
        }
        return Path.of(printed);
    }
}
