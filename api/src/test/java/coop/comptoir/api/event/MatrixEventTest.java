package coop.comptoir.api.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.id.EventId;
import org.junit.jupiter.api.Test;

class MatrixEventTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static MatrixEvent parse(String json) throws Exception {
        return MatrixEvent.of(M.readTree(json));
    }

    @Test
    void keepsUnknownFieldsAndReadsKnownOnes() throws Exception {
        MatrixEvent e = parse("""
                {"type":"org.coop.custom","room_id":"!r:coop.example","sender":"@a:coop.example",
                 "event_id":"$1","origin_server_ts":42,"content":{"x":1},"future_field":{"y":true}}""");
        assertThat(e.type()).isEqualTo("org.coop.custom");
        assertThat(e.originServerTs()).isEqualTo(42);
        assertThat(e.json().path("future_field").path("y").asBoolean()).isTrue();
        assertThat(e.message()).isEmpty();
        assertThatThrownBy(() -> parse("{\"content\":{}}")).hasMessageContaining("type");
        assertThatThrownBy(() -> parse("{\"type\":\"m.room.message\",\"sender\":\"bob\"}")).hasMessageContaining("user ID");
    }

    @Test
    void readsRepliesThreadsEditsAndReactions() throws Exception {
        MatrixEvent thread = parse("""
                {"type":"m.room.message","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$2",
                 "content":{"msgtype":"m.text","body":"hi","m.relates_to":{"rel_type":"m.thread","event_id":"$root",
                 "is_falling_back":true,"m.in_reply_to":{"event_id":"$last"}}}}""");
        assertThat(thread.relation()).get().satisfies(r -> {
            assertThat(r.isThread()).isTrue();
            assertThat(r.eventId()).isEqualTo(EventId.of("$root"));
            assertThat(r.inReplyTo()).isEqualTo(EventId.of("$last"));
            assertThat(r.isFallingBack()).isTrue();
        });
        MatrixEvent edit = parse("""
                {"type":"m.room.message","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$3",
                 "content":{"msgtype":"m.text","body":"* new","m.new_content":{"msgtype":"m.text","body":"new"},
                 "m.relates_to":{"rel_type":"m.replace","event_id":"$2"}}}""");
        assertThat(edit.relation().orElseThrow().isEdit()).isTrue();
        assertThat(edit.message().orElseThrow().newContent().orElseThrow().body()).isEqualTo("new");
        MatrixEvent reaction = parse("""
                {"type":"m.reaction","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$4",
                 "content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$2","key":"👍"}}}""");
        assertThat(reaction.reaction().orElseThrow().key()).isEqualTo("👍");
    }

    @Test
    void readsMembershipAndRedactionsOfOldAndNewRoomVersions() throws Exception {
        MatrixEvent join = parse("""
                {"type":"m.room.member","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$5","state_key":"@a:x.org",
                 "content":{"membership":"join","displayname":"Alice"},"unsigned":{"prev_content":{"membership":"join"}}}""");
        Membership m = join.membership().orElseThrow();
        assertThat(m.isJoin()).isTrue();
        assertThat(m.isProfileChange()).isTrue();
        assertThat(m.displayName()).isEqualTo("Alice");
        MatrixEvent v10 = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$6","redacts":"$2","content":{}}""");
        MatrixEvent v11 = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@a:x.org","event_id":"$7","content":{"redacts":"$3"}}""");
        assertThat(v10.redacts("10")).contains(EventId.of("$2"));
        assertThat(v11.redacts("11")).contains(EventId.of("$3"));
    }

    @Test
    void aRedactionIsReadOnlyWhereTheRoomVersionAuthorisesIt() throws Exception {
        // what a server may send over federation: it authorised the top level (v1–10) or the content (v11+)
        MatrixEvent incoherent = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@m:evil.org","event_id":"$8",
                 "redacts":"$own","content":{"redacts":"$victim"}}""");
        assertThat(incoherent.redacts("10")).contains(EventId.of("$own"));
        assertThat(incoherent.redacts("1")).contains(EventId.of("$own"));
        assertThat(incoherent.redacts("11")).contains(EventId.of("$victim"));
        assertThat(incoherent.redacts("12")).contains(EventId.of("$victim"));
        assertThat(incoherent.redacts("org.example.custom")).as("unknown version, places disagree").isEmpty();

        MatrixEvent contentOnly = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@m:evil.org","event_id":"$9",
                 "content":{"redacts":"$victim"}}""");
        assertThat(contentOnly.redacts("10")).as("v10 authorises only the top level").isEmpty();
        assertThat(contentOnly.redacts("org.example.custom")).contains(EventId.of("$victim"));
        MatrixEvent topOnly = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@m:evil.org","event_id":"$10","redacts":"$victim",
                 "content":{}}""");
        assertThat(topOnly.redacts("11")).as("v11 authorises only the content").isEmpty();
        MatrixEvent malformed = parse("""
                {"type":"m.room.redaction","room_id":"!r:x.org","sender":"@m:evil.org","event_id":"$11","redacts":"nope"}""");
        assertThat(malformed.redacts("10")).isEmpty();
    }
}
