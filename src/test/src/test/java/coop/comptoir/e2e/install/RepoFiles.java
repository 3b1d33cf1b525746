package coop.comptoir.e2e.install;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout the install tests read in place (the documented snippets, fixtures). */
public final class RepoFiles {
    private RepoFiles() {}

    /** {@code relative} in the checkout holding this module, found by walking up from the working directory. */
    public static Path find(String relative) {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + System.getProperty("user.dir"));
    }

    /**
     * A program the test needs from a Debian package ({@code .ci/run} installs it): its path, or the
     * test is skipped outside CI and fails in CI.
     */
    public static Path program(String path, String debianPackage) {
        Path program = Path.of(path);
        boolean present = Files.isExecutable(program);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + path + " is missing (apt-get install " + debianPackage + ")");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "skipped: " + path + " not installed (apt-get install " + debianPackage + ")");
        return program;
    }
}
