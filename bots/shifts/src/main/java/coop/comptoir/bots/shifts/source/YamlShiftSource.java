package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.shifts.Shift;
import coop.comptoir.bots.shifts.WeekCycle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shifts from recurring templates written in YAML, for coops without shift software: "every
 * Saturday of weeks A and C, 9:00 to 12:00, team samedi-matin, 6 seats, these members". The
 * templates are inline in the config ({@code templates:}) or in a file ({@code file:}, read again at
 * every poll, so editing it is enough).
 *
 * <p>Times are wall-clock times in the coop's zone: a 09:00 template is at 09:00 local on both sides
 * of a daylight-saving change (a time that does not exist that day, in the spring gap, moves
 * forward by the gap). A shift's ID is {@code yaml:<name>:<date>}; seats free are the seats minus
 * the listed members.
 *
 * <pre>
 * templates:
 *   - name: samedi-matin          # stable: reminders are remembered by it
 *     title: Samedi matin         # shown (default: the name)
 *     weeks: [A, C]               # or "AC", "A", "ABCD"
 *     weekday: samedi             # French or English, full or 3 letters
 *     start: "09:00"              # or 9h, 9h30
 *     end: "12:00"
 *     team: samedi-matin          # routed to a room by the plugin's teams (else default_room)
 *     seats: 6
 *     members: ["@alice:coop.example", {name: Bob, matrix_id: "@bob:coop.example"}, Carla]
 *     cancelled: [2026-04-04]     # dates when it does not take place
 *     from: 2026-01-01            # optional validity
 *     until: 2026-12-31
 * </pre>
 */
