package coop.comptoir.bridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The plugin factory of a bridge to one network: subclass it once per connector (with a public
 * no-argument constructor, listed in {@code META-INF/services/coop.comptoir.api.plugin.PluginFactory}).
 *
 * <p>The engine binds its own keys ({@link BridgeConfig}: links, ghosts, language, retries, public
 * address) from the section once for every connector, and the connector's record {@code C} gets
 * the remaining keys only: a key neither knows is refused with its path. The ghosts' namespace in
 * the registration is declared from the network's ID ({@code _discord_…} for {@code discord}), and
 * the {@code !bridge} commands are shared with every other bridge instance.
 *
 * <pre>{@code
 * public final class RocketChatBridgeFactory extends BridgeFactory<RocketChatConfig> {
 *     public RocketChatBridgeFactory() { super("rocketchat", "Rocket.Chat", RocketChatConfig.class); }
 *     protected NetworkConnector connector(RocketChatConfig c, BridgeSettings s, PluginContext ctx) {
 *         return new RocketChatConnector(c, s.language(), ctx.http(), ctx.log());
 *     }
 * }
 * }</pre>
 *
 * @param <C> the connector's own config record (snake_case keys in YAML)
 */
public abstract class BridgeFactory<C> implements PluginFactory<JsonNode> {
    private final String network;
    private final String networkName;
    private final Class<C> configType;

    /**
     * @param network     the connector's ID: the plugin type ({@code type: discord}), the name in
     *                    {@code !bridge link discord …}, and the default ghost prefix {@code _discord_};
     *                    lower-case letters and digits
     * @param networkName the network as people name it ({@code Discord}), in the default ghost name
     * @param configType  the connector's own config record
     * @throws IllegalArgumentException when the network ID is not lower-case letters and digits, or the
     *                                  record declares one of the engine's keys ({@link BridgeConfig#KEYS})
     */
    protected BridgeFactory(String network, String networkName, Class<C> configType) {
        if (network == null || !network.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("a network ID is lower-case letters and digits: " + network);
        }
        this.network = network;
        this.networkName = Objects.requireNonNull(networkName, "networkName");
        this.configType = Objects.requireNonNull(configType, "configType");
        if (configType.isRecord()) {
            for (var c : configType.getRecordComponents()) {
                String key = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
                if (BridgeConfig.KEYS.contains(key)) {
                    throw new IllegalArgumentException(configType.getSimpleName() + "." + c.getName()
                            + ": " + key + " is a key of the engine (BridgeConfig); the connector gets it from BridgeSettings");
                }
            }
        }
    }

    /**
     * Why the connector's own settings are wrong, each with its key path under {@code path}
     * ({@code plugins[0].token}); none may quote a secret. Called at every bind; pure, no I/O.
     */
    protected List<ConfigException> problems(C config, String path) {
        return List.of();
    }

    /**
     * Why {@code channel} (from {@code links[].channel}) cannot be a channel ID of this network, in
     * a few words ({@code expected a Discord channel ID (digits only)}); empty when it can. Pure.
     */
    protected Optional<String> channelProblem(String channel) {
        return Optional.empty();
    }

    /**
     * Makes the connector of one bridge instance, from {@link #create}; must not connect yet (that
     * is {@link NetworkConnector#start}). {@code settings} holds what the engine runs with (the
     * language of notices among others).
     *
     * @throws Exception stops start-up with the plugin named
     */
    protected abstract NetworkConnector connector(C config, BridgeSettings settings, PluginContext context) throws Exception;

    @Override
    public final String type() {
        return network;
    }

    /** The section stays a tree: the engine's keys and the connector's are bound apart ({@link #bind}). */
    @Override
    public final Class<JsonNode> configType() {
        return JsonNode.class;
    }

    /** Binds the section ({@link #bind}); a former key still read is warned about, naming the new one. */
    @Override
    public final void validate(JsonNode tree, PluginConfig section, Problems problems) {
        JsonNode seconds = tree == null ? null : tree.get("max_retry_delay_seconds");
        if (seconds != null) {
            problems.deprecated("max_retry_delay_seconds", "max_retry_delay", "max_retry_delay: " + seconds.asText() + "s");
        }
        try {
            bind(section);
        } catch (ConfigException e) {
            problems.addAll(e);
        }
    }

