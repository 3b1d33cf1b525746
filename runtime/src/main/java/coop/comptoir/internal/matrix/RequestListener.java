package coop.comptoir.internal.matrix;

/**
 * Told about every HTTP exchange with the homeserver, retries included: the hook for metrics.
 * Called on the requesting thread; must be quick and must not throw (what it throws is logged and
 * ignored).
 */
@FunctionalInterface
public interface RequestListener {
    /**
     * @param method           HTTP method
     * @param endpointTemplate the path with placeholders, e.g.
     *                         {@code /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}}: no IDs, so
     *                         that metric labels stay few
     * @param status           HTTP status, or 0 when no answer came (network error)
     * @param nanos            time from sending the request to reading the whole answer
     */
    void onResponse(String method, String endpointTemplate, int status, long nanos);

    RequestListener NONE = (method, endpointTemplate, status, nanos) -> { };
}
