package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reading a room's past through REST ({@code channels.history} / {@code groups.history}): catch-up
 * after a lost connection or a restart, and history import. Rocket.Chat pages newest first and
 * filters by time, not by message: the position is turned into its timestamp ({@code chat.getMessage}
 * when it was not seen), read from a millisecond before it, sorted oldest first, and everything up to
 * the position itself is skipped. Every call may block.
 */
final class History {
    private static final int PAGE = 100;
    private static final int MAX_READ = 10_000;

    private final RocketRest rest;
    private final Incoming incoming;

    History(RocketRest rest, Incoming incoming) {
        this.rest = rest;
        this.incoming = incoming;
    }

    /** Up to {@code limit} messages after {@code after} (from the oldest readable when empty), oldest first, the bot's left out. */
    List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, String route, Optional<RemoteMessageId> after, int limit)
            throws RocketRest.Failure {
        Optional<Instant> since = Optional.empty();
        if (after.isPresent()) {
            since = incoming.timestampOf(after.get().value());
            if (since.isEmpty()) {
                since = Incoming.date(rest.get("/api/v1/chat.getMessage", "msgId", after.get().value()).path("message").path("ts"));
            }
        }
        List<JsonNode> found = read(channel, route, since.map(t -> t.minusMillis(1)));
        found.sort(Comparator.comparing((JsonNode m) -> Incoming.date(m.path("ts")).orElse(Instant.EPOCH)));
        List<RemoteEvent.Message> out = new ArrayList<>();
        boolean passed = after.isEmpty();
        for (JsonNode m : found) {
            String id = m.path("_id").asText();
            if (!passed) {
                boolean isPosition = id.equals(after.get().value());
                passed = isPosition || Incoming.date(m.path("ts")).orElse(Instant.EPOCH).isAfter(since.get());
                if (isPosition) {
                    continue;
                }
            }
            if (passed && out.size() < limit) {
                incoming.message(m).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The bot's file messages posted since {@code notBefore} for a Matrix message with files, one per
     * file in order, if all are there: the bot's, same file name, same thread, the caption as the first
     * file's description, shown under the same sender ({@code shownAsSender}), not {@code recorded}
     * for another Matrix message; the oldest such when several are. Empty when any is missing.
     */
    List<RemoteMessageId> sentFiles(RemoteChannelId channel, String route, Instant notBefore, String botUserId,
                                    OutgoingRemoteMessage message, String caption, Predicate<JsonNode> shownAsSender,
                                    Predicate<RemoteMessageId> recorded) throws RocketRest.Failure {
        List<JsonNode> found = read(channel, route, Optional.of(notBefore.minusMillis(1)));
        found.sort(Comparator.comparing((JsonNode m) -> Incoming.date(m.path("ts")).orElse(Instant.EPOCH)));
        String thread = message.threadRoot().map(RemoteMessageId::value).orElse("");
        List<RemoteMessageId> ids = new ArrayList<>();
        for (int i = 0; i < message.attachments().size(); i++) {
            String name = message.attachments().get(i).fileName();
            String description = i == 0 ? caption.strip() : "";
            Optional<RemoteMessageId> match = found.stream()
                    .filter(m -> botUserId.equals(m.path("u").path("_id").asText()) && name.equals(m.path("file").path("name").asText())
                            && thread.equals(m.path("tmid").asText("")) && shownAsSender.test(m)
                            && description.equals(m.path("attachments").path(0).path("description").asText("").strip()))
                    .map(m -> new RemoteMessageId(m.path("_id").asText()))
                    .filter(id -> !ids.contains(id) && !recorded.test(id)).findFirst();
            if (match.isEmpty()) {
                return List.of();
            }
            ids.add(match.get());
        }
        return ids;
    }

    /** The newest message of the room, if any. */
    Optional<RemoteMessageId> newest(RemoteChannelId channel, String route) throws RocketRest.Failure {
        JsonNode newest = rest.get(route, "roomId", channel.value(), "count", "1").path("messages").path(0);
        return newest.path("_id").isTextual() ? Optional.of(new RemoteMessageId(newest.get("_id").asText())) : Optional.empty();
    }

    /** Every message after {@code oldest} (exclusive), as Rocket.Chat pages them, newest first. */
    private List<JsonNode> read(RemoteChannelId channel, String route, Optional<Instant> oldest) throws RocketRest.Failure {
        List<JsonNode> all = new ArrayList<>();
        Optional<String> latest = Optional.empty();
        while (all.size() < MAX_READ) {
            List<String> q = new ArrayList<>(List.of("roomId", channel.value(), "count", Integer.toString(PAGE)));
            oldest.ifPresent(o -> q.addAll(List.of("oldest", o.toString())));
            latest.ifPresent(l -> q.addAll(List.of("latest", l)));
            JsonNode page = rest.get(route, q.toArray(String[]::new)).path("messages");
            page.forEach(all::add);
            if (page.size() < PAGE) {
                break;
            }
            latest = Optional.of(page.get(page.size() - 1).path("ts").asText());
        }
        return all;
    }
}
