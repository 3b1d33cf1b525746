package coop.comptoir.internal.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.UserId;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole config file, bound from YAML (snake_case keys). Built by {@link ConfigLoader}, which
 * fills every default, resolves relative paths against the config file's folder and validates
 * every value: code that receives a {@code ComptoirConfig} can trust it. Only {@code as_token} and
 * {@code hs_token} may still be null until {@link ConfigLoader#withRegistrationTokens} has run.
 *
 * <p>{@code toString()} never shows tokens or passwords.
 */
public record ComptoirConfig(
        Homeserver homeserver,
        Appservice appservice,
        Database database,
        Scheduler scheduler,
        Commands commands,
        Admin admin,
        /** Snapshots of the SQLite database taken while Comptoir runs. */
        Backup backup,
        List<PluginSection> plugins,
        /** Folder of plugin jars loaded at start; an absolute path once loaded. */
        @JsonProperty("plugins_dir") String pluginsDir,
        /** The language every plugin speaks unless its own section says otherwise: fr (default), en… */
        String language,
        /** How messages speak to one member: vous (default) or tu. */
        String address,
        /** The coop's own wording: language → ("bundle.key" → ICU pattern); checked at start. */
        java.util.Map<String, java.util.Map<String, String>> texts,
        /** End-to-end encryption of the bot (opt-in while incomplete); never null once loaded. */
        Encryption encryption) {

    /** Without an {@code encryption} section: off. */
    public ComptoirConfig(Homeserver homeserver, Appservice appservice, Database database, Scheduler scheduler, Commands commands,
            Admin admin, Backup backup, List<PluginSection> plugins, String pluginsDir, String language, String address,
            java.util.Map<String, java.util.Map<String, String>> texts) {
        this(homeserver, appservice, database, scheduler, commands, admin, backup, plugins, pluginsDir, language, address, texts,
                Encryption.OFF);
    }

    /**
     * {@code encryption.enabled}: the bot gets a device of its own and decrypts what members write in
     * encrypted rooms (see docs/encrypted-rooms.md for what works yet).
     */
    public record Encryption(boolean enabled) {
        /** The default. */
        public static final Encryption OFF = new Encryption(false);
    }

    /** Language, address and the coop's texts, as every plugin instance gets them. */
    public coop.comptoir.api.text.TextSettings textSettings() {
        return new coop.comptoir.api.text.TextSettings(language, address, texts, "texts");
    }

    /** The command router's: {@code commands.language} when given, else the top-level one. */
    public coop.comptoir.api.text.TextSettings commandTextSettings() {
        return textSettings().withLanguage(commands.language());
    }

    /** Where the homeserver is. */
    public record Homeserver(
            /** Client-server API base URL, e.g. http://127.0.0.1:8008 */
            String url,
            /** The server name in user IDs (example.org). Required. */
            @JsonProperty("server_name") String serverName) {}

    /** How the homeserver reaches Comptoir and who Comptoir is. */
    public record Appservice(
            /** Registration ID (the registration file's id). */
            String id,
            /** Address to listen on. */
            String bind,
            int port,
            /** The URL the homeserver uses to reach Comptoir (the registration's url). */
            @JsonProperty("public_url") String publicUrl,
            /** Path of the registration file: tokens are read from it when not given here. */
            String registration,
            @JsonProperty("as_token") String asToken,
            @JsonProperty("hs_token") String hsToken,
            @JsonProperty("sender_localpart") String senderLocalpart,
            /** The bot's display name. */
            @JsonProperty("display_name") String displayName,
            /** Largest transaction body accepted, in bytes. */
            @JsonProperty("max_body_bytes") long maxBodyBytes,
            /**
             * Events received and not handled yet beyond which new transactions are refused (503)
             * until the handlers catch up: the homeserver sends them again later.
             */
            @JsonProperty("max_pending_events") long maxPendingEvents,
            /** Fail start-up when the homeserver cannot reach Comptoir (ping), instead of retrying. */
            @JsonProperty("require_ping") boolean requirePing,
            /** How the plugins' public routes (/_comptoir/plugins/…) are served. */
            @JsonProperty("plugin_routes") PluginRoutes pluginRoutes,
            /**
             * On a homeserver without the appservice ping (Dendrite), how long to wait at start-up
             * for a first transaction before readiness rests on {@code whoami} alone.
             */
            @JsonProperty("first_transaction_wait") java.time.Duration firstTransactionWait) {

        /** Whether both tokens are known (from the config or from the registration file). */
        @JsonIgnore
        public boolean hasTokens() {
            return asToken != null && hsToken != null;
        }

        @Override
        public String toString() {
            return "Appservice[id=" + id + ", bind=" + bind + ", port=" + port + ", publicUrl=" + publicUrl
                    + ", registration=" + registration + ", asToken=" + hidden(asToken) + ", hsToken=" + hidden(hsToken)
                    + ", senderLocalpart=" + senderLocalpart + ", displayName=" + displayName
                    + ", maxBodyBytes=" + maxBodyBytes + ", maxPendingEvents=" + maxPendingEvents
                    + ", requirePing=" + requirePing + ", pluginRoutes=" + pluginRoutes
                    + ", firstTransactionWait=" + firstTransactionWait + "]";
        }
    }

    /**
     * Bounds on the plugins' routes (Discourse webhooks, avatars), which anyone who reaches the
     * listener may call: what they may cost stays small and apart from Matrix delivery.
     */
    public record PluginRoutes(
            /** Threads running route handlers (not those delivering Matrix events). */
            int threads,
            /** Requests waiting for one of those threads; more are answered 503. */
            int queue,
            /** Requests whose body is being received at once; more are answered 503. */
            @JsonProperty("max_receiving") int maxReceiving,
            /** How long a request has to send its whole body; slower ones are cut off. */
            @JsonProperty("body_timeout") java.time.Duration bodyTimeout) {}

    public record Database(
            /** jdbc:sqlite:comptoir.db (default) or jdbc:postgresql://host/db */
            String url,
            String user,
            String password,
            /** SQLite durability: normal (survives a crash of Comptoir) or full (also a power loss). */
            @JsonProperty("sqlite_synchronous") String sqliteSynchronous,
            @JsonProperty("pool_size") int poolSize) {

        @JsonIgnore
        public boolean isSqlite() {
            return url.startsWith("jdbc:sqlite:");
        }

        @Override
        public String toString() {
            int query = url.indexOf('?');
            String shownUrl = query < 0 ? url : url.substring(0, query) + "?…";
            return "Database[url=" + shownUrl + ", user=" + user + ", password=" + hidden(password)
                    + ", sqliteSynchronous=" + sqliteSynchronous + ", poolSize=" + poolSize + "]";
        }
    }

    public record Scheduler(
            /** Threads running jobs. */
            int threads,
            /** Quartz clustered JDBC job store: on by default with PostgreSQL, refused with SQLite. */
            Boolean clustered) {}

    public record Commands(
            /** Prefix of commands, "!" by default. */
            String prefix,
            /** Users allowed every command, whatever their power level. */
            List<String> admins,
            /** Language of the router's answers (help, refusals): the top-level language unless given. */
            String language) {}

    /**
     * /health, /metrics and /count on a listener of their own when a port is given. /health is
     * always on the appservice listener too; /metrics and /count (they show activity) only when
     * {@code public_metrics} says so.
     */
    public record Admin(String bind, Integer port, @JsonProperty("public_metrics") boolean publicMetrics) {}

    /**
     * Snapshots of the SQLite database written by the running instance ({@code VACUUM INTO}), for
     * backups without a stop. Once loaded: {@code every} is 24h by default on an SQLite file and
     * null (off) on PostgreSQL or in memory; {@code folder} is absolute, by default
     * {@code backups/} beside the database file.
     */
    public record Backup(
            /** Time between two snapshots; 0s turns them off. */
            java.time.Duration every,
            /** How many snapshots are kept (the newest). */
            int keep,
            /** Where snapshots go; relative paths from the config file's folder. */
            String folder) {

        /** Whether snapshots are taken. */
        @JsonIgnore
        public boolean enabled() {
            return every != null && !every.isZero() && !every.isNegative();
        }
    }

    /**
     * One plugin instance: {@code type} picks the factory, {@code id} names the instance (defaults
     * to the type), {@code enabled} (default true); every other key is the plugin's own.
     */
    public record PluginSection(String type, String id, boolean enabled, JsonNode settings, String path,
            /** The config file's folder, against which the plugin's relative paths resolve. */
            Path baseDir) {
        /** A section without a config file: relative paths resolve against the working directory. */
        public PluginSection(String type, String id, boolean enabled, JsonNode settings, String path) {
            this(type, id, enabled, settings, path, Path.of("").toAbsolutePath());
        }

        /** Settings may hold secrets: only their keys are shown. */
        @Override
        public String toString() {
            List<String> keys = settings == null ? List.of()
                    : settings.properties().stream().map(java.util.Map.Entry::getKey).toList();
            return "PluginSection[type=" + type + ", id=" + id + ", enabled=" + enabled + ", path=" + path
                    + ", settings keys=" + keys + "]";
        }
    }

    /** The bot's own user, {@code @sender_localpart:server_name}. */
    public UserId botUserId() {
        return UserId.of(appservice.senderLocalpart(), homeserver.serverName());
    }

    /** Whether Quartz runs clustered: as configured, else on with PostgreSQL and off with SQLite. */
    public boolean schedulerClustered() {
        return scheduler.clustered() != null ? scheduler.clustered() : !database.isSqlite();
    }

    /** The folder of plugin jars (an absolute path once loaded; it may not exist). */
    public Path pluginsFolder() {
        return Path.of(pluginsDir);
    }

    /** The registration file (an absolute path once loaded). */
    public Path registrationFile() {
        return Path.of(appservice.registration());
    }

    private static String hidden(String secret) {
        return secret == null ? "null" : "(hidden)";
    }
}
