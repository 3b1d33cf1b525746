package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a Slack workspace export zip: the people of {@code users.json}, the channels of
 * {@code channels.json} and their daily message files. Join/leave notices and other system
 * subtypes are left out; thread replies keep their root ({@code thread_ts}). Blocks on file reading.
 */
public final class SlackZipReader {
    private static final java.util.Set<String> SKIPPED_SUBTYPES = java.util.Set.of("channel_join", "channel_leave",
            "channel_purpose", "channel_topic", "channel_name", "channel_archive", "channel_unarchive", "tombstone");

    private SlackZipReader() {}

    /** Reads the zip at {@code file}; throws with the entry and key path of the first problem found. */
    public static Export read(Path file) throws ExportFormatException {
        String zipName = file.getFileName().toString();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Map<String, String> people = users(zip);
            JsonNode channels = entry(zip, "channels.json");
            if (!channels.isArray()) {
                throw new ExportFormatException("channels.json", "$ is not a list");
            }
            List<Export.Channel> out = new ArrayList<>();
            for (int i = 0; i < channels.size(); i++) {
                JsonNode c = channels.get(i);
                String id = Json.text(c, "id", "channels.json", "$[" + i + "]");
                String name = Json.text(c, "name", "channels.json", "$[" + i + "]");
                out.add(new Export.Channel(id, name, messages(zip, file, id, name, people)));
            }
            return new Export("slack", out);
        } catch (ZipException e) {
            throw new ExportFormatException(zipName, "not a readable zip (cut short or damaged?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ExportFormatException(zipName, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> users(ZipFile zip) throws ExportFormatException, IOException {
        JsonNode users = entry(zip, "users.json");
        if (!users.isArray()) {
            throw new ExportFormatException("users.json", "$ is not a list");
        }
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            JsonNode u = users.get(i);
            String id = Json.text(u, "id", "users.json", "$[" + i + "]");
            names.put(id, firstNonBlank(u.path("profile").path("display_name").asText(""),
                    u.path("profile").path("real_name").asText(""), u.path("real_name").asText(""),
                    u.path("name").asText(""), id));
        }
        return names;
    }

    private static List<Export.Message> messages(ZipFile zip, Path zipFile, String channelId, String channel, Map<String, String> people)
            throws ExportFormatException, IOException {
        TreeMap<String, ZipEntry> days = new TreeMap<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry z = e.nextElement();
            String n = z.getName();
            if (!z.isDirectory() && n.startsWith(channel + "/") && n.endsWith(".json") && n.indexOf('/', channel.length() + 1) < 0) {
                days.put(n, z);
            }
        }
        List<Export.Message> out = new ArrayList<>();
        for (ZipEntry day : days.values()) {
            JsonNode list = parse(zip, day);
            if (!list.isArray()) {
                throw new ExportFormatException(day.getName(), "$ is not a list");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode m = list.get(i);
                String path = "$[" + i + "]";
                if (SKIPPED_SUBTYPES.contains(m.path("subtype").asText(""))) {
                    continue;
                }
                String ts = Json.text(m, "ts", day.getName(), path);
                Instant time;
                try {
                    BigDecimal micros = new BigDecimal(ts).movePointRight(6);
                    time = Instant.EPOCH.plusNanos(micros.longValueExact() * 1000);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new ExportFormatException(day.getName(), path + ".ts is not a Slack time (seconds.micros): " + ts);
                }
                String user = m.path("user").asText(m.path("bot_id").asText(""));
                if (user.isEmpty()) {
                    throw new ExportFormatException(day.getName(), path + ".user is missing");
                }
                String name = people.getOrDefault(user, firstNonBlank(m.path("user_profile").path("display_name").asText(""),
                        m.path("user_profile").path("real_name").asText(""), m.path("username").asText(""), user));
                String threadTs = m.path("thread_ts").asText("");
                Optional<String> root = threadTs.isEmpty() || threadTs.equals(ts)
                        ? Optional.empty() : Optional.of(channelId + "/" + threadTs);
                out.add(new Export.Message(channelId + "/" + ts, new Export.Person(user, name), time,
                        m.path("text").asText(""), Optional.empty(), root, files(zip, zipFile, m.path("files"))));
            }
        }
        out.sort(Comparator.comparing(Export.Message::time));
        return out;
    }

    private static List<Export.Attachment> files(ZipFile zip, Path zipFile, JsonNode files) throws IOException {
        List<Export.Attachment> out = new ArrayList<>();
        for (JsonNode f : files) {
            String id = f.path("id").asText("");
            String name = firstNonBlank(f.path("name").asText(""), f.path("title").asText(""), id, "file");
            String type = firstNonBlank(f.path("mimetype").asText(""), Json.contentType(name));
            ZipEntry local = id.isEmpty() ? null : zip.getEntry("__uploads/" + id + "/" + name);
            Optional<Export.Content> data = Optional.empty();
            if (local != null && local.getSize() <= DiscordJsonReader.MAX_FILE_BYTES) {
                String entry = local.getName();
                data = Optional.of(() -> {
                    try (ZipFile again = new ZipFile(zipFile.toFile()); InputStream in = again.getInputStream(again.getEntry(entry))) {
                        return in.readAllBytes();
                    }
                });
            }
            out.add(new Export.Attachment(name, type, data, f.path("url_private").asText("")));
        }
        return out;
    }

    private static JsonNode entry(ZipFile zip, String name) throws ExportFormatException, IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new ExportFormatException(name, "missing from the zip: is this a Slack workspace export?");
        }
        return parse(zip, e);
    }

    private static JsonNode parse(ZipFile zip, ZipEntry e) throws ExportFormatException, IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return Json.parse(e.getName(), in);
        }
    }

    private static String firstNonBlank(String... s) {
        for (String x : s) {
            if (x != null && !x.isBlank()) {
                return x;
            }
        }
        return "";
    }
}
