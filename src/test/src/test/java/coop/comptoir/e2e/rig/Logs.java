package coop.comptoir.e2e.rig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading the log files the rig's processes write, for failure messages. */
public final class Logs {
    private Logs() {}

    /** The whole file, decoding bad bytes leniently; empty when the file does not exist. */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of the file, under a header naming it. */
    public static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return "---- last " + last.size() + " lines of " + file + " ----\n" + String.join("\n", last);
    }
}
