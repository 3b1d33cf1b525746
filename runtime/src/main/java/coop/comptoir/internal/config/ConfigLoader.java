package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.internal.config.ComptoirConfig.Admin;
import coop.comptoir.internal.config.ComptoirConfig.Appservice;
import coop.comptoir.internal.config.ComptoirConfig.Backup;
import coop.comptoir.internal.config.ComptoirConfig.Commands;
import coop.comptoir.internal.config.ComptoirConfig.Database;
import coop.comptoir.internal.config.ComptoirConfig.Homeserver;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import coop.comptoir.internal.config.ComptoirConfig.Scheduler;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code comptoir.yaml} into a {@link ComptoirConfig}: YAML to a tree, {@code ${ENV}}
 * substitution in string values, the embedded defaults under what the file gives, binding with
 * unknown keys refused, then validation of every value. All errors come together in one
 * {@link ConfigErrors}, each naming its key path; no message shows a secret or a value that came
 * from the environment.
 *
 * <p>An explicit {@code null} ({@code key:} with nothing after it) means "use the default".
 */
public final class ConfigLoader {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

    /**
     * The defaults, in the file's own format. {@code public_url} is derived from bind and port; the
     * default database is {@code comptoir.db} in the {@linkplain DataDir data folder}.
     */
    private static final String DEFAULTS = """
            homeserver:
              url: http://127.0.0.1:8008
            appservice:
              id: comptoir
              bind: 127.0.0.1
              port: 29320
              registration: registration.yaml
              sender_localpart: comptoir
              display_name: Comptoir
              max_body_bytes: 10485760
              max_pending_events: 10000
              require_ping: false
              plugin_routes:
                threads: 2
                queue: 8
                max_receiving: 8
                body_timeout: 10s
              first_transaction_wait: 30s
            database:
              url: jdbc:sqlite:comptoir.db
              sqlite_synchronous: normal
              pool_size: 4
            scheduler:
              threads: 2
            commands:
              prefix: "!"
              admins: []
            admin:
              public_metrics: false
            backup:
              keep: 7
            encryption:
              enabled: false
            plugins: []
            plugins_dir: plugins
            language: fr
            address: vous
            texts: {}
            """;

    private static final ObjectNode DEFAULT_TREE = (ObjectNode) parseYaml(DEFAULTS, "defaults");

    private static final String RUN_GENERATE = "run `comptoir generate-registration` first";

    private ConfigLoader() {}

    /**
     * Loads and validates a config file. Relative paths in it (the registration file, an SQLite
     * database, the plugins folder, {@code data_dir}, and the plugins' own files through
     * {@link coop.comptoir.api.plugin.PluginConfig#resolvePath}) are resolved against the file's
     * folder. Tokens are left as the file gives them: see {@link #withRegistrationTokens}.
     *
     * @param env the environment for {@code ${NAME}} references, usually {@code System.getenv()}
     * @throws ConfigErrors every problem found, the file's path as source
     */
    public static ComptoirConfig load(Path file, Map<String, String> env) {
        Path absolute = file.toAbsolutePath().normalize();
        JsonNode root = readYaml(absolute, absolute.toString());
        return fromTree(root, absolute.getParent(), env, absolute.toString());
    }

    /**
     * A config read as far as it goes, with every problem of the file: sections that did not bind
     * are null in {@link #config()}, the plugin sections are all there (as tree) so that their
     * factories can check them in the same run ({@code check-config} reports everything at once).
     *
     * @param source the file, for the heading of the errors
     */
    public record Partial(ComptoirConfig config, List<ConfigException> errors, String source) {
        public Partial {
            errors = List.copyOf(errors);
        }

        /** The config when the file has no problem. @throws ConfigErrors every problem */
        public ComptoirConfig orThrow() {
            ConfigErrors.throwIfAny(source, errors);
            return config;
        }
    }

    /** Same as {@link #load}, without throwing: every problem in the result. */
    public static Partial loadPartial(Path file, Map<String, String> env) {
        Path absolute = file.toAbsolutePath().normalize();
        JsonNode root = readYaml(absolute, absolute.toString());
        return read(root, absolute.getParent(), env, absolute.toString());
    }

