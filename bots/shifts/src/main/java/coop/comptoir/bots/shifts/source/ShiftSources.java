package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.bots.shifts.WeekCycle;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes the configured {@link ShiftSource} from the {@code source:} sub-tree, by its {@code type}. */
public final class ShiftSources {
    public static final List<String> TYPES = List.of("yaml", "ical", "odoo");

    private ShiftSources() {}

    /**
     * What a source may need besides its own settings.
     *
     * @param section the plugin's section: its binder reads the {@code source:} mapping, with the
     *                runtime's rules and messages (values from the environment never shown)
     * @param path    the key path of the {@code source:} mapping, for errors
     * @param zone    the coop's time zone
     * @param cycle   the coop's ABCD cycle
     * @param http    the runtime's shared HTTP client (derive with {@code newBuilder()})
     * @param log     the plugin's logger
     * @param limits  how much one read may hold
     */
    public record Context(PluginConfig section, String path, ZoneId zone, WeekCycle cycle, okhttp3.OkHttpClient http, Logger log,
                          Limits limits) {
        public Context(PluginConfig section, String path, ZoneId zone, WeekCycle cycle, okhttp3.OkHttpClient http) {
            this(section, path, zone, cycle, http, LoggerFactory.getLogger(ShiftSources.class), Limits.DEFAULT);
        }
    }

    /**
     * Binds and checks the sub-tree, and makes the source. Does no I/O (a file or feed is read at
     * the first {@link ShiftSource#fetch}).
     *
     * @param tree the {@code source:} mapping, from the section's {@link PluginConfig#raw()}
     * @throws ConfigException naming the key path and the reason
     */
    public static ShiftSource create(JsonNode tree, Context ctx) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(ctx.path(), "missing: a mapping with type: yaml, ical or odoo");
        }
        String type = tree.path("type").asText("");
        return switch (type) {
            case "yaml" -> new YamlShiftSource(bind(tree, ctx, YamlShiftSource.Config.class), ctx);
            case "ical" -> {
                IcalSourceConfig config = bind(tree, ctx, IcalSourceConfig.class);
                throwAll(config.problems(ctx.path()));
                yield new IcalShiftSource(config, ctx.zone(), http(ctx), ctx.log(), ctx.limits());
            }
            case "odoo" -> {
                OdooSourceConfig config = bind(tree, ctx, OdooSourceConfig.class);
                throwAll(config.problems(ctx.path()));
                yield new OdooShiftSource(config, ctx.zone(), http(ctx), ctx.log(), ctx.limits());
            }
            case "" -> throw new ConfigException(ctx.path() + ".type", "missing: yaml, ical or odoo");
            default -> throw new ConfigException(ctx.path() + ".type", "\"" + type + "\" is not a source type (yaml, ical or odoo)");
        };
    }

    /** The mapping without its {@code type}, bound by the runtime's binder. */
    private static <T> T bind(JsonNode tree, Context ctx, Class<T> type) {
        ObjectNode settings = ((ObjectNode) tree).deepCopy();
        settings.remove("type");
        // a schedule or calendar file is taken from the config file's folder, as every path of the config
        JsonNode file = settings.get("file");
        if (file != null && file.isTextual() && !file.asText().isBlank()) {
            try {
                settings.put("file", ctx.section().resolvePath(file.asText()).toString());
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(ctx.path() + ".file", "not a valid path: " + e.getReason());
            }
        }
        return ctx.section().bind(settings, ctx.path(), type);
    }

    private static void throwAll(List<ConfigException> problems) {
        if (!problems.isEmpty()) {
            ConfigException first = problems.get(0);
            problems.subList(1, problems.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** {@code check-config} validates without a runtime: a plain client then (no request is made). */
    private static okhttp3.OkHttpClient http(Context ctx) {
        return ctx.http() != null ? ctx.http() : new okhttp3.OkHttpClient();
    }
}
