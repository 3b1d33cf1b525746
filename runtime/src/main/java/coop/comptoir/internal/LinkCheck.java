package coop.comptoir.internal;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.internal.matrix.HttpMatrixClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that the homeserver and Comptoir reach each other, and says how it was proven.
 *
 * <p>The homeserver's appservice ping ({@code POST /_matrix/client/v1/appservice/{id}/ping}, Matrix
 * 1.7) proves both directions at once. A homeserver that does not know it (Dendrite answers 404
 * {@code M_UNRECOGNIZED}) is checked another way: {@code whoami} with the {@code as_token} must name
 * the bot (Comptoir reaches the homeserver, which knows this appservice), then the first transaction
 * the homeserver sends proves the other direction. A fresh homeserver where nothing happened yet
 * may send none: after {@code appservice.first_transaction_wait} (30s by default) the link
 * counts as proven by {@code whoami} alone, and the log says so.
 */
final class LinkCheck {
    private static final Logger log = LoggerFactory.getLogger(LinkCheck.class);
    static final String WHOAMI = "/_matrix/client/v3/account/whoami";

    /** How the link was proven; {@link #label} is what {@code /health} reports. */
    enum Method {
        PING("ping"), WHOAMI_AND_TRANSACTION("whoami+transaction"), WHOAMI("whoami");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    private final HttpMatrixClient matrix;
    private final String appserviceId;
    private final CountDownLatch firstTransaction;
    private final Duration wait;
    private boolean toldNoPing;

    /**
     * @param firstTransaction counted down when the homeserver's first transaction of this run is stored
     * @param wait             how long to wait for it once {@code whoami} succeeded
     */
    LinkCheck(HttpMatrixClient matrix, String appserviceId, CountDownLatch firstTransaction, Duration wait) {
        this.matrix = matrix;
        this.appserviceId = appserviceId;
        this.firstTransaction = firstTransaction;
        this.wait = wait;
    }

    /**
     * Runs the check once. Blocks for the ping's round trip, or up to the wait for a first
     * transaction.
     *
     * @throws MatrixException when the homeserver refuses or cannot be reached (the caller retries)
     * @throws InterruptedException when interrupted while waiting for a transaction
     */
    Method run() throws InterruptedException {
        try {
            long ms = matrix.ping(appserviceId, "comptoir-" + UUID.randomUUID());
            log.info("Readiness checked with the appservice ping: the homeserver reaches Comptoir ({} ms round trip)", ms);
            return Method.PING;
        } catch (MatrixException e) {
            if (!"M_UNRECOGNIZED".equals(e.errcode())) {
                throw e;
            }
            if (!toldNoPing) {
                toldNoPing = true;
                log.info("The homeserver has no appservice ping ({}): readiness is checked with whoami and the first"
                        + " transaction it sends instead", e.getMessage());
            }
        }
        JsonNode me = matrix.request("GET", WHOAMI, null);
        String userId = me.path("user_id").asText("");
        if (!userId.equals(matrix.userId().value())) {
            throw new MatrixException(200, HttpMatrixClient.BAD_RESPONSE,
                    "whoami with the as_token names " + (userId.isEmpty() ? "nobody" : userId) + ", not " + matrix.userId());
        }
        if (firstTransaction.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            log.info("Readiness checked with whoami and a first transaction from the homeserver");
            return Method.WHOAMI_AND_TRANSACTION;
        }
        log.warn("Readiness checked with whoami only: no transaction came from the homeserver within {} s (nothing"
                + " happened in its rooms yet?); that it reaches Comptoir is not proven", wait.toSeconds());
        return Method.WHOAMI;
    }
}
