package coop.comptoir.e2e.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.RecordedCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Relay latency through the Discord bridge, Comptoir's own share, at a few message rates across 20
 * linked channels. Not a test: the name matches none of surefire's patterns, so only
 * {@code bench/relay.sh} runs it ({@code -Dtest=RelayBench}); it writes one JSON line per direction
 * and rate to {@code -Dbench.out}.
 *
 * <ul>
 * <li>Matrix → Discord: transactions are sent to Comptoir's appservice endpoint as Synapse does
 * (one in flight, every event that queued meanwhile in the next one); from the moment a
 * transaction is sent to the moment the fake Discord receives the REST request carrying the event's
 * text.</li>
 * <li>Discord → Matrix: a user posts on the fake Discord (gateway {@code MESSAGE_CREATE}); until
 * Comptoir's {@code PUT …/send/…} carrying the text reaches {@link HomeserverFront}, which answers
 * it at once (unless {@code -Dbench.synapseSends=true}: then forwarded to Synapse).</li>
 * </ul>
 */
@Tag("bench")
class RelayBench {
    private static final String TOKEN = "bench-discord-bot-token-0123456789abcdef";
    private static final int CHANNELS = 20;
    private static final Pattern M2D = Pattern.compile("m2d-(\\d+)\\b");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void relay() throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "target/relay-bench.jsonl"));
        Assumptions.assumeFalse(Files.exists(out), "already written by this run (surefire's second execution)");
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<Integer> rates = new ArrayList<>();
        for (String r : System.getProperty("bench.rates", "10,50,200").split(",")) {
            rates.add(Integer.parseInt(r.trim()));
        }
        int seconds = Integer.getInteger("bench.seconds", 15);
        boolean synapseSends = Boolean.getBoolean("bench.synapseSends");

        Rig rig = Rig.get();
        String bot = rig.botUserId();
        String[] names = new String[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            names[i] = String.format("c%02d", i);
        }
        try (FakeDiscord discord = FakeDiscord.builder().botToken(TOKEN).guild("Bench", names).user("dana", "Dana")
                .withoutSpec().start();
             HomeserverFront front = new HomeserverFront(rig.synapse().url())) {
            String dana = discord.user("dana").id();
            MatrixTestClient alice = rig.newUser("alice");
            alice.setDisplayName("Alice Bench");
            List<String> rooms = new ArrayList<>();
            List<FakeChannel> channels = new ArrayList<>();
            for (int i = 0; i < CHANNELS; i++) {
                rooms.add(alice.createRoom(bot));
                channels.add(discord.channel(names[i]));
            }
            ComptoirProcess comptoir = rig.comptoir("relay-bench", c -> {
                ((ObjectNode) c.get("homeserver")).put("url", front.url());
                ObjectNode d = c.putArray("plugins").addObject();
                d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                        .put("guild_id", channels.get(0).guildId())
                        .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                        .put("cdn_url", discord.cdnBaseUrl()).put("public_address", rig.appserviceUrl());
                ArrayNode links = d.putArray("links");
                for (int i = 0; i < CHANNELS; i++) {
                    links.addObject().put("room", rooms.get(i)).put("channel", channels.get(i).id());
                }
            });
            comptoir.withEnvironment("JAVA_TOOL_OPTIONS", jvmOptions());
            comptoir.start();
            try {
                for (String room : rooms) {
                    alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
                }
                discord.awaitConnectedClients(1, WAIT);
                long pid = pidOf(comptoir);
                Path config = comptoir.configFile();
                // Warm-up through the real homeserver both ways: webhooks, ghosts, joins, profiles.
                long n = 0;
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < CHANNELS; i++) {
                        long k = n++;
                        alice.sendText(rooms.get(i), "warm m2d-" + (900_000_000L + k));
                        discord.userSays(channels.get(i).id(), dana, "warm d2m-" + (900_000_000L + k));
                    }
                }
                long warm = n;
                awaitAll(() -> countM2d(discord, 900_000_000L, warm) >= warm && countSeen(front, 900_000_000L, warm) >= warm, WAIT);
                System.out.println("BENCH warm-up: m2d " + countM2d(discord, 900_000_000L, warm) + ", d2m "
                        + countSeen(front, 900_000_000L, warm) + " of " + warm);
                front.answerSends(!synapseSends);
                String hsToken = rig.registration().hsToken();
                Sample idle = Sample.start(pid); // the CPU Comptoir uses with nothing to relay, to read the per-message CPU against
                Thread.sleep(10_000);
                write(out, idle.finish("idle_10s", 0, 0, 0, List.of(), "no traffic; the CPU of the phases includes this background"));
                long base = 0;
                for (int rate : rates) {
                    int count = Math.max(300, rate * seconds);
                    write(out, matrixToDiscord(comptoir.url(), hsToken, alice.userId(), rooms, discord, rate, count, base, pid));
                    base += 1_000_000;
                    write(out, discordToMatrix(discord, dana, channels, front, rate, count, base, pid, synapseSends));
                    base += 1_000_000;
                }
            } finally {
                comptoir.stop();
            }
        }
    }

    /** Open loop: a generator enqueues at the rate; one sender posts transactions one at a time, as Synapse. */
    private static String matrixToDiscord(String appservice, String hsToken, String sender, List<String> rooms,
                                          FakeDiscord discord, int rate, int count, long base, long pid) throws Exception {
        discord.clearRecords();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        LinkedBlockingQueue<long[]> queue = new LinkedBlockingQueue<>();
        Map<Long, Instant> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        int[] txns = {0};
        Thread senderThread = new Thread(() -> {
            long done = 0;
            long txn = System.nanoTime();
            try {
                while (done < count) {
                    List<long[]> batch = new ArrayList<>();
                    batch.add(queue.take());
                    queue.drainTo(batch);
                    ObjectNode body = Http.object();
                    ArrayNode events = body.putArray("events");
                    for (long[] e : batch) {
                        long k = e[0];
                        ObjectNode ev = events.addObject();
                        ev.put("type", "m.room.message").put("room_id", rooms.get((int) (k % rooms.size())))
                                .put("sender", sender).put("event_id", "$relaybench" + txn + "_" + k)
                                .put("origin_server_ts", System.currentTimeMillis());
                        ev.putObject("content").put("msgtype", "m.text").put("body", "bench m2d-" + (base + k));
                    }
                    HttpRequest req = HttpRequest.newBuilder(URI.create(appservice + "/_matrix/app/v1/transactions/bench" + (txn++)))
                            .header("Authorization", "Bearer " + hsToken).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                    Instant at = Instant.now();
                    for (long[] e : batch) {
                        sentAt.put(e[0], at);
                    }
                    HttpResponse<String> answer = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException("transaction answered " + answer.statusCode() + ": " + answer.body());
                    }
                    txns[0]++;
                    done += batch.size();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-transactions");
        Sample s = Sample.start(pid);
        senderThread.start();
        long period = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        for (long k = 0; k < count; k++) {
            sleepUntil(t0 + k * period);
            queue.add(new long[] {k});
        }
        double achieved = count / ((System.nanoTime() - t0) / 1e9);
        senderThread.join(WAIT.toMillis());
        awaitAll(() -> countM2d(discord, base, count) >= count, WAIT);
        Map<Long, Instant> arrived = new HashMap<>();
        for (RecordedCall c : discord.requests()) {
            if (c.json() != null && c.method().equals("POST")) {
                Matcher m = M2D.matcher(c.json().path("content").asText(""));
                if (m.find()) {
                    long k = Long.parseLong(m.group(1)) - base;
                    if (k >= 0 && k < count) {
                        arrived.putIfAbsent(k, c.at());
                    }
                }
            }
        }
        List<Long> micros = new ArrayList<>();
        for (Map.Entry<Long, Instant> a : arrived.entrySet()) {
            Instant sent = sentAt.get(a.getKey());
            if (sent != null) {
                micros.add(Duration.between(sent, a.getValue()).toNanos() / 1000);
            }
        }
        return s.finish("matrix_to_discord", rate, achieved, count, micros,
                "transactions=" + txns[0] + "; from transaction sent to Comptoir to REST request received by the fake Discord");
    }

    private static String discordToMatrix(FakeDiscord discord, String dana, List<FakeChannel> channels, HomeserverFront front,
                                          int rate, int count, long base, long pid, boolean synapseSends) throws Exception {
        Map<Long, Instant> postedAt = new HashMap<>();
        Sample s = Sample.start(pid);
        long period = 1_000_000_000L / rate;
        long t0 = System.nanoTime();
        for (long k = 0; k < count; k++) {
            sleepUntil(t0 + k * period);
            postedAt.put(k, Instant.now());
            discord.userSays(channels.get((int) (k % channels.size())).id(), dana, "bench d2m-" + (base + k));
        }
        double achieved = count / ((System.nanoTime() - t0) / 1e9);
        awaitAll(() -> countSeen(front, base, count) >= count, WAIT);
        List<Long> micros = new ArrayList<>();
        for (long k = 0; k < count; k++) {
            Instant at = front.seen(base + k);
            if (at != null) {
                micros.add(Duration.between(postedAt.get(k), at).toNanos() / 1000);
            }
        }
        return s.finish("discord_to_matrix", rate, achieved, count, micros,
                (synapseSends ? "sends forwarded to Synapse" : "sends answered by the front, not Synapse")
                        + "; from the gateway MESSAGE_CREATE posted by the fake Discord to PUT /send received");
    }

    private static long countM2d(FakeDiscord discord, long base, long count) {
        return discord.requests().stream().filter(c -> c.json() != null && c.method().equals("POST"))
                .map(c -> M2D.matcher(c.json().path("content").asText(""))).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1)) - base).filter(k -> k >= 0 && k < count).distinct().count();
    }

    private static long countSeen(HomeserverFront front, long base, long count) {
        long c = 0;
        for (long k = 0; k < count; k++) {
            if (front.seen(base + k) != null) {
                c++;
            }
        }
        return c;
    }

    private static void awaitAll(java.util.function.BooleanSupplier done, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** The options {@code ./comptoir run} uses ({@code config/jvm.options}), without the class data sharing archive. */
    static String jvmOptions() throws java.io.IOException {
        Path jar = Path.of(System.getProperty("comptoir.jar", "../../dist/target/comptoir.jar"));
        Path file = jar.toAbsolutePath().normalize().getParent().getParent().getParent().resolve("config/jvm.options");
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                b.append(b.length() == 0 ? "" : " ").append(t);
            }
        }
        return b.toString();
    }

    static long pidOf(ComptoirProcess comptoir) {
        String config = comptoir.configFile().toString();
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(config))
                .filter(p -> p.info().command().orElse("").endsWith("java"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private static void write(Path out, String line) throws java.io.IOException {
        System.out.println("BENCH " + line);
        Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
