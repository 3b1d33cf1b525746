package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads Rocket.Chat's own export: the zip of "Export messages" (one room, format JSON) or of
 * "Download my data" (full export), or the same folder unzipped. Its layout, as Rocket.Chat writes
 * it: one {@code <room name>.json} per room (a direct conversation is named by its room ID), each
 * holding one JSON object per line — {@code msg}, {@code username}, {@code ts} (ISO-8601),
 * {@code attachments} (with {@code fileId} and {@code fileName} for an uploaded file), {@code type}
 * for system messages —; {@code channels.json} (full export only: one line per room, {@code roomId},
 * {@code roomName}, {@code type}); the uploaded files under {@code assets/<fileId>-<fileName>}.
 *
 * <p>System messages (joins, renames…) are left out. Rocket.Chat's export carries no message IDs:
 * a message is known by its time, author and rank, which stay the same when the room is exported
 * again later. When the lines do carry {@code _id}, {@code tmid} (thread) and {@code u} — as a dump
 * of the messages collection does — threads are kept, and a quote ({@code message_link} ending in
 * {@code ?msg=<id>}) becomes a reply. In a full export, people other than the one who asked for it
 * are named {@code User_1}, {@code User_2}… by Rocket.Chat itself: the ghosts are named so. Blocks
 * on file reading.
 */
