package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads one channel exported by DiscordChatExporter in JSON ({@code --format Json}). Attachments
 * are uploaded when the export was made with {@code --media} (their {@code url} is then a path
 * relative to the JSON file); otherwise their link is written in the message. Threads are
 * separate channels in such exports: import each into its own room. Blocks on file reading.
 */
public final class DiscordJsonReader {
    /** Attachments larger than this are linked, not uploaded. */
    static final long MAX_FILE_BYTES = 50L * 1024 * 1024;

    private DiscordJsonReader() {}

    /** Reads the export at {@code file}; throws with the key path of the first problem found. */
    public static Export read(Path file) throws ExportFormatException {
        String name = file.getFileName().toString();
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = Json.parse(name, in);
        } catch (IOException e) {
            throw new ExportFormatException(name, "cannot be opened: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new ExportFormatException(name, "$ is not an object: is this a DiscordChatExporter JSON export?");
        }
        JsonNode channel = root.path("channel");
        if (!channel.isObject()) {
            throw new ExportFormatException(name, "$.channel is missing: is this a DiscordChatExporter JSON export?");
        }
        String channelId = Json.text(channel, "id", name, "$.channel");
        String channelName = Json.text(channel, "name", name, "$.channel");
        JsonNode messages = Json.array(root, "messages", name, "$");
        List<Export.Message> out = new ArrayList<>();
        Path dir = file.toAbsolutePath().getParent();
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), name, "$.messages[" + i + "]", dir));
        }
        out.sort(Comparator.comparing(Export.Message::time));
        return new Export("discord", List.of(new Export.Channel(channelId, channelName, out)));
    }

    private static Export.Message message(JsonNode m, String file, String path, Path dir) throws ExportFormatException {
        String id = Json.text(m, "id", file, path);
        JsonNode author = m.path("author");
        if (!author.isObject()) {
            throw new ExportFormatException(file, path + ".author is missing");
        }
        String authorId = Json.text(author, "id", file, path + ".author");
        String nick = author.path("nickname").asText("");
        String authorName = nick.isBlank() ? Json.text(author, "name", file, path + ".author") : nick;
        Instant time;
        try {
            time = OffsetDateTime.parse(Json.text(m, "timestamp", file, path)).toInstant();
        } catch (DateTimeParseException e) {
            throw new ExportFormatException(file, path + ".timestamp is not an ISO-8601 date: " + e.getParsedString());
        }
        Optional<String> reply = Optional.ofNullable(m.path("reference").path("messageId").textValue())
                .filter(s -> !s.isBlank());
        List<Export.Attachment> files = new ArrayList<>();
        JsonNode atts = m.path("attachments");
        for (int i = 0; i < atts.size(); i++) {
            JsonNode a = atts.get(i);
            String url = Json.text(a, "url", file, path + ".attachments[" + i + "]");
            String fileName = a.path("fileName").asText(url.substring(url.lastIndexOf('/') + 1));
            files.add(new Export.Attachment(fileName, Json.contentType(fileName), local(dir, url), url));
        }
        return new Export.Message(id, new Export.Person(authorId, authorName), time, m.path("content").asText(""),
                reply, Optional.empty(), files);
    }

    /** The file's bytes when {@code url} is a path to a file next to the export (never outside it). */
    private static Optional<Export.Content> local(Path dir, String url) throws ExportFormatException {
        if (url.contains("://") || dir == null) {
            return Optional.empty();
        }
        try {
            Path p = dir.resolve(java.net.URLDecoder.decode(url, java.nio.charset.StandardCharsets.UTF_8)).normalize();
            if (!p.startsWith(dir) || !Files.isRegularFile(p) || Files.size(p) > MAX_FILE_BYTES) {
                return Optional.empty();
            }
            return Optional.of(() -> Files.readAllBytes(p));
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }
}
