package coop.comptoir.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.testing.discord.FakeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.Request;

/**
 * What a fault scenario sent, and what the witnesses saw of it. Nothing here deduplicates: the
 * witness plugin's file has one line per handler call, the room's {@code /messages} one entry per
 * event, the fake Discord one entry per message created.
 *
 * <p>Three kinds of traffic are tracked: Matrix commands answered by the witness plugin
 * ({@link #command}), Matrix messages bridged to Discord ({@link #toDiscord}) and Discord messages
 * bridged to Matrix ({@link #toMatrix}).
 */
final class FaultLedger {
    private static final Pattern REFUSED = Pattern.compile("comptoir_transactions_total\\{result=\"error\"} ([0-9.E]+)");

    /** A Matrix command: its event ID and the answer text the witness gives. */
    private final Map<String, String> commands = new LinkedHashMap<>();
    /** A Matrix message to cross to Discord: event ID → its text. */
    private final Map<String, String> toDiscord = new LinkedHashMap<>();
    /** Texts said on Discord, to cross to Matrix. */
    private final List<String> toMatrix = new ArrayList<>();

    synchronized void command(String eventId, String answer) {
        commands.put(eventId, answer);
    }

    synchronized void toDiscord(String eventId, String text) {
        toDiscord.put(eventId, text);
    }

    synchronized void toMatrix(String text) {
        toMatrix.add(text);
    }

    synchronized int sent() {
        return commands.size() + toDiscord.size() + toMatrix.size();
    }

