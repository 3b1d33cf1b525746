package coop.comptoir.testing.discord;

import java.time.Instant;

/**
 * One Gateway payload sent or received by the fake (the Identify/Resume token is shown as {@code ***}).
 *
 * @param toClient  true for what the fake sent
 * @param type      the dispatch name ({@code t}) for op 0, else null
 * @param seq       the sequence number ({@code s}) for op 0, else null
 */
public record GatewayFrame(Instant at, String connection, boolean toClient, int op, String type, Integer seq, String json) {
    @Override
    public String toString() {
        return (toClient ? "-> " : "<- ") + "[" + connection + "] op " + op + (type == null ? "" : " " + type + " s=" + seq);
    }
}
