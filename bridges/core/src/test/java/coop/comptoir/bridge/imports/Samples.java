package coop.comptoir.bridge.imports;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The sample exports of the tests (test resources under {@code imports/}), copied or zipped into a folder. */
public final class Samples {
    private Samples() {}

    static Path resource(String name) {
        try {
            return Path.of(Samples.class.getResource("/imports/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Discord sample (with its media folder) copied into {@code dir}; returns the JSON file. */
    public static Path discord(Path dir) throws IOException {
        Path src = resource("discord");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return dir.resolve("export.json");
    }

    /** The Slack sample zipped into {@code dir}. */
    public static Path slackZip(Path dir) throws IOException {
        return zip("slack", dir.resolve("slack-export.zip"));
    }

    /** The Rocket.Chat sample (a "Download my data" export in JSON) zipped into {@code dir}. */
    public static Path rocketChatZip(Path dir) throws IOException {
        return zip("rocketchat", dir.resolve("rocketchat-export.zip"));
    }

    private static Path zip(String sample, Path zip) throws IOException {
        Path src = resource(sample);
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(src)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(src.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, z);
                z.closeEntry();
            }
        }
        return zip;
    }

    /** The first {@code keep} bytes of {@code file}, written next to it: a download cut short. */
    static Path truncated(Path file, int keep) {
        try {
            byte[] all = Files.readAllBytes(file);
            Path cut = file.resolveSibling("cut-" + file.getFileName());
            Files.write(cut, java.util.Arrays.copyOf(all, Math.min(keep, all.length)));
            return cut;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(Export.Channel c) {
        return c.messages().stream().map(m -> m.author().name()).toList();
    }
}
