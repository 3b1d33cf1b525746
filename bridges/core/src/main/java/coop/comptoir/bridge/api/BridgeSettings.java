package coop.comptoir.bridge.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one bridge instance behaves, bound by the connector's plugin factory from its config
 * section.
 *
 * @param ghostPrefix         localpart prefix of the ghosts ({@code _discord_}); must match the
 *                            namespace the factory declares
 * @param ghostNameTemplate   display name of a ghost, {@code {name}} being the remote name
 *                            ({@code "{name} (Discord)"})
 * @param links               portals from the config file (besides those made by {@code !bridge link})
 * @param maxRetryDelay       the longest wait between two delivery attempts while a side is down
 * @param language            {@code fr} (default) or {@code en}, for notices in the rooms
 * @param publicAddress       where the remote network can reach Comptoir from the internet
 *                            ({@code https://comptoir.example.coop}, proxied to Comptoir's port),
 *                            to fetch Matrix users' avatars; without it senders show no avatar
 * @param redactMatrixOriginals when the remote copy of a message written on Matrix is deleted
 *                            there (by a remote moderator), also redact the Matrix original with the
 *                            bot's power. Off by default: a remote deletion then redacts only the
 *                            bridge's own copies of remote messages, and the room is told
 * @param retireGrace         how long a portal stays one-way (Matrix → remote only) after
 *                            {@code !bridge retire}, before it is unlinked
 * @param digestEvery         how often a person with a linked account and {@code !link digest on}
 *                            gets the digest of what they missed on the old network
 */
public record BridgeSettings(String ghostPrefix, String ghostNameTemplate, List<StaticLink> links,
                             Duration maxRetryDelay, String language, Optional<URI> publicAddress,
                             boolean redactMatrixOriginals, Duration retireGrace, Duration digestEvery) {
    /** How often the digest of linked accounts is sent when the config says nothing: daily. */
    public static final Duration DEFAULT_DIGEST_EVERY = Duration.ofDays(1);

    /** The grace period of {@code !bridge retire} when the config gives none. */
    public static final Duration DEFAULT_RETIRE_GRACE = Duration.ofDays(7);

    public BridgeSettings {
        Objects.requireNonNull(ghostPrefix, "ghostPrefix");
        Objects.requireNonNull(ghostNameTemplate, "ghostNameTemplate");
        Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(publicAddress, "publicAddress");
        publicAddress.ifPresent(u -> {
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("publicAddress must be an http(s) address: " + u);
            }
        });
        links = List.copyOf(links);
        Objects.requireNonNull(retireGrace, "retireGrace");
        if (retireGrace.isNegative() || retireGrace.isZero()) {
            throw new IllegalArgumentException("retireGrace must be longer than zero: " + retireGrace);
        }
        Objects.requireNonNull(digestEvery, "digestEvery");
        if (digestEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("digestEvery must be at least 1s: " + digestEvery);
        }
    }

    /** With the default digest period of linked accounts. */
    public BridgeSettings(String ghostPrefix, String ghostNameTemplate, List<StaticLink> links,
                          Duration maxRetryDelay, String language, Optional<URI> publicAddress,
                          boolean redactMatrixOriginals, Duration retireGrace) {
        this(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, publicAddress, redactMatrixOriginals, retireGrace,
                DEFAULT_DIGEST_EVERY);
    }

    /** With the default grace period of {@code !bridge retire}. */
    public BridgeSettings(String ghostPrefix, String ghostNameTemplate, List<StaticLink> links,
                          Duration maxRetryDelay, String language, Optional<URI> publicAddress,
                          boolean redactMatrixOriginals) {
        this(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, publicAddress, redactMatrixOriginals,
                DEFAULT_RETIRE_GRACE);
    }

    /** The same settings with another grace period for {@code !bridge retire}. */
    public BridgeSettings withRetireGrace(Duration grace) {
        return new BridgeSettings(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, publicAddress,
                redactMatrixOriginals, grace, digestEvery);
    }

    /** The same settings with another period for the digest of linked accounts. */
    public BridgeSettings withDigestEvery(Duration every) {
        return new BridgeSettings(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, publicAddress,
                redactMatrixOriginals, retireGrace, every);
    }

    /** Remote deletions redact only the bridge's own copies. */
    public BridgeSettings(String ghostPrefix, String ghostNameTemplate, List<StaticLink> links,
                          Duration maxRetryDelay, String language, Optional<URI> publicAddress) {
        this(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, publicAddress, false);
    }

    /** Without a public address (no avatars for Matrix senders). */
    public BridgeSettings(String ghostPrefix, String ghostNameTemplate, List<StaticLink> links,
                          Duration maxRetryDelay, String language) {
        this(ghostPrefix, ghostNameTemplate, links, maxRetryDelay, language, Optional.empty());
    }

    /**
     * A portal written in the config.
     *
     * @param room a room ID or alias, resolved at start
     */
    public record StaticLink(String room, RemoteChannelId channel) {
        public StaticLink {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(channel, "channel");
        }
    }
}
