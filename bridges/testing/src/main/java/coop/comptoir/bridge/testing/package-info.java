/**
 * The test kit of bridge connectors: what a new connector's tests need to prove it works with the
 * engine, without a homeserver.
 *
 * <ul>
 *   <li>{@link coop.comptoir.bridge.testing.BridgeHarness}: the connector made by its real
 *       {@link coop.comptoir.bridge.api.BridgeFactory} from a config section, on the real engine and
 *       store, against a homeserver in memory; the test writes on Matrix and reads what the bridge
 *       posted, and can stop and start the bridge;</li>
 *   <li>{@link coop.comptoir.bridge.testing.RemoteDriver}: what the connector's test implements
 *       over its fake remote server (post, reply, edit, delete, read the channel);</li>
 *   <li>{@link coop.comptoir.bridge.testing.ConnectorContract}: the tests every connector must pass
 *       (order of a burst both ways, echo guard, edits, deletions, replies, catch-up after a
 *       restart); extend it and return a driver.</li>
 * </ul>
 *
 * <p>Use it in scope test: {@code comptoir-bridge-testing}. It depends on the bridge API and
 * {@code comptoir-testing} only.
 */
package coop.comptoir.bridge.testing;
