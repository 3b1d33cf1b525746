package coop.comptoir.internal.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.internal.dispatch.Dispatcher;
import coop.comptoir.internal.metrics.Metrics;
import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/**
 * The notice of encrypted rooms, through the dispatcher as the runtime wires it: which events
 * trigger it, that it is said once (also after a restart, on the same database), and never for
 * ghosts, the bot or rooms the bot is not in. The PostgreSQL run is {@link EncryptedRoomsPostgresTest}.
 */
class EncryptedRoomsTest {
    static final ObjectMapper M = new ObjectMapper();
    static final UserId BOT = UserId.of("@comptoir:coop.test");
    static final UserId ALICE = UserId.of("@alice:coop.test");
    static final UserId GHOST = UserId.of("@_discord_42:coop.test");
    static final RoomId ROOM = RoomId.of("!encrypted:coop.test");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-06T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private final List<JdbcDatabase> opened = new ArrayList<>();
    private final MatrixClient matrix = mock(MatrixClient.class);
    private final AtomicLong seq = new AtomicLong();
    private Dispatcher dispatcher;

    /** The database of this run; a second call opens the same one again (a restart). */
    JdbcDatabase open() {
        return TestDatabases.sqlite(dir);
    }

    @BeforeEach
    void setUp() throws Exception {
        when(matrix.userId()).thenReturn(BOT);
        when(matrix.send(any(), any(), anyString())).thenReturn(EventId.of("$notice"));
        when(matrix.joinedMembers(any())).thenReturn(List.of(BOT, ALICE));
        encrypted(ROOM, true);
        botIn(ROOM, "join");
        dispatcher = start("fr");
    }

    @AfterEach
    void closeDatabases() throws Exception {
        for (JdbcDatabase db : opened) {
            db.close();
        }
        opened.clear();
    }

    /**
     * A Comptoir as the runtime wires it, handlers on the submitting thread; the one started before
     * is stopped first (its database closed), as for a restart.
     */
    private Dispatcher start(String language) throws Exception {
        closeDatabases();
        JdbcDatabase db = open();
        opened.add(db);
        Dispatcher d = new Dispatcher(Runnable::run, new Metrics(), BOT, s -> {});
        new EncryptedRooms(db, matrix, u -> u.localpart().startsWith("_discord_"),
                coop.comptoir.api.text.TextSettings.DEFAULT.withLanguage(language), "!", CLOCK).subscribe(d);
        return d;
    }

    private void encrypted(RoomId room, boolean on) {
        when(matrix.getState(room, "m.room.encryption", ""))
                .thenReturn(on ? Optional.of(object("{\"algorithm\":\"m.megolm.v1.aes-sha2\"}")) : Optional.empty());
    }

    private void botIn(RoomId room, String membership) {
        when(matrix.getState(room, "m.room.member", BOT.value()))
                .thenReturn(Optional.of(object("{\"membership\":\"" + membership + "\"}")));
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) M.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static MatrixEvent event(String type, RoomId room, UserId sender, String stateKey, String content) {
        ObjectNode e = M.createObjectNode().put("type", type).put("room_id", room.value()).put("sender", sender.value())
                .put("event_id", "$" + type.hashCode() + "_" + System.nanoTime()).put("origin_server_ts", 1);
        if (stateKey != null) {
            e.put("state_key", stateKey);
        }
        e.set("content", object(content));
        return MatrixEvent.of(e);
    }

    static MatrixEvent botJoins(RoomId room) {
        return event("m.room.member", room, BOT, BOT.value(), "{\"membership\":\"join\"}");
    }

    static MatrixEvent encryptedMessage(RoomId room, UserId sender) {
        return event("m.room.encrypted", room, sender, null,
                "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"ciphertext\":\"AwgA\",\"session_id\":\"s\",\"sender_key\":\"k\"}");
    }

    static MatrixEvent encryptionTurnedOn(RoomId room, UserId sender) {
        return event("m.room.encryption", room, sender, "", "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}");
    }

    private void deliver(Dispatcher d, MatrixEvent... events) {
        d.submit(seq.incrementAndGet(), List.of(events));
    }