    /** Handler calls per event ID, from the witness file (one line per call). */
    static Map<String, Long> handlerCalls(Path witnessFile) {
        try {
            if (!Files.exists(witnessFile)) {
                return Map.of();
            }
            return Files.readAllLines(witnessFile).stream().filter(l -> !l.isBlank() && !l.endsWith("\tend"))
                    .map(l -> l.split("\t", 2)[0])
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Re-runs of a command whose earlier call had finished (its answer sent) in a run that then died:
     * work done whose "handled" mark did not reach the database in time. The other re-runs are of
     * calls cut in the middle by the kill, which at-least-once handling must run again.
     */
    static long rerunsAfterFinishing(Path witnessFile) {
        try {
            if (!Files.exists(witnessFile)) {
                return 0;
            }
            Map<String, List<String[]>> byEvent = Files.readAllLines(witnessFile).stream().filter(l -> !l.isBlank())
                    .map(l -> l.split("\t")).collect(Collectors.groupingBy(f -> f[0], LinkedHashMap::new, Collectors.toList()));
            long n = 0;
            for (List<String[]> lines : byEvent.values()) {
                for (String[] end : lines) {
                    boolean later = end.length > 3 && lines.stream().anyMatch(f -> f.length == 3 && !f[1].equals(end[1])
                            && Long.parseLong(f[2]) > Long.parseLong(end[2]));
                    if (later) {
                        n++;
                    }
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Counts, from the witnesses: the command room's and the bridged room's events (all of them,
     * from {@code /messages}), the Discord channel's messages, and the witness file.
     */
    synchronized Counts count(List<JsonNode> commandRoom, String bot, List<JsonNode> bridgedRoom, String ghostPrefix,
                              List<FakeMessage> channel, Path witnessFile) {
        Map<String, Long> calls = handlerCalls(witnessFile);
        Counts c = new Counts();
        // commands: answers are bot events replying to the command with the expected text
        Map<String, Long> answers = commandRoom.stream().filter(Events.messageFrom(bot))
                .filter(e -> commands.containsKey(Events.inReplyTo(e)))
                .filter(e -> e.path("content").path("body").asText().equals(commands.get(Events.inReplyTo(e))))
                .collect(Collectors.groupingBy(Events::inReplyTo, Collectors.counting()));
        for (String id : commands.keySet()) {
            c.tally("matrix command → plugin answer", id, answers.getOrDefault(id, 0L), calls.getOrDefault(id, 0L));
        }
        Map<String, List<FakeMessage>> onDiscord = channel.stream().filter(FakeMessage::isWebhookMessage)
                .collect(Collectors.groupingBy(m -> m.content().strip()));
        for (Map.Entry<String, String> e : toDiscord.entrySet()) {
            List<FakeMessage> copies = onDiscord.getOrDefault(e.getValue(), List.of());
            // a double says when each copy was created (a Discord ID holds its time), to compare with the kills
            String item = copies.size() < 2 ? e.getValue() : e.getValue() + "' created at " + copies.stream()
                    .map(m -> java.time.Instant.ofEpochMilli((Long.parseLong(m.id()) >>> 22) + 1420070400000L).toString())
                    .toList() + " '";
            c.tally("matrix → discord", item, copies.size(), calls.getOrDefault(e.getKey(), 0L));
        }
        Map<String, List<JsonNode>> fromGhosts = bridgedRoom.stream()
                .filter(e -> "m.room.message".equals(e.path("type").asText()))
                .filter(e -> e.path("sender").asText().startsWith(ghostPrefix))
                .filter(e -> !e.path("content").has("m.new_content"))
                .collect(Collectors.groupingBy(e -> e.path("content").path("body").asText().strip()));
        for (String text : toMatrix) {
            List<JsonNode> events = fromGhosts.getOrDefault(text, List.of());
            long handled = events.stream().mapToLong(e -> calls.getOrDefault(e.path("event_id").asText(), 0L)).sum();
            c.tally("discord → matrix", text, events.size(), events.isEmpty() ? 0 : handled);
        }
        return c;
    }

    /** Whether every item has at least one visible result. */
    synchronized boolean allArrived(List<JsonNode> commandRoom, String bot, List<JsonNode> bridgedRoom, String ghostPrefix,
                                    List<FakeMessage> channel) {
        Set<String> answered = commandRoom.stream().filter(Events.messageFrom(bot)).map(Events::inReplyTo)
                .collect(Collectors.toSet());
        Set<String> onDiscord = channel.stream().filter(FakeMessage::isWebhookMessage).map(m -> m.content().strip())
                .collect(Collectors.toSet());
        Set<String> onMatrix = bridgedRoom.stream().filter(e -> e.path("sender").asText().startsWith(ghostPrefix))
                .map(e -> e.path("content").path("body").asText().strip()).collect(Collectors.toSet());
        return answered.containsAll(commands.keySet()) && onDiscord.containsAll(toDiscord.values())
                && onMatrix.containsAll(toMatrix);
    }

    /**
     * Waits until every command sent to {@code room} is answered there (the command-only scenarios:
     * nothing bridged), polling each second, or {@code patience} is over. Blocks.
     */
    void awaitCommandsAnswered(MatrixTestClient alice, String room, String bot, Duration patience)
            throws InterruptedException {
        Instant until = Instant.now().plus(patience);
        while (Instant.now().isBefore(until) && !allArrived(alice.roomMessages(room), bot, List.of(), "-", List.of())) {
            Thread.sleep(1000);
        }
    }

    /** Transactions Comptoir refused because it could not store them (its public metrics); 0 before the first. */
    static double refusedTransactions(ComptoirProcess comptoir) {
        Http.Answer a = Http.call(new Request.Builder().url(comptoir.url() + "/metrics").build());
        Matcher m = REFUSED.matcher(a.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The texts sent to Discord in the order they were sent. */
    synchronized List<String> toDiscordTexts() {
        return List.copyOf(toDiscord.values());
    }

    synchronized List<String> toMatrixTexts() {
        return List.copyOf(toMatrix);
    }

    /**
     * The tallies of one scenario, per kind of traffic: items sent, lost (no visible result),
     * visible doubles (more than one visible result for one item), handler re-runs (witness calls
     * beyond the first for items whose handler the witness sees).
     */
    static final class Counts {
        final Map<String, long[]> byKind = new LinkedHashMap<>();
        /** The first items lost or seen twice, to say which in a failure. */
        final List<String> problems = new ArrayList<>();

        /** One item: how many visible results it had, how many handler calls the witness saw. */
        void tally(String kind, String item, long visible, long handlerCalls) {
            long[] t = byKind.computeIfAbsent(kind, k -> new long[4]);
            t[0]++;
            if (visible == 0) {
                t[1]++;
            } else if (visible > 1) {
                t[2]++;
            }
            if (visible != 1 && problems.size() < 20) {
                problems.add(kind + " '" + item + "' seen " + visible + " time(s), handled " + handlerCalls + " time(s)");
            }
            if (handlerCalls > 1) {
                t[3] += handlerCalls - 1;
            }
        }

        long total(int column) {
            return byKind.values().stream().mapToLong(t -> t[column]).sum();
        }

        long sent() {
            return total(0);
        }

        long lost() {
            return total(1);
        }

        long visibleDoubles() {
            return total(2);
        }

        long reruns() {
            return total(3);
        }

        /** A few lines for the test output and the reliability table. */
        String report(String scenario, String faults, double recoverSeconds) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%n| %s | %d | %s | %d | %d | %d | %.1f s |%n", scenario, sent(), faults, lost(),
                    visibleDoubles(), reruns(), recoverSeconds));
            byKind.forEach((kind, t) -> sb.append(String.format(
                    "  %-32s sent %4d, lost %d, visible twice %d, handler re-runs (deduplicated downstream) %d%n",
                    kind, t[0], t[1], t[2], t[3])));
            problems.forEach(p -> sb.append("  ! ").append(p).append('\n'));
            return sb.toString();
        }
    }
}
