package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.shifts.WeekCycle;
import java.time.ZoneId;
import java.util.List;

/** Makes the configured {@link ShiftSource} from the {@code source:} sub-tree, by its {@code type}. */
public final class ShiftSources {
    public static final List<String> TYPES = List.of("yaml", "ical", "odoo");

    private ShiftSources() {}

    /**
     * What a source may need besides its own settings.
     *
     * @param path   the key path of the {@code source:} mapping, for errors
     * @param zone   the coop's time zone
     * @param cycle  the coop's ABCD cycle
     * @param http   the runtime's shared HTTP client (derive with {@code newBuilder()})
     */
    public record Context(String path, ZoneId zone, WeekCycle cycle, okhttp3.OkHttpClient http) {}

    /**
     * Binds and checks the sub-tree, and makes the source. Does no I/O (a file or feed is read at
     * the first {@link ShiftSource#fetch}).
     *
     * @throws ConfigException naming the key path and the reason
     */
    public static ShiftSource create(JsonNode tree, Context ctx) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(ctx.path(), "missing: a mapping with type: yaml, ical or odoo");
        }
        String type = tree.path("type").asText("");
        return switch (type) {
            case "yaml" -> new YamlShiftSource(SourceBinder.bind(tree, ctx.path(), YamlShiftSource.Config.class), ctx);
            // iCalendar and Odoo sources are built on the "shifts-sources" branch; the merge wires them here:
            // case "ical" -> new IcalShiftSource(SourceBinder.bind(tree, ctx.path(), IcalShiftSource.Config.class), ctx);
            // case "odoo" -> new OdooShiftSource(SourceBinder.bind(tree, ctx.path(), OdooShiftSource.Config.class), ctx);
            case "ical", "odoo" -> throw new ConfigException(ctx.path() + ".type",
                    "the " + type + " source is not available in this build");
            case "" -> throw new ConfigException(ctx.path() + ".type", "missing: yaml, ical or odoo");
            default -> throw new ConfigException(ctx.path() + ".type", "\"" + type + "\" is not a source type (yaml, ical or odoo)");
        };
    }
}