    /** The ghosts: {@code @<ghost prefix>.*:<server>}, exclusive. */
    @Override
    public final Namespaces namespaces(JsonNode tree, PluginConfig section) {
        return namespaces(section);
    }

    /** The ghosts of the instance of {@code section}. @throws ConfigException when it does not bind */
    public final Namespaces namespaces(PluginConfig section) {
        return Namespaces.exclusiveUsers(bind(section).settings().ghostPrefix(), section.serverName());
    }

    @Override
    public final List<CommandName> commands(JsonNode tree, PluginConfig section) {
        return Bridges.commands(section);
    }

    @Override
    public final Plugin create(JsonNode tree, PluginContext context) throws Exception {
        return create(context);
    }

    /** Creates the instance of {@code context}'s section (bound again: the engine's keys and the connector's). */
    public final Plugin create(PluginContext context) throws Exception {
        Bound<C> b = bind(context.config());
        Bound<C> bound = new Bound<>(b.engine().settings(network, networkName, context.texts().language()), b.config(), b.engine());
        NetworkConnector connector = connector(bound.config(), bound.settings(), context);
        if (!network.equals(connector.network())) {
            throw new IllegalStateException("the connector says it is for " + connector.network() + ", its factory for " + network);
        }
        return Bridges.create(context, connector, bound.settings());
    }

    /**
     * A section bound: what the engine runs with, and the connector's own record.
     *
     * @param settings the engine's keys ({@link BridgeConfig}) with their defaults for this network
     * @param config   the connector's keys
     * @param engine   the engine's keys as written
     */
    public record Bound<C>(BridgeSettings settings, C config, BridgeConfig engine) {}

    /**
     * Binds a section: the engine's keys to {@link BridgeConfig}, the others to the connector's
     * record, then checks both. The one place where a section is split; pure, no I/O.
     *
     * @throws ConfigException listing every problem with its key path
     */
    public final Bound<C> bind(PluginConfig config) {
        JsonNode raw = config.raw();
        ObjectNode engineKeys = JsonNodeFactory.instance.objectNode();
        ObjectNode own = JsonNodeFactory.instance.objectNode();
        if (raw != null && raw.isObject()) {
            raw.fields().forEachRemaining(e -> (BridgeConfig.KEYS.contains(e.getKey()) ? engineKeys : own).set(e.getKey(), e.getValue()));
        }
        List<ConfigException> problems = new ArrayList<>();
        BridgeConfig engine = bindPart(config, engineKeys, BridgeConfig.class, problems);
        int before = problems.size();
        C connectorConfig = bindPart(config, own, configType, problems);
        for (int i = before; i < problems.size(); i++) {
            problems.set(i, withEngineKeys(problems.get(i), config.path()));
        }
        if (engine != null) {
            problems.addAll(engine.problems(config.path(), this::channelProblem));
        }
        if (connectorConfig != null) {
            problems.addAll(problems(connectorConfig, config.path()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Bound<>(engine.settings(network, networkName), connectorConfig, engine);
    }

    /** An unknown key of the section lists the engine's keys too among the allowed ones. */
    private static ConfigException withEngineKeys(ConfigException e, String sectionPath) {
        String allowed = "unknown key (allowed: ";
        String reason = e.getMessage().substring(Math.min(e.getMessage().length(), e.path().length() + 2));
        boolean sectionKey = e.path().startsWith(sectionPath + ".") && e.path().substring(sectionPath.length() + 1).matches("[a-z0-9_]+");
        if (!sectionKey || !reason.startsWith(allowed)) {
            return e;
        }
        String engineKeys = String.join(", ", BridgeConfig.KEYS.stream().filter(k -> !k.equals("max_retry_delay_seconds")).toList());
        return new ConfigException(e.path(), allowed + engineKeys + ", " + reason.substring(allowed.length()));
    }

    private static <T> T bindPart(PluginConfig config, ObjectNode part, Class<T> type, List<ConfigException> problems) {
        try {
            return config.bind(part, config.path(), type);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
