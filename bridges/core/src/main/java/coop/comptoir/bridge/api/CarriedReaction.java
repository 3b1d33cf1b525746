package coop.comptoir.bridge.api;

import java.util.Objects;

/**
 * A reaction the bridge carried across and has not taken back, as the engine keeps it (it survives
 * restarts): see {@link BridgeHost#reactionsOn}.
 *
 * @param reactor    who reacted: the remote user ID when the reaction came from the network, the Matrix
 *                   user ID ({@code @alice:example.org}) when it came from Matrix
 * @param key        the Matrix reaction key: a unicode emoji, or {@code :name:} for a custom one
 * @param fromMatrix whether it went from Matrix to the network
 */
public record CarriedReaction(String reactor, String key, boolean fromMatrix) {
    public CarriedReaction {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(key, "key");
    }
}
