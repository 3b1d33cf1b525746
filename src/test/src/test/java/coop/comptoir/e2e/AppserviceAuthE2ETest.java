package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Names;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The appservice endpoint as anyone on the network could call it, not only the homeserver: the
 * token is checked (401 without one, 403 with a wrong one: the application-service API's
 * Authorization rules, and query_user.yaml's 401/403 responses in ../shared/spec), bodies are
 * validated at the edge with Matrix error codes, and a transaction sent twice is processed once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AppserviceAuthE2ETest {
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String WRONG_TOKEN = "wrong-token-" + Names.unique("x");
    private static final String EMPTY_TRANSACTION = "{\"events\":[]}";

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("appservice-auth",
                config -> ((ObjectNode) config.get("appservice")).put("max_body_bytes", MAX_BODY_BYTES));

    private static final Rig rig = Rig.get();

    @Test
    void homeserverTokenIsAccepted() {
        Http.Answer answer = putTransaction(newTxnId(), EMPTY_TRANSACTION, rig.registration().hsToken());

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.json().isObject()).as("%s", answer).isTrue();
    }

    @Test
    void missingTokenIs401Unauthorized() {
        Http.Answer answer = putTransaction(newTxnId(), EMPTY_TRANSACTION, null);

        assertThat(answer.status()).as("%s", answer).isEqualTo(401);
        assertThat(answer.errcode()).isEqualTo("M_UNAUTHORIZED");
    }

    @Test
    void wrongTokenIs403ForbiddenAndNeverLogged() {
        Http.Answer answer = putTransaction(newTxnId(), EMPTY_TRANSACTION, WRONG_TOKEN);

        assertThat(answer.status()).as("%s", answer).isEqualTo(403);
        assertThat(answer.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(COMPTOIR.process().logText()).doesNotContain(WRONG_TOKEN);
    }

    @Test
    void asTokenIsNotTheHomeserverToken() {
        Http.Answer answer = putTransaction(newTxnId(), EMPTY_TRANSACTION, rig.registration().asToken());

        assertThat(answer.status()).as("%s", answer).isEqualTo(403);
        assertThat(answer.errcode()).isEqualTo("M_FORBIDDEN");
    }

    @Test
    void malformedJsonIs400NotJson() {
        Http.Answer answer = putTransaction(newTxnId(), "{\"events\": [", rig.registration().hsToken());

        assertThat(answer.status()).as("%s", answer).isEqualTo(400);
        assertThat(answer.errcode()).isEqualTo("M_NOT_JSON");
    }

    @Test
    void eventsThatAreNotAnArrayIs400BadJson() {
        Http.Answer answer = putTransaction(newTxnId(), "{\"events\": 5}", rig.registration().hsToken());

        assertThat(answer.status()).as("%s", answer).isEqualTo(400);
        assertThat(answer.errcode()).isEqualTo("M_BAD_JSON");
    }

    @Test
    void bodyLargerThanTheLimitIs413() {
        String padding = "x".repeat(MAX_BODY_BYTES);
        String body = "{\"events\":[],\"padding\":\"" + padding + "\"}";

        Http.Answer answer = putTransaction(newTxnId(), body, rig.registration().hsToken());

        assertThat(answer.status()).as("%s", answer).isEqualTo(413);
    }

    @Test
    void unknownRouteIs404Unrecognized() {
        Http.Answer answer = Http.call(new Request.Builder()
                .url(COMPTOIR.process().url() + "/_matrix/app/v1/no-such-route")
                .header("Authorization", "Bearer " + rig.registration().hsToken())
                .build());

        assertThat(answer.status()).as("%s", answer).isEqualTo(404);
        assertThat(answer.errcode()).isEqualTo("M_UNRECOGNIZED");
    }

    @Test
    void wrongMethodIs405() {
        Http.Answer answer = Http.call(new Request.Builder()
                .url(COMPTOIR.process().url() + "/_matrix/app/v1/transactions/" + newTxnId())
                .header("Authorization", "Bearer " + rig.registration().hsToken())
                .build());

        assertThat(answer.status()).as("%s", answer).isEqualTo(405);
    }

    @Test
    void retriedTransactionIsProcessedOnce() throws InterruptedException {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));
        // a command the homeserver never saw, delivered the way it would deliver it
        String commandId = "$e2e-retry-" + Names.unique("cmd");
        ObjectNode command = Http.object()
                .put("type", "m.room.message")
                .put("room_id", room)
                .put("sender", alice.userId())
                .put("event_id", commandId)
                .put("origin_server_ts", System.currentTimeMillis());
        command.putObject("content").put("msgtype", "m.text").put("body", "!ping");
        command.putObject("unsigned").put("age", 10);
        ObjectNode transaction = Http.object();
        transaction.putArray("events").add(command);
        String txnId = newTxnId();

        Http.Answer first = putTransaction(txnId, transaction.toString(), rig.registration().hsToken());
        Http.Answer retry = putTransaction(txnId, transaction.toString(), rig.registration().hsToken());

        assertThat(first.status()).as("first delivery: %s", first).isEqualTo(200);
        assertThat(retry.status()).as("retry: %s", retry).isEqualTo(200);
        alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(commandId)), Duration.ofSeconds(30));
        Thread.sleep(3000); // a second answer, if any, has had the time to arrive
        assertThat(alice.roomMessages(room).stream()
                        .filter(Events.messageFrom(bot).and(Events.repliesTo(commandId))).count())
                .as("answers to the command delivered twice in transaction %s", txnId)
                .isEqualTo(1);
    }

    private static Http.Answer putTransaction(String txnId, String body, String token) {
        Request.Builder request = new Request.Builder()
                .url(COMPTOIR.process().url() + "/_matrix/app/v1/transactions/" + txnId)
                .put(RequestBody.create(body, Http.JSON_TYPE));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Http.call(request.build());
    }

    /** Not a number, so it never collides with Synapse's own transaction IDs (1, 2, 3…). */
    private static String newTxnId() {
        return "e2e-" + Names.unique("txn");
    }
}
