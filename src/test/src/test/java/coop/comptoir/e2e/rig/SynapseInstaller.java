package coop.comptoir.e2e.rig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Finds the Synapse virtual environment, installing it with scripts/install-synapse.sh when it is missing. */
final class SynapseInstaller {
    private SynapseInstaller() {}

    /** The venv's path, once it holds an importable Synapse. */
    static Path ensureInstalled() throws IOException, InterruptedException {
        Path venv = RigSettings.synapseVenv();
        if (looksInstalled(venv)) {
            return venv;
        }
        Path script = RigSettings.projectRoot().resolve("scripts/install-synapse.sh");
        Path log = RigSettings.workDir().resolve("install-synapse.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("COMPTOIR_SYNAPSE_VENV", venv.toString());
        Process install = builder.start();
        if (!install.waitFor(15, TimeUnit.MINUTES)) {
            install.destroyForcibly();
            throw new IllegalStateException(script + " did not finish in 15 minutes\n" + Logs.tail(log, 40));
        }
        if (install.exitValue() != 0 || !looksInstalled(venv)) {
            throw new IllegalStateException(script + " failed (status " + install.exitValue() + ")\n" + Logs.tail(log, 40));
        }
        return venv;
    }

    /** A python launcher and a synapse package in the venv (a cheap check; the script checks the version). */
    private static boolean looksInstalled(Path venv) throws IOException {
        if (!Files.isExecutable(venv.resolve("bin/python")) || !Files.isDirectory(venv.resolve("lib"))) {
            return false;
        }
        try (Stream<Path> pythons = Files.list(venv.resolve("lib"))) {
            return pythons.anyMatch(dir -> Files.isDirectory(dir.resolve("site-packages/synapse")));
        }
    }
}
