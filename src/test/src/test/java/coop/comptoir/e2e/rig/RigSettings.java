package coop.comptoir.e2e.rig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the rig finds things, from the system properties the build passes (see src/test/pom.xml)
 * with fallbacks that make a test runnable from an IDE.
 */
final class RigSettings {
    private RigSettings() {}

    /** The runnable jar under test ({@code -Dcomptoir.jar}, set by the pom). */
    static Path jar() {
        String configured = System.getProperty("comptoir.jar");
        Path jar = configured != null
                ? Path.of(configured)
                : projectRoot().resolve("dist/target/comptoir.jar");
        return jar.toAbsolutePath().normalize();
    }

    /** Scratch folder for this run ({@code -Dcomptoir.e2e.work}, under target/). */
    static Path workDir() {
        String configured = System.getProperty("comptoir.e2e.work");
        Path work = configured != null ? Path.of(configured) : Path.of("target", "e2e");
        return work.toAbsolutePath().normalize();
    }

    /**
     * The Synapse virtual environment: {@code -Dcomptoir.synapse.venv}, else the environment
     * variable {@code COMPTOIR_SYNAPSE_VENV}, else the default of scripts/install-synapse.sh.
     */
    static Path synapseVenv() {
        String configured = System.getProperty("comptoir.synapse.venv");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("COMPTOIR_SYNAPSE_VENV");
        }
        if (configured == null || configured.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".cache", "comptoir", "synapse-venv");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /** Whether {@code -Dcomptoir.e2e.homeserver=dendrite} asks for Dendrite (else Synapse). */
    static boolean dendrite() {
        String configured = System.getProperty("comptoir.e2e.homeserver", "synapse").trim();
        if (!configured.equals("synapse") && !configured.equals("dendrite")) {
            throw new IllegalArgumentException("comptoir.e2e.homeserver must be synapse or dendrite, not " + configured);
        }
        return configured.equals("dendrite");
    }

    /** The java launcher of the running JVM, so that Comptoir runs on the JDK the tests run on. */
    static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The repository's root: the first parent of the working folder that has scripts/install-synapse.sh. */
    static Path projectRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/install-synapse.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no scripts/install-synapse.sh above " + start
                + ": run the tests from the repository (mvn -B verify)");
    }
}