    private List<OutgoingMessage> notices(RoomId room) {
        ArgumentCaptor<OutgoingMessage> sent = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, org.mockito.Mockito.atLeast(0)).send(eq(room), sent.capture(), anyString());
        return sent.getAllValues();
    }

    @Test
    void joiningAnEncryptedRoomTellsItsMembersOnceInPlainFrench() {
        deliver(dispatcher, botJoins(ROOM));

        assertThat(notices(ROOM)).singleElement().satisfies(n -> {
            assertThat(n.msgtype()).isEqualTo("m.notice");
            assertThat(n.htmlBody()).isNull();
            assertThat(n.body()).isEqualTo("Bonjour ! Ce salon est chiffré de bout en bout. J'y publie volontiers rappels"
                    + " et annonces, mais je ne sais pas encore lire les messages chiffrés : ici, les commandes comme !aide"
                    + " restent sans réponse. Pour me parler, utilisez un salon non chiffré.");
        });

        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(ROOM, ALICE), encryptionTurnedOn(ROOM, ALICE));
        deliver(dispatcher, botJoins(ROOM));
        assertThat(notices(ROOM)).hasSize(1);
    }

    @Test
    void onceHoldsAcrossARestartWithoutRelyingOnTheHomeserver() throws Exception {
        deliver(dispatcher, encryptedMessage(ROOM, ALICE));
        assertThat(notices(ROOM)).hasSize(1);

        Dispatcher restarted = start("fr");
        deliver(restarted, encryptedMessage(ROOM, ALICE), botJoins(ROOM), encryptionTurnedOn(ROOM, ALICE));

        assertThat(notices(ROOM)).as("notices sent over both runs").hasSize(1);
    }

    @Test
    void theNoticeHasOneTransactionIdPerRoomSoACrashBeforeRememberingDoesNotDoubleIt() {
        RoomId other = RoomId.of("!other:coop.test");
        encrypted(other, true);
        botIn(other, "join");
        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(other, ALICE));

        ArgumentCaptor<String> txn = ArgumentCaptor.forClass(String.class);
        verify(matrix, times(2)).send(any(), any(), txn.capture());
        assertThat(txn.getAllValues().get(0)).isEqualTo(EncryptedRooms.txnId(ROOM)).isNotEqualTo(txn.getAllValues().get(1));
    }

    @Test
    void aMemberTurningEncryptionOnOrWritingEncryptedIsTold() {
        RoomId other = RoomId.of("!other:coop.test");
        botIn(other, "join");
        deliver(dispatcher, encryptionTurnedOn(ROOM, ALICE), encryptedMessage(other, ALICE));

        assertThat(notices(ROOM)).hasSize(1);
        assertThat(notices(other)).hasSize(1);
    }

    @Test
    void ghostsAndTheBotNeverTriggerIt() {
        deliver(dispatcher, encryptedMessage(ROOM, GHOST), encryptionTurnedOn(ROOM, GHOST), encryptedMessage(ROOM, BOT));

        verify(matrix, never()).send(any(), any(), anyString());
        verify(matrix, never()).getState(any(), anyString(), anyString());
    }

    @Test
    void aRoomWithGhostsOnlyIsNotToldWhenTheBotJoins() {
        when(matrix.joinedMembers(ROOM)).thenReturn(List.of(BOT, GHOST));

        deliver(dispatcher, botJoins(ROOM));

        verify(matrix, never()).send(any(), any(), anyString());
    }

    @Test
    void aPlainRoomIsNotTold() {
        encrypted(ROOM, false);

        deliver(dispatcher, botJoins(ROOM));

        verify(matrix, never()).send(any(), any(), anyString());
    }

    @Test
    void aRoomTheBotIsNotInIsNotToldNorAskedAgainUntilTheBotJoins() {
        botIn(ROOM, "invite");

        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(ROOM, ALICE));
        verify(matrix, never()).send(any(), any(), anyString());
        verify(matrix, times(1)).getState(ROOM, "m.room.member", BOT.value());

        deliver(dispatcher, botJoins(ROOM));
        assertThat(notices(ROOM)).hasSize(1);
    }

    @Test
    void aTransientFailureIsTriedAgainAndARefusalIsNot() {
        RoomId refused = RoomId.of("!readonly:coop.test");
        encrypted(refused, true);
        botIn(refused, "join");
        when(matrix.send(eq(ROOM), any(), anyString()))
                .thenThrow(new MatrixException(502, "M_UNKNOWN", "Bad gateway"))
                .thenReturn(EventId.of("$later"));
        when(matrix.send(eq(refused), any(), anyString()))
                .thenThrow(new MatrixException(403, "M_FORBIDDEN", "You don't have permission to post that to the room."));

        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(refused, ALICE));
        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(refused, ALICE));
        deliver(dispatcher, encryptedMessage(ROOM, ALICE), encryptedMessage(refused, ALICE));

        verify(matrix, times(2)).send(eq(ROOM), any(), anyString());
        verify(matrix, times(1)).send(eq(refused), any(), anyString());
    }

    @Test
    void theNoticeSpeaksEnglishWhenTheCommandsDo() throws Exception {
        Dispatcher english = start("en");

        deliver(english, botJoins(ROOM));

        assertThat(notices(ROOM)).singleElement().satisfies(n -> assertThat(n.body())
                .startsWith("Hello! This room is end-to-end encrypted.").contains("!help", "unencrypted room"));
    }
}
