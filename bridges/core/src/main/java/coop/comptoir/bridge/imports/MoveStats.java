package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the move stands in each bridged channel, computed from the messages the bridges carried:
 * who wrote in the last {@link #WINDOW} from each side, the share of messages written from Matrix,
 * who still writes only from the old network, and the messages of each side week by week over the
 * last {@link #WEEKS} weeks (the chart). Pure: no I/O, the same input gives the same numbers.
 *
 * <p>A person who writes from the old network is one of the bridge's ghosts; a person who writes
 * from Matrix is a Matrix account. A ghost whose remote account was linked to a Matrix account
 * ({@code !link}) counts as <em>moved</em>: their old-network messages still count as written there
 * (the share of messages tells what happens), but the person is not among those still there.
 */
final class MoveStats {
    /** The window of "who is active": the last 30 days. */
    static final Duration WINDOW = Duration.ofDays(30);
    /** The weeks the chart shows, the current one last. */
    static final int WEEKS = 12;

    /** A bridged channel: the bridge instance, its Matrix room and the remote channel's ID. */
    record Portal(String instance, RoomId room, String channelId) {}

    /**
     * One message that crossed a bridge.
     *
     * @param fromMatrix true when written on Matrix (and carried to the old network)
     * @param sender     the Matrix account, or the ghost standing for the old network's person
     * @param sentAt     when it was written
     */
    record Message(String instance, RoomId room, boolean fromMatrix, UserId sender, Instant sentAt) {}

    /**
     * The numbers of one channel.
     *
     * @param matrixPeople   people who wrote from Matrix in the window
     * @param oldPeople      people who wrote from the old network in the window
     * @param matrixMessages messages written from Matrix in the window
     * @param oldMessages    messages written from the old network in the window
     * @param stillOld       who wrote from the old network in the window, most messages first
     * @param weeks          per week (oldest first, {@link #WEEKS} of them): {messages from Matrix, from the old network}
     */
    record Channel(Portal portal, int matrixPeople, int oldPeople, int matrixMessages, int oldMessages,
                   List<UserId> stillOld, int moved, List<int[]> weeks) {
        /** The share of the window's messages written from Matrix, 0 to 100 (rounded); 0 without messages. */
        int matrixPercent() {
            int all = matrixMessages + oldMessages;
            return all == 0 ? 0 : (int) Math.round(100.0 * matrixMessages / all);
        }
    }

    private MoveStats() {}

    /** How a linked ghost is named in {@code compute}'s {@code linked}. */
    static String linkKey(String instance, UserId ghost) {
        return instance + "|" + ghost.value();
    }

    /** The oldest time the numbers look at: the start of the chart's first week. */
    static Instant since(Instant now) {
        return now.minus(Duration.ofDays(7L * WEEKS));
    }

    /**
     * The numbers of each portal, in the order given. Messages of rooms that are no portal, or older
     * than {@link #since}, or later than {@code now}, are left out.
     */
    static List<Channel> compute(List<Portal> portals, List<Message> messages, Instant now) {
        return compute(portals, messages, Set.of(), now);
    }

    /**
     * Same, {@code linked} holding the ghosts whose account is linked to Matrix, as
     * {@code instance|ghost user ID} ({@link #linkKey}).
     */
    static List<Channel> compute(List<Portal> portals, List<Message> messages, Set<String> linked, Instant now) {
        Instant windowStart = now.minus(WINDOW);
        Instant chartStart = since(now);
        Map<String, List<Message>> byPortal = new HashMap<>();
        for (Message m : messages) {
            if (!m.sentAt().isBefore(chartStart) && !m.sentAt().isAfter(now)) {
                byPortal.computeIfAbsent(m.instance() + "|" + m.room().value(), k -> new ArrayList<>()).add(m);
            }
        }
        List<Channel> out = new ArrayList<>();
        for (Portal p : portals) {
            List<Message> ms = byPortal.getOrDefault(p.instance() + "|" + p.room().value(), List.of());
            Set<UserId> matrixPeople = new HashSet<>();
            Map<UserId, Integer> oldPeople = new LinkedHashMap<>();
            int matrixMessages = 0;
            int oldMessages = 0;
            List<int[]> weeks = new ArrayList<>();
            for (int i = 0; i < WEEKS; i++) {
                weeks.add(new int[2]);
            }
            for (Message m : ms) {
                long ageMs = Duration.between(m.sentAt(), now).toMillis();
                int week = WEEKS - 1 - (int) (ageMs / Duration.ofDays(7).toMillis());
                if (week >= 0) {
                    weeks.get(week)[m.fromMatrix() ? 0 : 1]++;
                }
                if (m.sentAt().isBefore(windowStart)) {
                    continue;
                }
                if (m.fromMatrix()) {
                    matrixMessages++;
                    matrixPeople.add(m.sender());
                } else {
                    oldMessages++;
                    oldPeople.merge(m.sender(), 1, Integer::sum);
                }
            }
            int moved = (int) oldPeople.keySet().stream().filter(u -> linked.contains(linkKey(p.instance(), u))).count();
            List<UserId> stillOld = oldPeople.entrySet().stream()
                    .filter(e -> !linked.contains(linkKey(p.instance(), e.getKey())))
                    .sorted(Map.Entry.<UserId, Integer>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(e -> e.getKey().value()))
                    .map(Map.Entry::getKey).toList();
            out.add(new Channel(p, matrixPeople.size(), oldPeople.size(), matrixMessages, oldMessages, stillOld, moved,
                    List.copyOf(weeks)));
        }
        return out;
    }
}
