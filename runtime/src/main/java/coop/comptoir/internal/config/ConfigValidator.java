package coop.comptoir.internal.config;

import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the values of a bound configuration. Messages say what is expected and never repeat the
 * value: it may have come from the environment or be a secret.
 */
final class ConfigValidator {
    private static final long MIN_BODY_BYTES = 64 * 1024;

    private final List<ConfigException> errors;

    private ConfigValidator(List<ConfigException> errors) {
        this.errors = errors;
    }

    static void validate(ComptoirConfig config, List<ConfigException> errors) {
        ConfigValidator v = new ConfigValidator(errors);
        if (config.homeserver() != null) {
            v.homeserver(config.homeserver());
        }
        if (config.appservice() != null) {
            v.appservice(config.appservice());
        }
        if (config.database() != null) {
            v.database(config.database());
        }
        if (config.scheduler() != null) {
            v.scheduler(config.scheduler(), config.database());
        }
        if (config.commands() != null) {
            v.commands(config.commands());
        }
        if (config.admin() != null) {
            v.admin(config.admin(), config.appservice());
        }
        if (config.backup() != null) {
            v.backup(config.backup(), config.database());
        }
    }

    private void backup(ComptoirConfig.Backup b, ComptoirConfig.Database db) {
        range("backup.keep", b.keep(), 1, 1000);
        java.time.Duration every = b.every();
        if (every == null || every.isZero()) {
            return;
        }
        if (every.isNegative() || every.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
            error("backup.every", "must be at least 1s (or 0s: no snapshots)");
        } else if (db != null && !db.isSqlite()) {
            error("backup.every", "snapshots are taken of an SQLite database only; back PostgreSQL up with pg_dump"
                    + " (see the admin guide), and leave backup.every out");
        } else if (db != null && coop.comptoir.internal.store.JdbcUrls.sqliteFile(db.url()).isEmpty()) {
            error("backup.every", "the database is in memory: there is no file to snapshot");
        }
        if (b.folder() != null) {
            try {
                java.nio.file.Path.of(b.folder());
            } catch (java.nio.file.InvalidPathException e) {
                error("backup.folder", "not a valid path: " + e.getReason());
            }
        }
    }

    private void homeserver(ComptoirConfig.Homeserver hs) {
        httpUrl("homeserver.url", hs.url());
        String server = hs.serverName();
        if (server == null || server.isBlank()) {
            error("homeserver.server_name", "missing");
        } else if (!isValid(() -> UserId.of("x", server))) {
            error("homeserver.server_name", "not a valid server name (example.org, or example.org:8448)");
        }
    }

    private void appservice(ComptoirConfig.Appservice as) {
        if (as.id().isEmpty() || !as.id().matches("[A-Za-z0-9._~-]+")) {
            error("appservice.id", "use letters, digits, '.', '_', '~' and '-' (it appears in URLs)");
        }
        if (as.bind().isBlank()) {
            error("appservice.bind", "missing (an address such as 127.0.0.1)");
        }
        port("appservice.port", as.port());
        httpUrl("appservice.public_url", as.publicUrl());
        if (as.registration().isBlank()) {
            error("appservice.registration", "missing (a file path)");
        }
        String local = as.senderLocalpart();
        if (local.isEmpty() || !isValid(() -> UserId.of(local, "example.org"))
                || !UserId.of(local, "example.org").hasModernLocalpart()) {
            error("appservice.sender_localpart", "use only lower-case letters, digits and . _ = - / +");
        }
        if (as.maxBodyBytes() < MIN_BODY_BYTES) {
            error("appservice.max_body_bytes", "must be at least " + MIN_BODY_BYTES);
        }
        if (as.firstTransactionWait().isNegative() || as.firstTransactionWait().compareTo(java.time.Duration.ofHours(1)) > 0) {
            error("appservice.first_transaction_wait", "must be between 0s and 1h");
        }
        if (as.maxPendingEvents() < 1) {
            error("appservice.max_pending_events", "must be at least 1");
        }
        ComptoirConfig.PluginRoutes routes = as.pluginRoutes();
        range("appservice.plugin_routes.threads", routes.threads(), 1, 32);
        range("appservice.plugin_routes.queue", routes.queue(), 0, 1000);
        range("appservice.plugin_routes.max_receiving", routes.maxReceiving(), 1, 1000);
        if (routes.bodyTimeout().compareTo(java.time.Duration.ofSeconds(1)) < 0
                || routes.bodyTimeout().compareTo(java.time.Duration.ofMinutes(5)) > 0) {
            error("appservice.plugin_routes.body_timeout", "must be between 1s and 5m");
        }
        if (as.asToken() != null && as.asToken().isBlank()) {
            error("appservice.as_token", "empty (leave it out to read it from the registration file)");
        }
        if (as.hsToken() != null && as.hsToken().isBlank()) {
            error("appservice.hs_token", "empty (leave it out to read it from the registration file)");
        }
        if (as.asToken() != null && as.asToken().equals(as.hsToken())) {
            error("appservice.hs_token", "must differ from as_token");
        }
    }

