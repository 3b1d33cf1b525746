package coop.comptoir.internal.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by the commands. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "comptoir.yaml",
            description = "Configuration file (default: ${DEFAULT-VALUE} in the current folder).")
    Path file;

    /** The file, absolute. */
    Path file() {
        return file.toAbsolutePath().normalize();
    }
}
