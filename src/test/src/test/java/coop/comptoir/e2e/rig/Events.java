package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/** Predicates over client-server events (JSON as {@code /sync} and {@code /messages} give them). */
public final class Events {
    private Events() {}

    /** An {@code m.room.member} event putting {@code userId} in {@code membership} (join, invite, leave…). */
    public static Predicate<JsonNode> membership(String userId, String membership) {
        return event -> "m.room.member".equals(event.path("type").asText())
                && userId.equals(event.path("state_key").asText())
                && membership.equals(event.path("content").path("membership").asText());
    }

    /** An {@code m.room.message} sent by {@code sender}. */
    public static Predicate<JsonNode> messageFrom(String sender) {
        return event -> "m.room.message".equals(event.path("type").asText())
                && sender.equals(event.path("sender").asText());
    }

    /** A message whose {@code msgtype} is the given one ({@code m.notice}, {@code m.text}…). */
    public static Predicate<JsonNode> msgtype(String msgtype) {
        return event -> msgtype.equals(event.path("content").path("msgtype").asText());
    }

    /** A message whose body contains the text, ignoring case. */
    public static Predicate<JsonNode> bodyContains(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return event -> event.path("content").path("body").asText().toLowerCase(java.util.Locale.ROOT).contains(lower);
    }

    /** A rich reply ({@code m.relates_to.m.in_reply_to}) to the given event. */
    public static Predicate<JsonNode> repliesTo(String eventId) {
        return event -> eventId.equals(inReplyTo(event));
    }

    /** The event this one replies to, or "" when it is not a reply. */
    public static String inReplyTo(JsonNode event) {
        return event.path("content").path("m.relates_to").path("m.in_reply_to").path("event_id").asText("");
    }

    /** The bot's answer to a command: a notice from {@code bot} containing {@code text}, replying to {@code command}. */
    public static Predicate<JsonNode> noticeReply(String bot, String command, String text) {
        return messageFrom(bot).and(msgtype("m.notice")).and(bodyContains(text)).and(repliesTo(command));
    }

    /** A message from {@code sender} whose body contains {@code text} and that is not an edit. */
    public static Predicate<JsonNode> newMessageFrom(String sender, String text) {
        return messageFrom(sender).and(bodyContains(text))
                .and(e -> !"m.replace".equals(e.path("content").path("m.relates_to").path("rel_type").asText()));
    }

    /** Waits until {@code condition} holds, polling every 200 ms. */
    public static void await(java.util.function.BooleanSupplier condition, java.time.Duration timeout, String what)
            throws InterruptedException {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
