package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Discourse's webhook deliveries: checked, then handed to the {@link Announcer}.
 *
 * <p>Only the body is signed ({@code X-Discourse-Event-Signature}); the event name
 * ({@code X-Discourse-Event}) and the delivery ID ({@code X-Discourse-Event-Id}) are not. So a
 * signed body could be sent again, or under another event name. Hence:
 * <ul>
 *   <li>the body must be what the event carries: {@code {"topic": …}} for {@code topic_*},
 *       {@code {"post": …}} for {@code post_*}, a deletion only with {@code deleted_at} set, a
 *       creation only without; otherwise 422;</li>
 *   <li>a delivery already handled (same ID, or same body) within {@link #RETENTION} is answered
 *       200 and does nothing (Discourse retries what is not 2xx, with the same body);</li>
 *   <li>before redacting, the forum is asked whether the topic (or reply) is really deleted: one
 *       it shows as live is not withdrawn (409).</li>
 * </ul>
 * A delivery is recorded only once handled: one that failed (503 while the forum cannot tell
 * whether a category is public) is handled again when Discourse retries it.
 */
final class WebhookHandler {
    /** How long handled deliveries are remembered. */
    static final Duration RETENTION = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSignature signature;
    private final Announcer announcer;
    private final Categories categories;
    private final ForumStore store;
    private final DiscourseClient discourse;
    private final Clock clock;
    private final Logger log;

    WebhookHandler(WebhookSignature signature, Announcer announcer, Categories categories, ForumStore store,
                   DiscourseClient discourse, Clock clock, Logger log) {
        this.signature = signature;
        this.announcer = announcer;
        this.categories = categories;
        this.store = store;
        this.discourse = discourse;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Handles one delivery. Called on the route's thread; blocks while rooms are written to and the
     * forum is asked. Never throws for a bad delivery: the answer tells.
     */
    synchronized RouteResponse handle(RouteRequest req) {
        byte[] body = req.body();
        WebhookSignature.Verdict verdict = signature.check(req.header("X-Discourse-Event-Signature").orElse(null), body);
        if (verdict == WebhookSignature.Verdict.MISSING) {
            log.warn("Refused a webhook delivery without signature");
            return RouteResponse.error(401, "Missing X-Discourse-Event-Signature");
        }
        if (verdict == WebhookSignature.Verdict.WRONG) {
            log.warn("Refused a webhook delivery with a wrong signature (is the secret the same in Discourse and Comptoir?)");
            return RouteResponse.error(403, "Bad signature");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return RouteResponse.error(400, "Body is not JSON");
        }
        if (root == null || !root.isObject()) {
            return RouteResponse.error(400, "Body is not a JSON object");
        }
        String type = req.header("X-Discourse-Event-Type").orElse(null);
        String event = req.header("X-Discourse-Event").orElse("ping".equals(type) ? "ping" : "");
        String mismatch = mismatch(event, type, root);
        if (mismatch != null) {
            log.warn("Refused a signed webhook delivery whose body does not match its event {}: {}", safe(event), mismatch);
            return RouteResponse.error(422, "Body does not match X-Discourse-Event: " + mismatch);
        }
        String id = req.header("X-Discourse-Event-Id").filter(v -> v.matches("[0-9]{1,20}")).orElse(null);
        String digest = sha256(body);
        if (store.delivered(id, digest)) {
            log.info("Webhook delivery {} ({}) already handled; ignored", id == null ? "without ID" : id, safe(event));
            return new RouteResponse(200, "{\"status\":\"already handled\"}");
        }
        RouteResponse answer;
        try {
            answer = dispatch(event, root);
        } catch (Categories.Unknown e) {
            log.warn("Webhook {} not handled yet: {}; Discourse will send it again", safe(event), e.getMessage());
            return RouteResponse.error(503, "Category permissions not known yet; try again later");
        }
        if (answer.status() / 100 == 2) {
            Instant now = clock.instant();
            store.saveDelivery(id, digest, now, now.minus(RETENTION));
        }
        return answer;
    }

    private RouteResponse dispatch(String event, JsonNode root) {
        JsonNode topic = root.path("topic");
        JsonNode post = root.path("post");
        switch (event) {
            case "ping" -> log.info("Discourse pinged the webhook");
            case "topic_created" -> announcer.topics(List.of(Discourse.webhookTopic(topic)), true, null);
            case "topic_destroyed" -> {
                long topicId = topic.path("id").asLong();
                if (stillLive("/t/" + topicId + ".json")) {
                    log.warn("Refused topic_destroyed for topic {}: the forum shows it live (an old delivery sent again?)", topicId);
                    return RouteResponse.error(409, "The forum shows this topic as not deleted");
                }
                announcer.destroyed(topicId);
            }
            case "post_created", "post_edited" -> {
                if (deleted(post)) {
                    break;
                }
                Discourse.Post p = Discourse.post(post);
                if (p.postNumber() == 1) {
                    announcer.firstPost(p);
                } else if (event.equals("post_created")) {
                    announcer.reply(p);
                }
            }
            case "post_destroyed" -> {
                Discourse.Post p = Discourse.post(post);
                if (p.postNumber() > 1) {
                    if (stillLive("/posts/" + p.id() + ".json")) {
                        log.warn("Refused post_destroyed for post {}: the forum shows it live", p.id());
                        return RouteResponse.error(409, "The forum shows this post as not deleted");
                    }
                    announcer.replyDestroyed(p.id());
                }
            }
            case "category_created", "category_updated", "category_destroyed" -> categories.invalidate();
            default -> {
                if (isTopicChange(event) && !deleted(topic)) {
                    // topic_edited, and the topic_*_status_updated events (unlisted, closed, archived…).
                    announcer.topics(List.of(Discourse.webhookTopic(topic)), false, null);
                } else {
                    log.debug("Ignored webhook event {}", safe(event));
                }
            }
        }
        return RouteResponse.ok();
    }

    /** Why the body cannot be this event's, or null when it can (or when the event is one nothing is done for). */
    static String mismatch(String event, String type, JsonNode root) {
        String expected = switch (event) {
            case "topic_created", "topic_edited", "topic_destroyed" -> "topic";
            case "post_created", "post_edited", "post_destroyed" -> "post";
            case "category_created", "category_updated", "category_destroyed" -> "category";
            default -> isTopicChange(event) ? "topic" : null;
        };
        if (expected == null) {
            return null;
        }
        if (type != null && !type.equals(expected)) {
            return "X-Discourse-Event-Type is " + safe(type) + ", not " + expected;
        }
        JsonNode object = root.get(expected);
        if (object == null || !object.isObject()) {
            return "no \"" + expected + "\" object";
        }
        if ((expected.equals("topic") || expected.equals("post"))
                && (!object.path("id").canConvertToLong() || object.path("id").asLong() <= 0)) {
            return "no " + expected + " id";
        }
        boolean deleted = deleted(object);
        return switch (event) {
            case "topic_created", "post_created" -> deleted ? expected + " has deleted_at set" : null;
            case "topic_destroyed", "post_destroyed" -> deleted ? null : expected + " has no deleted_at";
            default -> null;
        };
    }

    private static boolean isTopicChange(String event) {
        return event.equals("topic_edited") || event.matches("topic_[a-z_]+_status_updated");
    }

    private static boolean deleted(JsonNode object) {
        JsonNode d = object.get("deleted_at");
        return d != null && !d.isNull() && !d.asText("").isEmpty();
    }

    /**
     * Whether the forum shows the document as live (readable, {@code deleted_at} empty). Absent or
     * unreadable, or the forum not answering: not live (the signed deletion is then believed).
     */
    private boolean stillLive(String path) {
        try {
            Optional<JsonNode> doc = discourse.getIfVisible(path);
            return doc.isPresent() && !deleted(doc.get());
        } catch (DiscourseClient.ForumUnavailable e) {
            log.info("Could not check {} on the forum ({}); trusting the signed deletion", path, e.getMessage());
            return false;
        }
    }

    /** An event name from a header, fit for a log line. */
    private static String safe(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return t.replaceAll("[^A-Za-z0-9_.-]", "?");
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
