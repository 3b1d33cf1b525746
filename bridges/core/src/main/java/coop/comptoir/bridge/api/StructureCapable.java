package coop.comptoir.bridge.api;

/**
 * A network whose server layout can be read (categories and text channels, with who may see them),
 * for {@code !migration structure}: the layout is mirrored as a Matrix space.
 */
public interface StructureCapable {
    /**
     * The layout of the server the connector is configured for, as it stands now: categories and
     * text channels in the network's order. May block (up to about 15 s right after start, while the
     * server is loaded).
     *
     * @throws BridgeException retryable when the network is not reachable or not loaded yet
     */
    RemoteStructure structure() throws BridgeException;
}
