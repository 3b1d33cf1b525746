package coop.comptoir.bridge.engine;

/** Which way something crosses the bridge. */
enum Direction {
    /** From Matrix to the remote network. */
    TO_REMOTE,
    /** From the remote network to Matrix. */
    TO_MATRIX
}
