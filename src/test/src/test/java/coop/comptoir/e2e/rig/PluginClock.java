package coop.comptoir.e2e.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * The time Comptoir's plugins see ({@code context.clock()}), moved by the test: a file holding an
 * offset from the system clock, named to the process by {@value #ENV} (see the runtime's
 * {@code OffsetFileClock}). Quartz keeps real time; plugins that poll their clock from a short job
 * see the new time within that job's period.
 */
public final class PluginClock {
    public static final String ENV = "COMPTOIR_CLOCK_FILE";

    private final Path file;

    public PluginClock(Path file) {
        this.file = file;
        set(Instant.now());
    }

    public Path file() {
        return file;
    }

    /** Gives {@code process} this clock (before it starts). */
    public ComptoirProcess applyTo(ComptoirProcess process) {
        return process.withEnvironment(ENV, file.toString());
    }

    /** From now on, the plugins' time is {@code pluginNow} and runs on from there. */
    public synchronized void set(Instant pluginNow) {
        long offset = Duration.between(Instant.now(), pluginNow).toMillis();
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(offset));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
