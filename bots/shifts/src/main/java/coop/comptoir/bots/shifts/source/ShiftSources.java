package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.config.Problems;
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
     * @param section the plugin's section, whose binder reads a {@code source:} tree (null when the source is already bound), with the
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
     * Binds the {@code source:} sub-tree with the section's binder, checks it, and makes the
     * source (for tests and tools holding a tree; the plugin gets its source bound with the section).
     *
     * @param tree the {@code source:} mapping
     * @throws ConfigException listing every problem with its key path
     */
    public static ShiftSource create(JsonNode tree, Context ctx) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(ctx.path(), "missing: a mapping with type: yaml, ical or odoo");
        }
        return create(ctx.section().bind(tree, ctx.path(), SourceConfig.class), ctx);
    }

    /**
     * Checks a bound source and makes it. Does no I/O (a file or feed is read at the first
     * {@link ShiftSource#fetch}).
     *
     * @throws ConfigException listing every problem, each naming its key path under {@link Context#path()}
     */
    public static ShiftSource create(SourceConfig config, Context ctx) {
        Problems problems = Problems.root(ctx.path());
        ShiftSource source = create(config, ctx, problems);
        problems.throwIfAny();
        return source;
    }

    /**
     * Checks a bound source into {@code problems} (rooted at the {@code source:} path) and makes
     * it; null when it has problems. Does no I/O.
     */
    public static ShiftSource create(SourceConfig config, Context ctx, Problems problems) {
        int before = problems.list().size();
        try {
            config = withResolvedFile(config, ctx);
            if (config instanceof IcalSourceConfig ical) {
                ical.check(problems);
                return problems.list().size() > before ? null
                        : new IcalShiftSource(ical, ctx.zone(), http(ctx), ctx.log(), ctx.limits());
            }
            if (config instanceof OdooSourceConfig odoo) {
                odoo.check(problems);
                return problems.list().size() > before ? null
                        : new OdooShiftSource(odoo, ctx.zone(), http(ctx), ctx.log(), ctx.limits());
            }
            return new YamlShiftSource((YamlShiftSource.Config) config, ctx);
        } catch (ConfigException e) {
            problems.addAll(e);
            return null;
        }
    }

    /** {@code check-config} validates without a runtime: a plain client then (no request is made). */
    private static okhttp3.OkHttpClient http(Context ctx) {
        return ctx.http() != null ? ctx.http() : new okhttp3.OkHttpClient();
    }

    /** A schedule or calendar file is taken from the config file's folder, as every path of the config. */
    private static SourceConfig withResolvedFile(SourceConfig config, Context ctx) {
        if (ctx.section() == null) {
            return config;
        }
        try {
            if (config instanceof YamlShiftSource.Config y && y.file() != null && !y.file().isBlank()) {
                return new YamlShiftSource.Config(ctx.section().resolvePath(y.file()).toString(), y.templates());
            }
            if (config instanceof IcalSourceConfig i && i.file() != null && !i.file().isBlank()) {
                return new IcalSourceConfig(i.url(), ctx.section().resolvePath(i.file()).toString(), i.auth(), i.zone(), i.team(),
                        i.seatsProperty(), i.members(), i.timeoutSeconds(), i.timeout());
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(ctx.path() + ".file", "not a valid path: " + e.getReason());
        }
        return config;
    }
}
