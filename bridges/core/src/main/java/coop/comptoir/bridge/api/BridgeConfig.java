package coop.comptoir.bridge.api;

import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys every bridge has, whatever its network, in the bridge's config section. They are bound
 * once by the engine ({@link BridgeFactory}); a connector's own record declares only its own keys
 * (a token, a server ID) and never repeats these. Keys are snake_case in YAML.
 *
 * @param links                 portals written in the config, besides those made with {@code !bridge link}
 * @param ghostPrefix           localpart prefix of the remote users' ghosts; default {@code _<network>_}
 *                              ({@code _discord_}), from which the registration's namespace is made
 * @param ghostName             display name of a ghost, {@code {name}} being the remote name; default
 *                              {@code "{name} (<Network name>)"}
 * @param language              {@code fr} or {@code en}, for notices in the rooms; null: the top-level {@code language:}
 * @param maxRetryDelay         longest wait between two delivery attempts while a side is down (default
 *                              {@code 5m}), a duration as everywhere ({@code 90s}, {@code 10m})
 * @param maxRetryDelaySeconds  the former spelling of {@code max_retry_delay}, in seconds: still read
 *                              for this release, with a warning naming the new key
 * @param publicAddress         where the remote network fetches Matrix users' avatars from (optional)
 * @param redactMatrixOriginals when a remote moderator deletes the copy of a message written on Matrix,
 *                              also redact the original on Matrix with the bot's power (default false)
 * @param retireGrace           how long a portal stays one-way after {@code !bridge retire} before it
 *                              is unlinked (default {@code 7d})
 * @param linkDigestEvery       how often a person with a linked account who asked for it
 *                              ({@code !link digest on}) gets what they missed on the old network (default {@code 24h})
 */
