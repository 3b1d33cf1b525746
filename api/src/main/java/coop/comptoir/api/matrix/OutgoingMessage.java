package coop.comptoir.api.matrix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.UserId;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An {@code m.room.message} to send: plain text, optional HTML, msgtype, reply, thread and
 * intentional mentions ({@code m.mentions}). Immutable; each {@code with…} returns a copy.
 */
public final class OutgoingMessage {
    private final String msgtype;
    private final String body;
    private final String html;
    private final EventId replyTo;
    private final EventId threadRoot;
    private final Set<UserId> mentions;
    private final boolean mentionRoom;

    private OutgoingMessage(String msgtype, String body, String html, EventId replyTo, EventId threadRoot,
                            Set<UserId> mentions, boolean mentionRoom) {
        this.msgtype = Objects.requireNonNull(msgtype, "msgtype");
        this.body = Objects.requireNonNull(body, "body");
        this.html = html;
        this.replyTo = replyTo;
        this.threadRoot = threadRoot;
        this.mentions = Set.copyOf(mentions);
        this.mentionRoom = mentionRoom;
    }

    public static OutgoingMessage text(String body) {
        return new OutgoingMessage("m.text", body, null, null, null, Set.of(), false);
    }

    public static OutgoingMessage html(String plainBody, String html) {
        return new OutgoingMessage("m.text", plainBody, html, null, null, Set.of(), false);
    }

    /** A notice: what bots send, which other bots do not answer. */
    public static OutgoingMessage notice(String body) {
        return new OutgoingMessage("m.notice", body, null, null, null, Set.of(), false);
    }

    public static OutgoingMessage noticeHtml(String plainBody, String html) {
        return new OutgoingMessage("m.notice", plainBody, html, null, null, Set.of(), false);
    }

    public OutgoingMessage withMsgtype(String type) {
        return new OutgoingMessage(type, body, html, replyTo, threadRoot, mentions, mentionRoom);
    }

    public OutgoingMessage replyingTo(EventId event) {
        return new OutgoingMessage(msgtype, body, html, event, threadRoot, mentions, mentionRoom);
    }

    /** Puts the message in the thread whose root is {@code root} ({@code m.thread}). */
    public OutgoingMessage inThread(EventId root) {
        return new OutgoingMessage(msgtype, body, html, replyTo, root, mentions, mentionRoom);
    }

    public OutgoingMessage mentioning(UserId... users) {
        Set<UserId> all = new LinkedHashSet<>(mentions);
        all.addAll(Set.of(users));
        return new OutgoingMessage(msgtype, body, html, replyTo, threadRoot, all, mentionRoom);
    }

    public OutgoingMessage mentioningRoom() {
        return new OutgoingMessage(msgtype, body, html, replyTo, threadRoot, mentions, true);
    }

    public String msgtype() { return msgtype; }
    public String body() { return body; }
    public String htmlBody() { return html; }
    public EventId replyTo() { return replyTo; }
    public EventId threadRoot() { return threadRoot; }
    public Set<UserId> mentions() { return mentions; }

    /** The content without relations: what also goes in {@code m.new_content} of an edit. */
    public ObjectNode baseContent() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("msgtype", msgtype);
        c.put("body", body);
        if (html != null) {
            c.put("format", "org.matrix.custom.html");
            c.put("formatted_body", html);
        }
        ObjectNode m = c.putObject("m.mentions");
        if (!mentions.isEmpty()) {
            ArrayNode ids = m.putArray("user_ids");
            mentions.stream().sorted().forEach(u -> ids.add(u.value()));
        }
        if (mentionRoom) {
            m.put("room", true);
        }
        return c;
    }

    /** The full content, with {@code m.relates_to} for replies and threads. */
    public ObjectNode toContent() {
        ObjectNode c = baseContent();
        if (threadRoot != null) {
            ObjectNode rel = c.putObject("m.relates_to");
            rel.put("rel_type", "m.thread");
            rel.put("event_id", threadRoot.value());
            // Clients without thread support show a thread message as a reply to the latest one.
            EventId target = replyTo != null ? replyTo : threadRoot;
            rel.putObject("m.in_reply_to").put("event_id", target.value());
            rel.put("is_falling_back", replyTo == null);
        } else if (replyTo != null) {
            c.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", replyTo.value());
        }
        return c;
    }
}