    private void database(ComptoirConfig.Database db) {
        if (!db.isSqlite() && !db.url().startsWith("jdbc:postgresql:")) {
            error("database.url", "expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DATABASE");
        }
        if (!Set.of("normal", "full").contains(db.sqliteSynchronous())) {
            error("database.sqlite_synchronous", "expected normal or full");
        }
        range("database.pool_size", db.poolSize(), 1, 64);
    }

    /** @param db null when the database section did not bind */
    private void scheduler(ComptoirConfig.Scheduler scheduler, ComptoirConfig.Database db) {
        range("scheduler.threads", scheduler.threads(), 1, 64);
        if (db != null && db.isSqlite() && Boolean.TRUE.equals(scheduler.clustered())) {
            error("scheduler.clustered", "needs PostgreSQL: Comptoir instances share their jobs through the database"
                    + " (database.url is SQLite)");
        }
    }

    private void commands(ComptoirConfig.Commands commands) {
        String prefix = commands.prefix();
        if (prefix.isEmpty() || prefix.chars().anyMatch(Character::isWhitespace)) {
            error("commands.prefix", "must be non-empty and without spaces (in YAML, quote it: prefix: \"!\")");
        }
        for (int i = 0; i < commands.admins().size(); i++) {
            String admin = commands.admins().get(i);
            if (admin == null || !isValid(() -> UserId.of(admin))) {
                error("commands.admins[" + i + "]", "not a valid user ID (@name:example.org)");
            }
        }
        if (commands.language() != null) {
            TextsSection.checkLanguage(commands.language(), "commands.language", errors);
        }
    }

    /** @param as null when the appservice section did not bind */
    private void admin(ComptoirConfig.Admin admin, ComptoirConfig.Appservice as) {
        if (admin.port() == null) {
            if (admin.bind() != null) {
                error("admin.port", "missing (admin.bind is set; give a port, or leave both out for no admin listener)");
            }
            return;
        }
        port("admin.port", admin.port());
        if (as != null && admin.port() == as.port() && admin.bind().equals(as.bind())) {
            error("admin.port", "same as appservice.port (leave admin.port out, and set admin.public_metrics: true"
                    + " to serve /metrics on the appservice listener)");
        }
    }

    private void httpUrl(String path, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        error(path, "expected an http:// or https:// URL");
    }

    private void port(String path, int port) {
        range(path, port, 1, 65535);
    }

    private void range(String path, long value, long min, long max) {
        if (value < min || value > max) {
            error(path, "must be between " + min + " and " + max);
        }
    }

    private void error(String path, String reason) {
        errors.add(new ConfigException(path, reason));
    }

    private static boolean isValid(Runnable check) {
        try {
            check.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