    /** Same as {@link #load} from YAML text, with relative paths resolved against {@code baseDir}. */
    public static ComptoirConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        return fromTree(parseYaml(yaml, "(yaml)"), baseDir.toAbsolutePath().normalize(), env, null);
    }

    /**
     * The configuration without a file: every default, the given server name, files in
     * {@code baseDir}, no plugins.
     *
     * @throws ConfigErrors when the server name is missing or invalid
     */
    public static ComptoirConfig defaults(Path baseDir, String serverName) {
        ObjectNode root = TreeBinder.MAPPER.createObjectNode();
        root.putObject("homeserver").put("server_name", serverName);
        return fromTree(root, baseDir.toAbsolutePath().normalize(), Map.of(), null);
    }

    /**
     * Fills {@code as_token} and {@code hs_token} from the registration file when the config does
     * not give them, and checks that the file agrees with the config (id, sender_localpart and any
     * token given in both places). {@code run} and {@code check-config} need this; generating the
     * registration does not.
     *
     * @throws ConfigErrors when the file is missing (while a token is not in the config), unreadable,
     *     incomplete or out of step with the config
     */
    public static ComptoirConfig withRegistrationTokens(ComptoirConfig config) {
        Appservice as = config.appservice();
        Path file = config.registrationFile();
        if (!Files.exists(file)) {
            if (as.hasTokens()) {
                return config;
            }
            throw ConfigErrors.of("appservice.registration", "file " + file + " not found; " + RUN_GENERATE);
        }
        RegistrationFile registration = RegistrationFile.read(file);
        List<ConfigException> errors = new ArrayList<>();
        String again = "; run `comptoir generate-registration` again and restart the homeserver";
        if (!Objects.equals(registration.id(), as.id())) {
            errors.add(new ConfigException("appservice.id", "\"" + as.id() + "\" differs from the registration file's id "
                    + (registration.id() == null ? "(none)" : "\"" + registration.id() + "\"") + again));
        }
        if (!Objects.equals(registration.senderLocalpart(), as.senderLocalpart())) {
            errors.add(new ConfigException("appservice.sender_localpart", "\"" + as.senderLocalpart()
                    + "\" differs from the registration file's sender_localpart" + again));
        }
        String asToken = token("as_token", as.asToken(), registration.asToken(), file, errors);
        String hsToken = token("hs_token", as.hsToken(), registration.hsToken(), file, errors);
        ConfigErrors.throwIfAny(null, errors);
        Appservice filled = new Appservice(as.id(), as.bind(), as.port(), as.publicUrl(), as.registration(),
                asToken, hsToken, as.senderLocalpart(), as.displayName(), as.maxBodyBytes(), as.maxPendingEvents(), as.requirePing(), as.pluginRoutes(),
                    as.firstTransactionWait());
        return new ComptoirConfig(config.homeserver(), filled, config.database(), config.scheduler(),
                config.commands(), config.admin(), config.backup(), config.plugins(), config.pluginsDir(), config.language(),
                config.address(), config.texts(), config.encryption());
    }

    private static String token(String key, String fromConfig, String fromFile, Path file, List<ConfigException> errors) {
        if (fromConfig != null) {
            if (fromFile != null && !fromFile.equals(fromConfig)) {
                errors.add(new ConfigException("appservice." + key, "differs from the " + key + " in " + file
                        + "; the homeserver would refuse it (remove it from the config, or write the registration again)"));
            }
            return fromConfig;
        }
        if (fromFile == null || fromFile.isBlank()) {
            errors.add(new ConfigException("appservice.registration", "file " + file + " has no " + key + "; " + RUN_GENERATE));
        }
        return fromFile;
    }

    // ---- the pipeline --------------------------------------------------------------------------

    private static ComptoirConfig fromTree(JsonNode root, Path baseDir, Map<String, String> env, String source) {
        return read(root, baseDir, env, source).orThrow();
    }

    private static Partial read(JsonNode root, Path baseDir, Map<String, String> env, String source) {
        List<ConfigException> errors = new ArrayList<>();
        ObjectNode user;
        if (root == null || root.isMissingNode() || root.isNull()) {
            user = TreeBinder.MAPPER.createObjectNode();
        } else if (root instanceof ObjectNode object) {
            user = object.deepCopy();
        } else {
            throw new ConfigErrors(source, List.of(new ConfigException("(top level)",
                    "expected a mapping of sections (homeserver:, appservice:, …), got " + KeyPaths.describe(root, false))));
        }
        EnvSubstitution substitution = new EnvSubstitution(env);
        JsonNode pluginsNode = user.remove("plugins");
        substitution.apply(user, "", errors);
        removeNulls(user);
        renamed(user, errors);
        List<PluginSection> plugins = PluginSections.read(pluginsNode, substitution, baseDir, errors);
        // data_dir only places the default SQLite file: it is not a section of ComptoirConfig
        DataDir.applyDefaultDatabase(user, DataDir.read(user.remove(DataDir.KEY), baseDir, errors));

        ObjectNode merged = merge(DEFAULT_TREE.deepCopy(), user);
        // Section by section, so that the values of every section that binds are checked too:
        // one run of check-config shows every problem.
        List<String> sectionNames = TreeBinder.keys(ComptoirConfig.class);
        for (var section : merged.properties()) {
            if (!sectionNames.contains(section.getKey())) {
                errors.add(new ConfigException(KeyPaths.key(section.getKey()), TreeBinder.unknownKey(sectionNames)));
            }
        }
        Homeserver hs = TreeBinder.bind(merged.get("homeserver"), Homeserver.class, "homeserver", errors);
        Appservice as = TreeBinder.bind(merged.get("appservice"), Appservice.class, "appservice", errors);
        Database db = TreeBinder.bind(merged.get("database"), Database.class, "database", errors);
        Scheduler scheduler = TreeBinder.bind(merged.get("scheduler"), Scheduler.class, "scheduler", errors);
        Commands commands = TreeBinder.bind(merged.get("commands"), Commands.class, "commands", errors);
        Admin admin = TreeBinder.bind(merged.get("admin"), Admin.class, "admin", errors);
        Backup backup = TreeBinder.bind(merged.get("backup"), Backup.class, "backup", errors);
        String pluginsDir = pluginsDir(merged.get("plugins_dir"), baseDir, errors);
        String language = TextsSection.language(merged.get("language"), errors);
        String address = TextsSection.address(merged.get("address"), errors);
        Map<String, Map<String, String>> texts = TextsSection.texts(merged.get("texts"), errors);

        ComptoirConfig.Encryption encryption = TreeBinder.bind(merged.get("encryption"), ComptoirConfig.Encryption.class,
                "encryption", errors);
        ComptoirConfig config = complete(new ComptoirConfig(hs, as, db, scheduler, commands, admin, backup, plugins, pluginsDir,
                language, address, texts, encryption == null ? ComptoirConfig.Encryption.OFF : encryption), baseDir);
        ConfigValidator.validate(config, errors);
        // In the order of the sections, as the file reads (unknown sections first).
        errors.sort(Comparator.comparingInt(e -> sectionNames.indexOf(e.path().split("[.\\[]", 2)[0])));
        return new Partial(config, errors, source);
    }

    /** Core keys renamed to durations ({parent, former key, key}): still read for one release, with a warning. */
    private static final List<String[]> RENAMED = List.of(
            new String[] {"appservice", "first_transaction_wait_seconds", "first_transaction_wait"},
            new String[] {"appservice.plugin_routes", "body_timeout_seconds", "body_timeout"});

    /**
     * Reads a former {@code *_seconds} key as its duration key ({@code 30} → {@code 30s}), with a
     * warning in the log naming the new key.
     */
    private static void renamed(ObjectNode user, List<ConfigException> errors) {
        for (String[] r : RENAMED) {
            JsonNode parent = user;
            for (String part : r[0].split("\\.")) {
                parent = parent == null ? null : parent.get(part);
            }
            if (!(parent instanceof ObjectNode p) || !p.has(r[1])) {
                continue;
            }
            String former = r[0] + "." + r[1];
            JsonNode value = p.remove(r[1]);
            String seconds = value.asText().trim();
            if (p.has(r[2])) {
                errors.add(new ConfigException(former, "give only " + r[2] + " (" + r[1] + " is its former spelling)"));
            } else if (!(value.isIntegralNumber() || value.isTextual() && seconds.matches("\\d{1,9}"))) {
                errors.add(new ConfigException(former, "expected a number of seconds; better, write " + r[2] + " with a unit"
                        + " (e.g. " + r[2] + ": 30s)"));
            } else {
                p.put(r[2], seconds + "s");
                log.warn("Config: {}: deprecated, still read for this release: write {} instead (e.g. {}: {}s)",
                        former, r[2], r[2], seconds);
            }
        }
    }

    /** Derived values and absolute paths. A section that did not bind stays null. */
    private static ComptoirConfig complete(ComptoirConfig c, Path baseDir) {
        Homeserver hs = c.homeserver() == null ? null : new Homeserver(trimSlash(c.homeserver().url()), c.homeserver().serverName());
        Appservice as = c.appservice();
        if (as != null) {
            String publicUrl = as.publicUrl() != null ? trimSlash(as.publicUrl()) : "http://" + urlHost(as.bind()) + ":" + as.port();
            String registration = as.registration().isBlank() ? as.registration()
                    : baseDir.resolve(as.registration()).normalize().toString();
            as = new Appservice(as.id(), as.bind(), as.port(), publicUrl, registration, as.asToken(), as.hsToken(),
                    as.senderLocalpart(), as.displayName(), as.maxBodyBytes(), as.maxPendingEvents(), as.requirePing(), as.pluginRoutes(),
                    as.firstTransactionWait());
        }
        Database db = c.database();
        if (db != null) {
            db = new Database(resolveSqlite(db.url(), baseDir), db.user(), db.password(),
                    db.sqliteSynchronous().toLowerCase(Locale.ROOT), db.poolSize());
        }
        Admin admin = c.admin();
        if (admin != null && as != null && admin.port() != null && admin.bind() == null) {
            admin = new Admin(as.bind(), admin.port(), admin.publicMetrics());
        }
        Commands commands = c.commands();
        if (commands != null) {
            commands = new Commands(commands.prefix(), Collections.unmodifiableList(new ArrayList<>(commands.admins())),
                    commands.language() == null ? null : commands.language().toLowerCase(Locale.ROOT));
        }
        Backup backup = backup(c.backup(), db, baseDir);
        return new ComptoirConfig(hs, as, db, c.scheduler(), commands, admin, backup, c.plugins(), c.pluginsDir(), c.language(),
                c.address(), c.texts(), c.encryption());
    }

    /**
     * Snapshots every 24h by default on an SQLite file (off elsewhere), into {@code backups/} beside
     * it; a folder given in the file is taken from the config file's folder, as every path.
     */
    private static Backup backup(Backup b, Database db, Path baseDir) {
        if (b == null) {
            return null;
        }
        java.util.Optional<Path> file = db == null || !db.isSqlite() ? java.util.Optional.empty()
                : coop.comptoir.internal.store.JdbcUrls.sqliteFile(db.url());
        java.time.Duration every = b.every() == null && file.isPresent() ? java.time.Duration.ofHours(24) : b.every();
        String folder;
        try {
            folder = b.folder() != null ? baseDir.resolve(b.folder()).normalize().toString()
                    : file.map(f -> f.toAbsolutePath().getParent().resolve("backups").toString()).orElse(null);
        } catch (java.nio.file.InvalidPathException e) {
            folder = b.folder();
        }
        return new Backup(every, b.keep(), folder);
    }

    /** {@code plugins_dir}: a non-blank path, resolved against the config file's folder. */
    private static String pluginsDir(JsonNode node, Path baseDir, List<ConfigException> errors) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            errors.add(new ConfigException("plugins_dir", "expected the path of a folder of plugin jars, got "
                    + (node == null ? "nothing" : KeyPaths.describe(node, false))));
            return null;
        }
        try {
            return baseDir.resolve(node.asText()).normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            errors.add(new ConfigException("plugins_dir", "not a valid path: " + e.getReason()));
            return null;
        }
    }

    private static String trimSlash(String url) {
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** The host to put in a URL for a listen address: loopback for wildcards, IPv6 in brackets. */
    private static String urlHost(String bind) {
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") || bind.equals("*")) {
            return "127.0.0.1";
        }
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    /** {@code jdbc:sqlite:comptoir.db} → {@code jdbc:sqlite:/etc/comptoir/comptoir.db}; other forms as they are. */
    static String resolveSqlite(String url, Path baseDir) {
        String prefix = "jdbc:sqlite:";
        if (url == null || !url.startsWith(prefix)) {
            return url;
        }
        String rest = url.substring(prefix.length());
        int query = rest.indexOf('?');
        String file = query < 0 ? rest : rest.substring(0, query);
        String params = query < 0 ? "" : rest.substring(query);
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:") || Path.of(file).isAbsolute()) {
            return url;
        }
        return prefix + baseDir.resolve(file).normalize() + params;
    }

    /** Defaults under the user's values: mappings merge key by key, anything else replaces. */
    private static ObjectNode merge(ObjectNode base, ObjectNode over) {
        for (var field : over.properties()) {
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode baseChild && field.getValue() instanceof ObjectNode overChild) {
                merge(baseChild, overChild);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
        return base;
    }

    private static void removeNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                JsonNode value = it.next().getValue();
                if (value.isNull()) {
                    it.remove();
                } else {
                    removeNulls(value);
                }
            }
        }
    }

    // ---- YAML ----------------------------------------------------------------------------------

    /**
     * Reads a YAML file into a tree.
     *
     * @param errorPath what error messages name (the file's path, or a key that holds it)
     */
    static JsonNode readYaml(Path file, String errorPath) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw ConfigErrors.of(errorPath, "file " + file + " not found");
        } catch (IOException | UncheckedIOException e) {
            throw ConfigErrors.of(errorPath, "file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return parseYaml(text, errorPath);
    }

    /**
     * Parses YAML text. A syntax error names the line and column and the problem, never the text of
     * the line (it could hold a token).
     */
    static JsonNode parseYaml(String text, String errorPath) {
        try {
            JsonNode node = TreeBinder.MAPPER.readTree(text);
            return node == null ? TreeBinder.MAPPER.missingNode() : node;
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage();
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
                problem = yaml.getProblem();
            } else if (problem != null && problem.startsWith("Duplicate field ")) {
                problem = "duplicate key " + problem.substring("Duplicate field ".length());
            } else {
                problem = "syntax error";
            }
            throw ConfigErrors.of(errorPath, "not valid YAML" + where(e.getLocation()) + ": " + problem);
        }
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    // ---- plugin sections -----------------------------------------------------------------------

    /**
     * {@code plugins:} entries: type, id, enabled, and the rest as settings. {@code type} and
     * {@code id} are names taken as written; {@code enabled} and the settings may use {@code ${NAME}}.
     */
    static final class PluginSections {
        private static final String ID_PATTERN = "[a-z0-9][a-z0-9_-]*";

        private PluginSections() {}

        static List<PluginSection> read(JsonNode node, EnvSubstitution substitution, Path baseDir, List<ConfigException> errors) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                errors.add(new ConfigException("plugins", "expected a list, got " + KeyPaths.describe(node, false)));
                return List.of();
            }
            List<PluginSection> sections = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < node.size(); i++) {
                String path = KeyPaths.index("plugins", i);
                if (!(node.get(i) instanceof ObjectNode item)) {
                    errors.add(new ConfigException(path, "expected a mapping with at least type:, got " + KeyPaths.describe(node.get(i), false)));
                    continue;
                }
                ObjectNode settings = item.deepCopy();
                // type and id are names, taken as written (no ${...}): messages can show them.
                String type = name(settings.remove("type"), KeyPaths.child(path, "type"), true, errors);
                String id = name(settings.remove("id"), KeyPaths.child(path, "id"), false, errors);
                Boolean enabled = enabled(settings.remove("enabled"), path, substitution, errors);
                // A disabled section may name variables that are not set: that is why it is off.
                List<ConfigException> sink = Boolean.FALSE.equals(enabled) ? new ArrayList<>() : errors;
                substitution.apply(settings, path, sink);
                boolean implicitId = id == null;
                if (implicitId) {
                    id = type;
                }
                if (id != null && !ids.add(id)) {
                    errors.add(new ConfigException(KeyPaths.child(path, "id"), "duplicate instance id \"" + id + "\""
                            + (implicitId ? " (give each instance of a type its own id:)" : "")));
                }
                if (type != null && enabled != null) {
                    sections.add(new PluginSection(type, id, enabled, settings, path, baseDir));
                }
            }
            return List.copyOf(sections);
        }

        private static Boolean enabled(JsonNode node, String path, EnvSubstitution substitution, List<ConfigException> errors) {
            String at = KeyPaths.child(path, "enabled");
            JsonNode value = node != null && node.isTextual() ? substitution.substitute(node, at, errors) : node;
            if (value == null || value.isNull()) {
                return true;
            }
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            String text = value.isTextual() ? value.asText().trim().toLowerCase(Locale.ROOT) : "";
            if (text.equals("true") || text.equals("false")) {
                return text.equals("true");
            }
            errors.add(new ConfigException(at, "expected true or false, got " + KeyPaths.describe(value, false)));
            return null;
        }

        /** A type or instance id: lower case letters, digits, - and _. */
        private static String name(JsonNode node, String at, boolean required, List<ConfigException> errors) {
            if (node == null || node.isNull()) {
                if (required) {
                    errors.add(new ConfigException(at, "missing"));
                }
                return null;
            }
            if (!node.isTextual() && !node.isNumber()) {
                errors.add(new ConfigException(at, "expected a string, got " + KeyPaths.describe(node, false)));
                return null;
            }
            String value = node.asText();
            if (!value.matches(ID_PATTERN)) {
                errors.add(new ConfigException(at, "use lower-case letters, digits, - and _ (got "
                        + KeyPaths.describe(node, false) + ")"));
                return null;
            }
            return value;
        }
    }
}
