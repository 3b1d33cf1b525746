package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The top-level {@code data_dir}: the folder where Comptoir writes (the default SQLite database).
 * Like every relative path of the file, a relative {@code data_dir} is taken from the config
 * file's folder, which is also its default. Installed from the package, the config sets
 * {@code /var/lib/comptoir}: the only folder the systemd unit lets Comptoir write to.
 *
 * <p>Kept apart from {@link ComptoirConfig}: it only decides the default {@code database.url}.
 */
final class DataDir {
    static final String KEY = "data_dir";
    private static final String DEFAULT_FILE = "comptoir.db";

    private DataDir() {}

    /**
     * The data folder, absolute: {@code node} resolved against {@code baseDir}, or {@code baseDir}
     * when the key is absent. An unusable value is an error and gives {@code baseDir}.
     */
    static Path read(JsonNode node, Path baseDir, List<ConfigException> errors) {
        if (node == null || node.isNull()) {
            return baseDir;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            errors.add(new ConfigException(KEY, "expected the path of a folder Comptoir may write to, got "
                    + KeyPaths.describe(node, false)));
            return baseDir;
        }
        try {
            return baseDir.resolve(node.asText().trim()).normalize();
        } catch (InvalidPathException e) {
            errors.add(new ConfigException(KEY, "not a valid path: " + e.getReason()));
            return baseDir;
        }
    }

    /** Without a {@code database.url} in the file, the database is {@code comptoir.db} in {@code dataDir}. */
    static void applyDefaultDatabase(ObjectNode user, Path dataDir) {
        JsonNode database = user.get("database");
        if (database != null && !database.isObject()) {
            return; // the binder reports the wrong type
        }
        if (database == null || !database.hasNonNull("url")) {
            ObjectNode section = database == null ? user.putObject("database") : (ObjectNode) database;
            section.put("url", "jdbc:sqlite:" + dataDir.resolve(DEFAULT_FILE));
        }
    }
}
