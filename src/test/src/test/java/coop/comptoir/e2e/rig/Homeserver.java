package coop.comptoir.e2e.rig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A real homeserver on 127.0.0.1 for the end-to-end tests ({@link Synapse} or {@link Dendrite}),
 * chosen with {@code -Dcomptoir.e2e.homeserver}. Both register test users through the shared-secret
 * API at {@code /_synapse/admin/v1/register}, which Dendrite implements too.
 */
public interface Homeserver extends AutoCloseable {
    /** "Synapse 1.163.2", "Dendrite 0.13.8": for messages. */
    String describe();

    /**
     * Writes the config, starts the server and waits until {@code GET /_matrix/client/versions} answers 200.
     *
     * @param registrations appservice registration files the server loads
     * @throws IllegalStateException when it does not come up, with the tail of its logs
     */
    void start(List<Path> registrations) throws IOException, InterruptedException;

    /** Client-server API base URL, e.g. {@code http://127.0.0.1:38117}. */
    String url();

    String serverName();

    /** The registration shared secret, for the admin registration API. */
    String sharedSecret();

    /** The server's log. */
    Path logFile();

    /** The tails of its log files, for failure messages. */
    String logTail();

    /** Stops the server. Safe to call twice. */
    @Override
    void close();
}
