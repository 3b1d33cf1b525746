package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.internal.config.ConfigErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An environment file as systemd's {@code EnvironmentFile=} reads it, so that the {@code comptoir}
 * command sees the same secrets as the service: {@code NAME=value} lines, blank lines and lines
 * starting with {@code #} or {@code ;} skipped, an optional {@code export } before the name, a
 * value in single quotes taken as written, one in double quotes with {@code \"} and {@code \\}
 * unescaped. Errors name the file and the line number, never the line (it may hold a secret).
 */
final class EnvFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {}

    /**
     * Reads the file.
     *
     * @throws ConfigErrors when it is missing, unreadable, or has a line that is not {@code NAME=value}
     */
    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigErrors.of("--env-file", "file " + file + " not found");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw ConfigErrors.of("--env-file", "file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); it is root:comptoir 0640 when installed: run as root or as a member of group comptoir");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<ConfigException> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).strip();
            String where = file + ", line " + (i + 1);
            if (eq < 0 || !NAME.matcher(name).matches()) {
                errors.add(new ConfigException(where, "expected NAME=value (a name of letters, digits and _)"));
                continue;
            }
            String value = unquote(line.substring(eq + 1).strip());
            if (value == null) {
                errors.add(new ConfigException(where, name + ": a quote is not closed"));
                continue;
            }
            values.put(name, value);
        }
        ConfigErrors.throwIfAny(null, errors);
        return values;
    }

    /** The file's values under the real environment's: a variable set in both keeps the environment's value. */
    static Map<String, String> under(Map<String, String> fromFile, Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(fromFile);
        merged.putAll(environment);
        return merged;
    }

    private static String unquote(String raw) {
        if (raw.startsWith("'")) {
            return raw.length() >= 2 && raw.endsWith("'") ? raw.substring(1, raw.length() - 1) : null;
        }
        if (!raw.startsWith("\"")) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                out.append(raw.charAt(++i));
            } else if (c == '"') {
                return i == raw.length() - 1 ? out.toString() : null;
            } else {
                out.append(c);
            }
        }
        return null;
    }
}
