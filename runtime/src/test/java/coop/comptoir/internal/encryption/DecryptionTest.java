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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.crypto.EndToEnd;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runtime's side of encryption: which events are decrypted, which sends are encrypted. */
class DecryptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserId BOT = UserId.of("@comptoir:coop.test");
    private static final RoomId ROOM = RoomId.of("!room:coop.test");

    private final MatrixClient matrix = mock(MatrixClient.class);
    private final EndToEnd device = mock(EndToEnd.class);

    DecryptionTest() {
        when(matrix.userId()).thenReturn(BOT);
    }

    private static MatrixEvent encrypted(String sender) {
        ObjectNode e = JSON.createObjectNode().put("type", "m.room.encrypted").put("room_id", ROOM.value())
                .put("sender", sender).put("event_id", "$e");
        e.putObject("content").put("algorithm", "m.megolm.v1.aes-sha2");
        return MatrixEvent.of(e);
    }

    @Test
    void aMembersEncryptedEventReachesPluginsDecryptedAndTheTransactionsKeysComeFirst() throws Exception {
        ObjectNode plain = encrypted("@alice:coop.test").json().deepCopy().put("type", "m.room.message");
        plain.putObject("content").put("msgtype", "m.text").put("body", "!ping");
        when(device.decrypt(any(), eq(Duration.ZERO))).thenReturn(Optional.of(plain));
        Decryption d = new Decryption(matrix);
        d.started(device);
        JsonNode txn = JSON.createObjectNode();

        List<MatrixEvent> out = d.decrypt(txn, List.of(encrypted("@alice:coop.test"), encrypted(BOT.value())));

        verify(device).receive(txn);
        verify(device, times(1)).decrypt(any(), any()); // not the bot's own event
        assertThat(out.get(0).type()).isEqualTo("m.room.message");
        assertThat(out.get(0).message().orElseThrow().body()).isEqualTo("!ping");
        assertThat(out.get(1).type()).isEqualTo("m.room.encrypted");
    }

    @Test
    void anEventWhoseKeyComesInALaterTransactionReachesPluginsThen() throws Exception {
        ObjectNode plain = encrypted("@alice:coop.test").json().deepCopy().put("type", "m.room.message");
        plain.putObject("content").put("msgtype", "m.text").put("body", "!ping");
        when(device.decrypt(any(), eq(Duration.ZERO))).thenReturn(Optional.empty(), Optional.of(plain));
        Decryption d = new Decryption(matrix);
        d.started(device);

        List<MatrixEvent> first = d.decrypt(JSON.createObjectNode(), List.of(encrypted("@alice:coop.test")));
        assertThat(first).singleElement().extracting(MatrixEvent::type).isEqualTo("m.room.encrypted");
        ObjectNode keys = JSON.createObjectNode();
        keys.putArray("de.sorunome.msc2409.to_device").addObject().put("type", "m.room.encrypted");
        List<MatrixEvent> second = d.decrypt(keys, List.of());
        assertThat(second).singleElement().extracting(MatrixEvent::type).isEqualTo("m.room.message");
        assertThat(d.decrypt(keys, List.of())).as("handed over once").isEmpty();
    }

    @Test
    void beforeTheDeviceIsUpEventsPassAsTheyCame() {
        Decryption d = new Decryption(matrix);
        List<MatrixEvent> events = List.of(encrypted("@alice:coop.test"));
        assertThat(d.decrypt(JSON.createObjectNode(), events)).isSameAs(events);
    }

    @Test
    void onlyEncryptedRoomsGetEncryptedSendsWithTheirMembers() throws Exception {
        RoomId plainRoom = RoomId.of("!plain:coop.test");
        when(matrix.getState(ROOM, "m.room.encryption", "")).thenReturn(Optional.of(JSON.createObjectNode()));
        when(matrix.getState(plainRoom, "m.room.encryption", "")).thenReturn(Optional.empty());
        when(matrix.joinedMembers(ROOM)).thenReturn(List.of(BOT, UserId.of("@alice:coop.test")));
        ObjectNode sealed = JSON.createObjectNode().put("algorithm", "m.megolm.v1.aes-sha2");
        when(device.encrypt(eq(ROOM.value()), eq("m.room.message"), any(), any())).thenReturn(sealed);
        Decryption d = new Decryption(matrix);
        d.started(device);
        ObjectNode content = JSON.createObjectNode().put("body", "pong");

        assertThat(d.encrypt(plainRoom, "m.room.message", content)).isNull();
        assertThat(d.encrypt(plainRoom, "m.room.message", content)).isNull(); // remembered for a while
        assertThat(d.encrypt(ROOM, "m.room.message", content)).isSameAs(sealed);
        verify(matrix, times(1)).getState(plainRoom, "m.room.encryption", "");
        verify(device).encrypt(ROOM.value(), "m.room.message", content, List.of(BOT.value(), "@alice:coop.test"));
        verify(device, never()).encrypt(eq(plainRoom.value()), anyString(), any(), any());
    }

    /**
     * A direct chat the bot just opened: the member is invited, not joined yet, when the bot says
     * hello. Her devices get the room key too (as Element does), or the hello stays unreadable.
     */
    @Test
    void invitedMembersGetTheRoomKeyToo() throws Exception {
        when(matrix.getState(ROOM, "m.room.encryption", "")).thenReturn(Optional.of(JSON.createObjectNode()));
        when(matrix.joinedMembers(ROOM)).thenReturn(List.of(BOT));
        when(matrix.request("GET", "/_matrix/client/v3/rooms/%21room%3Acoop.test/members?membership=invite", null))
                .thenReturn(JSON.readTree("{\"chunk\":[{\"type\":\"m.room.member\",\"state_key\":\"@zoe:coop.test\","
                        + "\"content\":{\"membership\":\"invite\"}}]}"));
        ObjectNode sealed = JSON.createObjectNode().put("algorithm", "m.megolm.v1.aes-sha2");
        when(device.encrypt(eq(ROOM.value()), eq("m.room.message"), any(), any())).thenReturn(sealed);
        Decryption d = new Decryption(matrix);
        d.started(device);
        ObjectNode content = JSON.createObjectNode().put("body", "Coucou !");

        assertThat(d.encrypt(ROOM, "m.room.message", content)).isSameAs(sealed);
        verify(device).encrypt(ROOM.value(), "m.room.message", content, List.of(BOT.value(), "@zoe:coop.test"));
    }
}
