package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Names;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions as the homeserver sends them, in the two situations where trusting the transaction
 * ID or queuing without limit would go wrong: a homeserver restored from a backup that numbers its
 * transactions again (the new events are handled, not taken for duplicates), and a flood of events
 * larger than Comptoir accepts to hold (503 with {@code Retry-After}, nothing stored, the transaction
 * handled when the homeserver sends it again).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TransactionSafetyE2ETest {
    private static final int MAX_PENDING = 5;
    /** Enough commands that answering them takes Comptoir well over the time of one more request. */
    private static final int FLOOD = 60;

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("transaction-safety",
            config -> ((ObjectNode) config.get("appservice")).put("max_pending_events", MAX_PENDING));

    private static final Rig rig = Rig.get();
    private static MatrixTestClient alice;
    private static String room;

    @BeforeAll
    static void aRoomWithTheBot() {
        alice = rig.newUser("alice");
        room = alice.createRoom(rig.botUserId());
        alice.awaitEvent(room, Events.membership(rig.botUserId(), "join"), Duration.ofSeconds(30));
    }

    @Test
    void aTransactionIdUsedAgainWithOtherEventsIsHandled() {
        String txnId = newTxnId();
        String before = "$e2e-before-" + Names.unique("cmd");
        String after = "$e2e-after-" + Names.unique("cmd");

        assertThat(put(txnId, transaction(before)).status()).isEqualTo(200);
        alice.awaitEvent(room, Events.messageFrom(rig.botUserId()).and(Events.repliesTo(before)), Duration.ofSeconds(30));
        // The homeserver was restored from a backup: the same ID now carries another event.
        Http.Answer reused = put(txnId, transaction(after));

        assertThat(reused.status()).as("%s", reused).isEqualTo(200);
        alice.awaitEvent(room, Events.messageFrom(rig.botUserId()).and(Events.repliesTo(after)), Duration.ofSeconds(30));
        assertThat(COMPTOIR.process().logText()).contains("Transaction " + txnId + " was received before with other events");
    }

    @Test
    void aFloodIsPushedBackAndNothingOfItIsLost() throws Exception {
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            flood.add("$e2e-flood-" + i + "-" + Names.unique("cmd"));
        }
        String late = "$e2e-late-" + Names.unique("cmd");
        String lateTxn = newTxnId();

        assertThat(put(newTxnId(), transaction(flood.toArray(String[]::new))).status()).isEqualTo(200);
        int status;
        String retryAfter;
        String errcode;
        try (Response busy = Http.CLIENT.newCall(putRequest(lateTxn, transaction(late))).execute()) {
            status = busy.code();
            retryAfter = busy.header("Retry-After");
            errcode = Http.JSON.readTree(busy.body().string()).path("errcode").asText();
        }

        assertThat(status).as("%d events wait, more than the %d accepted", FLOOD, MAX_PENDING).isEqualTo(503);
        assertThat(errcode).isEqualTo("M_LIMIT_EXCEEDED");
        assertThat(retryAfter).isNotBlank();
        Events.await(() -> answered(flood), Duration.ofSeconds(90), "every command of the flood answered");
        // The homeserver sends the refused transaction again: it was not stored, so it is handled now.
        Http.Answer again = put(lateTxn, transaction(late));
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        alice.awaitEvent(room, Events.messageFrom(rig.botUserId()).and(Events.repliesTo(late)), Duration.ofSeconds(30));
    }

    private static boolean answered(List<String> commands) {
        List<String> replies = alice.roomMessages(room).stream()
                .filter(Events.messageFrom(rig.botUserId()))
                .map(Events::inReplyTo)
                .toList();
        return replies.containsAll(commands);
    }

    /** A transaction of {@code !ping} commands from Alice, with event IDs the homeserver never saw. */
    private static String transaction(String... eventIds) {
        ObjectNode body = Http.object();
        ArrayNode events = body.putArray("events");
        for (String id : eventIds) {
            ObjectNode command = events.addObject()
                    .put("type", "m.room.message")
                    .put("room_id", room)
                    .put("sender", alice.userId())
                    .put("event_id", id)
                    .put("origin_server_ts", System.currentTimeMillis());
            command.putObject("content").put("msgtype", "m.text").put("body", "!ping");
            command.putObject("unsigned").put("age", 10);
        }
        return body.toString();
    }

    private static Request putRequest(String txnId, String body) {
        return new Request.Builder()
                .url(COMPTOIR.process().url() + "/_matrix/app/v1/transactions/" + txnId)
                .header("Authorization", "Bearer " + rig.registration().hsToken())
                .put(RequestBody.create(body, Http.JSON_TYPE))
                .build();
    }

    private static Http.Answer put(String txnId, String body) {
        return Http.call(putRequest(txnId, body));
    }

    /** Not a number, so it never collides with Synapse's own transaction IDs (1, 2, 3…). */
    private static String newTxnId() {
        return "e2e-" + Names.unique("txn");
    }
}