public final class YamlShiftSource implements ShiftSource {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2})(?:[:hH](\\d{2})?)?");
    private static final Set<String> TEMPLATE_KEYS = new TreeSet<>(List.of("name", "title", "weeks", "weekday", "start",
            "end", "team", "seats", "members", "cancelled", "from", "until"));
    private static final Map<String, DayOfWeek> DAYS = days();

    /**
     * The {@code source:} section of {@code type: yaml}.
     *
     * @param file      a YAML file holding {@code templates:}, read at every poll
     * @param templates the templates themselves (instead of a file)
     */
    public record Config(String file, List<JsonNode> templates) implements SourceConfig {}

    /** A checked template. */
    record Template(String name, String title, Set<Character> weeks, DayOfWeek weekday, LocalTime start, LocalTime end,
                    Optional<String> team, int seats, List<Shift.Member> members, Set<LocalDate> cancelled,
                    LocalDate from, LocalDate until) {}

    /** A template error: where (key path under the templates' parent) and why. */
    static final class TemplateException extends Exception {
        final String where;
        final String reason;

        TemplateException(String where, String templateName, String reason) {
            super(where + (templateName == null ? "" : " (template \"" + templateName + "\")") + ": " + reason);
            this.where = where;
            this.reason = reason;
        }
    }

    /** A schedule file larger than this is refused: it is read at every poll. */
    static final long MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final List<Template> inline;
    private final ZoneId zone;
    private final WeekCycle cycle;
    private final Limits limits;

    /**
     * Checks the config; inline templates are parsed now.
     *
     * @throws ConfigException naming the key path (e.g. {@code plugins[0].source.templates[1].start})
     */
    public YamlShiftSource(Config config, ShiftSources.Context ctx) {
        this.zone = ctx.zone();
        this.cycle = ctx.cycle();
        this.limits = ctx.limits();
        boolean hasFile = config.file() != null && !config.file().isBlank();
        boolean hasTemplates = config.templates() != null;
        if (hasFile == hasTemplates) {
            throw new ConfigException(ctx.path(), "give either file (a YAML file of templates) or templates, not "
                    + (hasFile ? "both" : "neither"));
        }
        if (hasFile) {
            this.file = Path.of(config.file());
            this.inline = null;
        } else {
            this.file = null;
            try {
                this.inline = templates(config.templates(), "templates");
            } catch (TemplateException e) {
                throw new ConfigException(ctx.path() + "." + e.where, e.reason);
            }
        }
    }

    /** For tests and tools: templates parsed from a YAML document ({@code templates: […]}). */
    static List<Template> parseDocument(String yaml) throws ShiftSourceException {
        try {
            return document(YAML.readTree(yaml), "YAML");
        } catch (JsonProcessingException e) {
            throw new ShiftSourceException("YAML: " + notYaml(e));
        }
    }

    /** {@inheritDoc} Beyond {@link Limits#shifts}, the earliest shifts are kept. */
    @Override
    public Fetched read(Instant from, Instant to) throws IOException, ShiftSourceException {
        List<Template> templates = inline;
        if (templates == null) {
            if (Files.size(file) > MAX_BYTES) {
                throw new ShiftSourceException(file + ": larger than " + MAX_BYTES / 1024 + " KiB: not a schedule of templates");
            }
            JsonNode root;
            try {
                root = YAML.readTree(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new ShiftSourceException(file + ": " + notYaml(e));
            }
            templates = document(root, file.toString());
        }
        ShiftCollector out = new ShiftCollector(limits, describe());
        expand(templates, from, to, zone, cycle, out);
        return out.finish(to);
    }

    /** One line: where and what, without the parser's multi-line excerpt. */
    private static String notYaml(JsonProcessingException e) {
        String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("").strip();
        var at = e.getLocation();
        return "not valid YAML" + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "")
                + (what.isEmpty() ? "" : ": " + what);
    }

    @Override
    public String describe() {
        return file != null ? "YAML " + file : "YAML templates in the config (" + inline.size() + ")";
    }

    private static List<Template> document(JsonNode root, String where) throws ShiftSourceException {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ShiftSourceException(where + ": empty (expected templates: [...])");
        }
        if (!root.isObject()) {
            throw new ShiftSourceException(where + ": expected a mapping with templates: [...]");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("templates")) {
                throw new ShiftSourceException(where + ": " + k + ": unknown key (known keys: templates)");
            }
        }
        List<JsonNode> list = new ArrayList<>();
        JsonNode t = root.path("templates");
        if (!t.isArray()) {
            throw new ShiftSourceException(where + ": templates: expected a list");
        }
        t.forEach(list::add);
        try {
            return templates(list, "templates");
        } catch (TemplateException e) {
            throw new ShiftSourceException(where + ": " + e.getMessage());
        }
    }

    static List<Template> templates(List<JsonNode> nodes, String path) throws TemplateException {
        List<Template> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Template t = template(nodes.get(i), path + "[" + i + "]");
            if (!names.add(t.name())) {
                throw new TemplateException(path + "[" + i + "].name", t.name(), "the name is used twice");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static Template template(JsonNode n, String at) throws TemplateException {
        if (n == null || !n.isObject()) {
            throw new TemplateException(at, null, "expected a mapping (name, weeks, weekday, start, end, …)");
        }
        String name = n.path("name").asText(null);
        if (name == null || !n.path("name").isValueNode() || !NAME.matcher(name).matches()) {
            throw new TemplateException(at + ".name", null, name == null ? "missing"
                    : "\"" + name + "\": letters, digits, '.', '-' and '_' only (it identifies the shifts)");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TEMPLATE_KEYS.contains(k)) {
                throw new TemplateException(at + "." + k, name, "unknown key (known keys: " + String.join(", ", TEMPLATE_KEYS) + ")");
            }
        }
        String title = text(n, "title", at, name);
        Set<Character> weeks = weeks(n.path("weeks"), at + ".weeks", name);
        DayOfWeek weekday = weekday(required(n, "weekday", at, name), at + ".weekday", name);
        LocalTime start = time(required(n, "start", at, name), at + ".start", name);
        LocalTime end = time(required(n, "end", at, name), at + ".end", name);
        if (!end.isAfter(start)) {
            throw new TemplateException(at + ".end", name, end + " is not after start " + start);
        }
        String team = text(n, "team", at, name);
        int seats = 0;
        if (n.has("seats")) {
            if (!n.path("seats").canConvertToInt() || !n.path("seats").isIntegralNumber() || n.path("seats").asInt() < 0) {
                throw new TemplateException(at + ".seats", name, "expected a whole number, 0 or more, not " + n.path("seats"));
            }
            seats = n.path("seats").asInt();
        }
        List<Shift.Member> members = members(n.path("members"), at + ".members", name);
        Set<LocalDate> cancelled = new LinkedHashSet<>();
        JsonNode c = n.path("cancelled");
        if (!c.isMissingNode() && !c.isNull()) {
            if (!c.isArray()) {
                throw new TemplateException(at + ".cancelled", name, "expected a list of dates (2026-04-04)");
            }
            for (int i = 0; i < c.size(); i++) {
                cancelled.add(date(c.get(i).asText(), at + ".cancelled[" + i + "]", name));
            }
        }
        LocalDate from = n.has("from") ? date(n.path("from").asText(), at + ".from", name) : null;
        LocalDate until = n.has("until") ? date(n.path("until").asText(), at + ".until", name) : null;
        if (from != null && until != null && until.isBefore(from)) {
            throw new TemplateException(at + ".until", name, until + " is before from " + from);
        }
        return new Template(name, title != null ? title : name, weeks, weekday, start, end, Optional.ofNullable(team),
                seats, members, Set.copyOf(cancelled), from, until);
    }

    private static String required(JsonNode n, String key, String at, String name) throws TemplateException {
        String v = text(n, key, at, name);
        if (v == null) {
            throw new TemplateException(at + "." + key, name, "missing");
        }
        return v;
    }

    private static String text(JsonNode n, String key, String at, String name) throws TemplateException {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw new TemplateException(at + "." + key, name, "expected a text");
        }
        return v.asText().strip();
    }

    private static Set<Character> weeks(JsonNode n, String at, String name) throws TemplateException {
        if (n.isMissingNode() || n.isNull()) {
            throw new TemplateException(at, name, "missing (the week letters, e.g. [A, C] or ABCD for every week)");
        }
        List<String> parts = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> parts.add(x.asText()));
        } else {
            parts.add(n.asText());
        }
        Set<Character> out = new TreeSet<>();
        for (String p : parts) {
            for (char ch : p.replaceAll("[\\s,]", "").toUpperCase(Locale.ROOT).toCharArray()) {
                if (WeekCycle.LETTERS.indexOf(ch) < 0) {
                    throw new TemplateException(at, name, "\"" + p + "\": week letters are A, B, C and D");
                }
                out.add(ch);
            }
        }
        if (out.isEmpty()) {
            throw new TemplateException(at, name, "no week letter (A, B, C or D)");
        }
        return Set.copyOf(out);
    }

    private static DayOfWeek weekday(String s, String at, String name) throws TemplateException {
        DayOfWeek d = DAYS.get(s.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new TemplateException(at, name, "\"" + s + "\" is not a day (monday…sunday, lundi…dimanche)");
        }
        return d;
    }

    static LocalTime time(String s, String at, String name) throws TemplateException {
        Matcher m = TIME.matcher(s.strip());
        if (m.matches()) {
            int h = Integer.parseInt(m.group(1));
            int min = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            boolean bareNumber = !s.contains(":") && !s.toLowerCase(Locale.ROOT).contains("h");
            if (!bareNumber && h < 24 && min < 60) {
                return LocalTime.of(h, min);
            }
        }
        throw new TemplateException(at, name, "\"" + s + "\" is not a time (write 09:00, 9h or 9h30)");
    }

    private static LocalDate date(String s, String at, String name) throws TemplateException {
        try {
            return LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new TemplateException(at, name, "\"" + s + "\" is not a date (write 2026-04-04)");
        }
    }

    private static List<Shift.Member> members(JsonNode n, String at, String name) throws TemplateException {
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new TemplateException(at, name, "expected a list of Matrix IDs or names");
        }
        List<Shift.Member> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            String mat = at + "[" + i + "]";
            if (m.isTextual()) {
                String s = m.asText().strip();
                if (s.startsWith("@")) {
                    out.add(new Shift.Member(s, Optional.of(userId(s, mat, name))));
                } else if (!s.isEmpty()) {
                    out.add(new Shift.Member(s, Optional.empty()));
                } else {
                    throw new TemplateException(mat, name, "empty member");
                }
            } else if (m.isObject()) {
                for (var it = m.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!k.equals("name") && !k.equals("matrix_id")) {
                        throw new TemplateException(mat + "." + k, name, "unknown key (known keys: matrix_id, name)");
                    }
                }
                String id = m.path("matrix_id").asText(null);
                String display = m.path("name").asText(null);
                if (id == null && display == null) {
                    throw new TemplateException(mat, name, "give name, matrix_id or both");
                }
                Optional<UserId> uid = id == null ? Optional.empty() : Optional.of(userId(id, mat + ".matrix_id", name));
                out.add(new Shift.Member(display != null ? display : id, uid));
            } else {
                throw new TemplateException(mat, name, "expected a Matrix ID, a name, or {name, matrix_id}");
            }
        }
        return List.copyOf(out);
    }

    private static UserId userId(String s, String at, String name) throws TemplateException {
        try {
            return UserId.of(s);
        } catch (IllegalArgumentException e) {
            throw new TemplateException(at, name, "\"" + s + "\" is not a Matrix user ID (@name:server)");
        }
    }

    /** The templates' shifts starting in {@code [from, to)}, into {@code out}. */
    private static void expand(List<Template> templates, Instant from, Instant to, ZoneId zone, WeekCycle cycle, ShiftCollector out) {
        // Local dates around the window: a shift's date may differ from the UTC date of its start.
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate().plusDays(2);
        for (Template t : templates) {
            for (char letter : t.weeks()) {
                for (LocalDate d : cycle.dates(letter, t.weekday(), first, last)) {
                    if (t.cancelled().contains(d) || (t.from() != null && d.isBefore(t.from()))
                            || (t.until() != null && d.isAfter(t.until()))) {
                        continue;
                    }
                    ZonedDateTime start = ZonedDateTime.of(d, t.start(), zone);
                    ZonedDateTime end = ZonedDateTime.of(d, t.end(), zone);
                    if (start.toInstant().isBefore(from) || !start.toInstant().isBefore(to) || !end.isAfter(start)) {
                        continue;
                    }
                    int free = Math.max(0, t.seats() - t.members().size());
                    out.add(new Shift("yaml:" + t.name() + ":" + d, t.title(), t.team(), start, end, t.seats(), free, t.members()),
                            "template \"" + t.name() + "\"");
                }
            }
        }
    }

    private static Map<String, DayOfWeek> days() {
        Map<String, DayOfWeek> m = new java.util.HashMap<>();
        String[] fr = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
        for (DayOfWeek d : DayOfWeek.values()) {
            String en = d.name().toLowerCase(Locale.ROOT);
            String f = fr[d.ordinal()];
            m.put(en, d);
            m.put(en.substring(0, 3), d);
            m.put(f, d);
            m.put(f.substring(0, 3), d);
        }
        return Map.copyOf(m);
    }
}