public record BridgeConfig(List<Link> links, String ghostPrefix, String ghostName, String language,
                           Duration maxRetryDelay, @Deprecated Integer maxRetryDelaySeconds, String publicAddress,
                           Boolean redactMatrixOriginals, Duration retireGrace, Duration linkDigestEvery) {
    /** The YAML keys of this record, as written in a config section. */
    public static final List<String> KEYS = List.of("links", "ghost_prefix", "ghost_name", "language",
            "max_retry_delay", "max_retry_delay_seconds", "public_address", "redact_matrix_originals", "retire_grace",
            "link_digest_every");

    /** {@code max_retry_delay} when the section gives neither it nor its former spelling. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofMinutes(5);

    public BridgeConfig {
        links = links == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(links));
        ghostPrefix = blankToNull(ghostPrefix);
        ghostName = blankToNull(ghostName);
        language = language == null ? null : language.toLowerCase(Locale.ROOT);
        if (maxRetryDelay == null) {
            maxRetryDelay = maxRetryDelaySeconds == null ? DEFAULT_MAX_RETRY_DELAY : Duration.ofSeconds(maxRetryDelaySeconds);
        }
        publicAddress = blankToNull(publicAddress);
        redactMatrixOriginals = redactMatrixOriginals != null && redactMatrixOriginals;
        retireGrace = retireGrace == null ? BridgeSettings.DEFAULT_RETIRE_GRACE : retireGrace;
        linkDigestEvery = linkDigestEvery == null ? BridgeSettings.DEFAULT_DIGEST_EVERY : linkDigestEvery;
    }

    /** Every key but the digest period of linked accounts (at its default). */
    public BridgeConfig(List<Link> links, String ghostPrefix, String ghostName, String language, Duration maxRetryDelay,
                        Integer maxRetryDelaySeconds, String publicAddress, Boolean redactMatrixOriginals, Duration retireGrace) {
        this(links, ghostPrefix, ghostName, language, maxRetryDelay, maxRetryDelaySeconds, publicAddress,
                redactMatrixOriginals, retireGrace, null);
    }

    /** Every key but the retirement's grace period (at its default). */
    public BridgeConfig(List<Link> links, String ghostPrefix, String ghostName, String language, Duration maxRetryDelay,
                        Integer maxRetryDelaySeconds, String publicAddress, Boolean redactMatrixOriginals) {
        this(links, ghostPrefix, ghostName, language, maxRetryDelay, maxRetryDelaySeconds, publicAddress,
                redactMatrixOriginals, null, null);
    }

    /** Every key at its default. */
    public static BridgeConfig defaults() {
        return new BridgeConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A portal from the config file.
     *
     * @param room    a room ID ({@code !abc:server}) or alias ({@code #name:server})
     * @param channel the remote channel's ID, as the connector writes it
     */
    public record Link(String room, String channel) {}

    /** The ghost prefix of a bridge to {@code network} ({@code _discord_}), when none is configured. */
    public static String defaultGhostPrefix(String network) {
        return "_" + network.toLowerCase(Locale.ROOT) + "_";
    }

    /**
     * What the engine runs with.
     *
     * @param network     the connector's ID ({@code discord}), for the default ghost prefix
     * @param networkName its name as people know it ({@code Discord}), for the default ghost name
     * @throws IllegalArgumentException when {@link #problems} would report something
     */
    public BridgeSettings settings(String network, String networkName) {
        return settings(network, networkName, "fr");
    }

    /**
     * The engine's settings for one network, in {@code fallbackLanguage} when the section gives no
     * {@code language:} (the top-level one).
     */
    public BridgeSettings settings(String network, String networkName, String fallbackLanguage) {
        List<BridgeSettings.StaticLink> portals = links.stream()
                .map(l -> new BridgeSettings.StaticLink(l.room(), new RemoteChannelId(l.channel()))).toList();
        return new BridgeSettings(ghostPrefix == null ? defaultGhostPrefix(network) : ghostPrefix,
                ghostName == null ? "{name} (" + networkName + ")" : ghostName, portals,
                maxRetryDelay, language == null ? fallbackLanguage : language, Optional.ofNullable(publicAddress).map(URI::create),
                redactMatrixOriginals, retireGrace, linkDigestEvery);
    }

    /**
     * Every problem, each with its key path under {@code path}. Pure.
     *
     * @param channelProblem why a link's channel ID cannot be one of the network's (empty when it can)
     */
    public List<ConfigException> problems(String path, Function<String, Optional<String>> channelProblem) {
        List<ConfigException> out = new ArrayList<>();
        Set<String> channels = new HashSet<>();
        for (int i = 0; i < links.size(); i++) {
            Link l = links.get(i);
            String lp = path + ".links[" + i + "]";
            if (l == null) {
                out.add(new ConfigException(lp, "expected {room, channel}"));
                continue;
            }
            if (l.room() == null || !l.room().matches("![^\\s]+|#[^:\\s]+:\\S+")) {
                out.add(new ConfigException(lp + ".room", "expected a room ID (!abc:server) or alias (#name:server)"));
            }
            Optional<String> bad = l.channel() == null || l.channel().isBlank() ? Optional.of("missing: the remote channel's ID")
                    : channelProblem.apply(l.channel());
            if (bad.isPresent()) {
                out.add(new ConfigException(lp + ".channel", bad.get()));
            } else if (!channels.add(l.channel())) {
                out.add(new ConfigException(lp + ".channel", "channel " + l.channel() + " is linked twice"));
            }
        }
        if (ghostPrefix != null && !ghostPrefix.matches("[a-z0-9._=/-]+")) {
            out.add(new ConfigException(path + ".ghost_prefix", "lower-case letters, digits and . _ = - / only"));
        }
        if (ghostName != null && !ghostName.contains("{name}")) {
            out.add(new ConfigException(path + ".ghost_name", "must contain {name}"));
        }
        if (language != null && !language.equals("fr") && !language.equals("en")) {
            out.add(new ConfigException(path + ".language", "fr or en"));
        }
        if (maxRetryDelay.compareTo(Duration.ofSeconds(1)) < 0) {
            out.add(new ConfigException(path + (maxRetryDelaySeconds != null ? ".max_retry_delay_seconds" : ".max_retry_delay"),
                    "must be at least 1s"));
        }
        if (retireGrace.isNegative() || retireGrace.isZero()) {
            out.add(new ConfigException(path + ".retire_grace", "must be longer than zero: "
                    + coop.comptoir.api.config.ConfigDurations.HOW));
        }
        if (linkDigestEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            out.add(new ConfigException(path + ".link_digest_every", "must be at least 1s: "
                    + coop.comptoir.api.config.ConfigDurations.HOW));
        }
        if (publicAddress != null) {
            try {
                URI u = URI.create(publicAddress);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    out.add(new ConfigException(path + ".public_address", "expected a http or https address"));
                }
            } catch (IllegalArgumentException e) {
                out.add(new ConfigException(path + ".public_address", "not a valid address"));
            }
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