public final class RocketChatExportReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> NOT_ROOMS = Set.of("channels.json", "user.json");
    private static final Pattern QUOTED = Pattern.compile("[?&]msg=([A-Za-z0-9_-]+)");

    private RocketChatExportReader() {}

    /** The export's files, from a zip or a folder. */
    private interface Source extends AutoCloseable {
        /** Names of the files at the top level, in name order. */
        List<String> top() throws IOException;

        Optional<InputStream> open(String name) throws IOException;

        /** The lazy content of {@code name} when it exists and is not too large. */
        Optional<Export.Content> content(String name) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Reads the export at {@code path} (a zip or a folder); throws with the file, line and key of the first problem. */
    public static Export read(Path path) throws ExportFormatException {
        String shown = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try (Source files = Files.isDirectory(path) ? folder(path) : zip(path)) {
            Map<String, String[]> rooms = channels(files);
            List<Export.Channel> out = new ArrayList<>();
            for (String name : files.top()) {
                if (!name.endsWith(".json") || NOT_ROOMS.contains(name)) {
                    continue;
                }
                String roomName = name.substring(0, name.length() - ".json".length());
                String[] known = rooms.getOrDefault(roomName, new String[] {roomName, roomName});
                out.add(new Export.Channel(known[0], known[1], messages(files, name)));
            }
            if (out.isEmpty()) {
                throw new ExportFormatException(shown, "no room file (<room>.json) in it: is this a Rocket.Chat export in JSON?");
            }
            return new Export("rocketchat", out);
        } catch (ZipException e) {
            throw new ExportFormatException(shown, "not a readable zip (cut short or damaged?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ExportFormatException(shown, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code channels.json}: room name → {room ID, room name}; empty when absent (export of one room). */
    private static Map<String, String[]> channels(Source files) throws IOException, ExportFormatException {
        Map<String, String[]> out = new HashMap<>();
        Optional<InputStream> in = files.open("channels.json");
        if (in.isEmpty()) {
            return out;
        }
        for (Map.Entry<Integer, JsonNode> line : lines("channels.json", in.get()).entrySet()) {
            String where = "line " + line.getKey() + ": $";
            String id = Json.text(line.getValue(), "roomId", "channels.json", where);
            String name = line.getValue().path("roomName").asText(id);
            out.put(name, new String[] {id, name});
        }
        return out;
    }

    private static List<Export.Message> messages(Source files, String file) throws IOException, ExportFormatException {
        Map<Integer, JsonNode> lines = lines(file, files.open(file).orElseThrow());
        List<Export.Message> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<Integer, JsonNode> line : lines.entrySet()) {
            JsonNode m = line.getValue();
            String where = "line " + line.getKey() + ": $";
            if (!m.isObject()) {
                throw new ExportFormatException(file, where + " is not an object");
            }
            if (!m.path("type").asText(m.path("t").asText("")).isEmpty()) {
                continue; // joins, leaves, renames, discussion notices: Rocket.Chat's own lines, not someone's message
            }
            JsonNode u = m.path("u");
            String username = m.path("username").asText(u.path("username").asText(""));
            if (username.isEmpty()) {
                throw new ExportFormatException(file, where + ".username is missing");
            }
            String name = u.path("name").asText("");
            Instant time = time(m.get("ts"), file, where);
            String id = m.path("_id").asText("");
            if (id.isEmpty()) {
                String key = time.toEpochMilli() + "-" + username;
                int rank = seen.merge(key, 1, Integer::sum);
                id = key + "-" + rank;
            }
            ids.add(id);
            Optional<String> thread = Optional.of(m.path("tmid").asText("")).filter(ids::contains);
            Optional<String> reply = Optional.empty();
            List<Export.Attachment> attachments = new ArrayList<>();
            Set<String> fileIds = new HashSet<>();
            for (JsonNode a : m.path("attachments")) {
                Matcher quoted = QUOTED.matcher(a.path("message_link").asText(""));
                if (quoted.find()) {
                    reply = Optional.of(quoted.group(1)).filter(ids::contains);
                    continue;
                }
                attachment(files, a, fileIds).ifPresent(attachments::add);
            }
            out.add(new Export.Message(id, new Export.Person(username, name.isBlank() ? username : name), time,
                    m.path("msg").asText(""), reply, thread, attachments));
        }
        out.sort(Comparator.comparing(Export.Message::time));
        return out;
    }

    /** An uploaded file (once per file: Rocket.Chat repeats it for its preview), or a link; empty for anything else. */
    private static Optional<Export.Attachment> attachment(Source files, JsonNode a, Set<String> fileIds) throws IOException {
        String fileId = a.path("fileId").asText("");
        String link = a.path("url").asText(a.path("title_link").asText(""));
        if (fileId.isEmpty()) {
            String title = a.path("title").asText("");
            return link.isBlank() ? Optional.empty()
                    : Optional.of(new Export.Attachment(title.isBlank() ? link : title, "", Optional.empty(), link));
        }
        if (!fileIds.add(fileId)) {
            return Optional.empty();
        }
        String fileName = a.path("fileName").asText(a.path("title").asText(fileId));
        String type = Stream.of("image_type", "video_type", "audio_type").map(k -> a.path(k).asText(""))
                .filter(s -> !s.isBlank()).findFirst().orElse(Json.contentType(fileName));
        Optional<Export.Content> content = fileName.contains("/") || fileName.contains("\\") ? Optional.empty()
                : files.content("assets/" + fileId + "-" + fileName);
        return Optional.of(new Export.Attachment(fileName, type, content, link));
    }

    /** {@code ts} as Rocket.Chat writes it (ISO-8601), or as a database dump does ({@code {"$date": …}}). */
    private static Instant time(JsonNode ts, String file, String where) throws ExportFormatException {
        if (ts == null || ts.isNull()) {
            throw new ExportFormatException(file, where + ".ts is missing");
        }
        JsonNode v = ts.has("$date") ? ts.get("$date") : ts;
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.has("$numberLong")) {
            return Instant.ofEpochMilli(Long.parseLong(v.get("$numberLong").asText("0")));
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new ExportFormatException(file, where + ".ts is not an ISO-8601 date: " + v.asText());
        }
    }

    /** The JSON objects of a file, one per line (blank lines skipped), by line number. */
    private static Map<Integer, JsonNode> lines(String file, InputStream stream) throws IOException, ExportFormatException {
        Map<Integer, JsonNode> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.put(n, MAPPER.readTree(line));
                } catch (JsonProcessingException e) {
                    throw new ExportFormatException(file, "line " + n + " is not valid JSON (cut short or damaged?): "
                            + e.getOriginalMessage(), e);
                }
            }
        }
        return out;
    }

    private static Source zip(Path path) throws IOException {
        ZipFile zip = new ZipFile(path.toFile());
        return new Source() {
            @Override
            public List<String> top() {
                TreeMap<String, ZipEntry> names = new TreeMap<>();
                zip.stream().filter(e -> !e.isDirectory() && e.getName().indexOf('/') < 0).forEach(e -> names.put(e.getName(), e));
                return List.copyOf(names.keySet());
            }

            @Override
            public Optional<InputStream> open(String name) throws IOException {
                ZipEntry e = zip.getEntry(name);
                return e == null ? Optional.empty() : Optional.of(zip.getInputStream(e));
            }

            @Override
            public Optional<Export.Content> content(String name) {
                ZipEntry e = zip.getEntry(name);
                if (e == null || e.getSize() > DiscordJsonReader.MAX_FILE_BYTES) {
                    return Optional.empty();
                }
                return Optional.of(() -> {
                    try (ZipFile again = new ZipFile(path.toFile()); InputStream in = again.getInputStream(again.getEntry(name))) {
                        return in.readAllBytes();
                    }
                });
            }

            @Override
            public void close() throws IOException {
                zip.close();
            }
        };
    }

    private static Source folder(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        return new Source() {
            @Override
            public List<String> top() throws IOException {
                try (Stream<Path> s = Files.list(root)) {
                    return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
                }
            }

            @Override
            public Optional<InputStream> open(String name) throws IOException {
                Path p = root.resolve(name);
                return Files.isRegularFile(p) ? Optional.of(Files.newInputStream(p)) : Optional.empty();
            }

            @Override
            public Optional<Export.Content> content(String name) throws IOException {
                Path p = root.resolve(name).normalize();
                if (!p.startsWith(root) || !Files.isRegularFile(p) || Files.size(p) > DiscordJsonReader.MAX_FILE_BYTES) {
                    return Optional.empty();
                }
                return Optional.of(() -> Files.readAllBytes(p));
            }

            @Override
            public void close() {
            }
        };
    }
}
