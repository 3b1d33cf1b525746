package coop.comptoir.api.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.UserId;
import org.junit.jupiter.api.Test;

class OutgoingMessageTest {
    @Test
    void replyWithMentionAndHtml() {
        ObjectNode c = OutgoingMessage.html("Bienvenue Alice", "Bienvenue <a href=\"https://matrix.to/#/@a:x.org\">Alice</a>")
                .mentioning(UserId.of("@a:x.org")).replyingTo(EventId.of("$q")).toContent();
        assertThat(c.path("format").asText()).isEqualTo("org.matrix.custom.html");
        assertThat(c.path("m.mentions").path("user_ids").get(0).asText()).isEqualTo("@a:x.org");
        assertThat(c.path("m.relates_to").path("m.in_reply_to").path("event_id").asText()).isEqualTo("$q");
        assertThat(c.path("m.relates_to").has("rel_type")).isFalse();
    }

    @Test
    void threadMessagesFallBackToAReplyForOlderClients() {
        ObjectNode c = OutgoingMessage.notice("suite").inThread(EventId.of("$root")).toContent();
        assertThat(c.path("msgtype").asText()).isEqualTo("m.notice");
        assertThat(c.path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(c.path("m.relates_to").path("event_id").asText()).isEqualTo("$root");
        assertThat(c.path("m.relates_to").path("is_falling_back").asBoolean()).isTrue();
        assertThat(c.path("m.relates_to").path("m.in_reply_to").path("event_id").asText()).isEqualTo("$root");
        // a plain message says it mentions nobody, so clients do not guess from the text
        assertThat(c.path("m.mentions").isObject()).isTrue();
        assertThat(c.path("m.mentions").size()).isZero();
    }
}
