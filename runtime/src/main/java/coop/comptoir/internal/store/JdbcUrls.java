package coop.comptoir.internal.store;

import coop.comptoir.api.store.Database.Dialect;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** What Comptoir needs to know about a JDBC URL: its dialect, its SQLite file, a loggable form. */
public final class JdbcUrls {
    static final String SQLITE_PREFIX = "jdbc:sqlite:";
    static final String POSTGRES_PREFIX = "jdbc:postgresql:";

    /** {@code password=…} in a query string or in {@code ;key=value} properties. */
    private static final Pattern PASSWORD_PARAM =
            Pattern.compile("(?i)((?:^|[?&;])[^?&;=]*password=)[^&;]*");
    /** {@code //user:secret@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?&;]*):[^/@?&;]*@");

    private JdbcUrls() {}

    /**
     * The dialect a URL speaks.
     *
     * @throws IllegalArgumentException for anything but {@code jdbc:sqlite:} and {@code jdbc:postgresql:}
     */
    public static Dialect dialect(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("database URL is missing (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
        }
        String lower = jdbcUrl.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith(SQLITE_PREFIX)) {
            return Dialect.SQLITE;
        }
        if (lower.startsWith(POSTGRES_PREFIX)) {
            return Dialect.POSTGRES;
        }
        throw new IllegalArgumentException("unsupported database URL " + redact(jdbcUrl)
                + " (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
    }

    /** The URL with password values replaced by {@code ***}: the only form fit for logs and errors. */
    public static String redact(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        String out = PASSWORD_PARAM.matcher(jdbcUrl).replaceAll("$1***");
        return USER_INFO.matcher(out).replaceAll("$1:***@");
    }

    /**
     * The file of a SQLite URL, empty for in-memory databases ({@code jdbc:sqlite:},
     * {@code jdbc:sqlite::memory:}, {@code mode=memory}) and resources.
     */
    public static Optional<Path> sqliteFile(String jdbcUrl) {
        String rest = jdbcUrl.trim().substring(SQLITE_PREFIX.length());
        int query = rest.indexOf('?');
        String params = query >= 0 ? rest.substring(query + 1) : "";
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (params.toLowerCase(Locale.ROOT).contains("mode=memory")) {
            return Optional.empty();
        }
        if (rest.startsWith("file://")) {
            rest = rest.substring("file://".length());
        } else if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.startsWith(":")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(rest));
    }
}
