package coop.comptoir.e2e.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History import ({@code !bridge import}) from the fake Discord: rate, Comptoir's CPU per message and
 * its resident memory, for channels of growing size imported one after the other by one process
 * (so a peak that does not move between sizes shows memory does not grow with the history).
 First {@code -Dbench.synapseSize} (default 2000) messages are imported into the real Synapse,
 * with Synapse's CPU beside Comptoir's, to show the bottleneck; then sizes {@code -Dbench.sizes}
 * (default 20000,100000) with Comptoir's sends answered by {@link HomeserverFront} (Comptoir
 * alone). An import that takes more than {@code -Dbench.maxSeconds} (420) is written with what
 * arrived, and the run stops there.
 * Only {@code bench/import.sh} runs it; one JSON line per import to {@code -Dbench.out}.
 */
@Tag("bench")
class ImportBench {
    private static final String TOKEN = "bench-discord-bot-token-0123456789abcdef";

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void importHistory() throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "target/import-bench.jsonl"));
        Assumptions.assumeFalse(Files.exists(out), "already written by this run (surefire's second execution)");
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<Integer> sizes = new ArrayList<>();
        for (String s : System.getProperty("bench.sizes", "20000,100000").split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        int synapseSize = Integer.getInteger("bench.synapseSize", 2000);
        int maxSeconds = Integer.getInteger("bench.maxSeconds", 420);
        List<Integer> all = new ArrayList<>();
        if (synapseSize > 0) {
            all.add(synapseSize); // first: into the real Synapse
        }
        all.addAll(sizes);
        Rig rig = Rig.get();
        String bot = rig.botUserId();
        String[] names = new String[all.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = "history" + i;
        }
        try (FakeDiscord discord = FakeDiscord.builder().botToken(TOKEN).guild("Bench", names).user("dana", "Dana")
                .withoutSpec().start();
             HomeserverFront front = new HomeserverFront(rig.synapse().url())) {
            String dana = discord.user("dana").id();
            List<FakeChannel> channels = new ArrayList<>();
            long base = 10_000_000L;
            List<Long> bases = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                FakeChannel ch = discord.channel(names[i]);
                channels.add(ch);
                bases.add(base);
                for (int k = 0; k < all.get(i); k++) {
                    discord.postWhileOffline(ch.id(), dana, "history d2m-" + (base + k));
                }
                base += 10_000_000L;
            }
            MatrixTestClient alice = rig.newUser("alice");
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                rooms.add(alice.createRoom(bot));
            }
            ComptoirProcess comptoir = rig.comptoir("import-bench", c -> {
                ((ObjectNode) c.get("homeserver")).put("url", front.url());
                c.putObject("commands").putArray("admins").add(alice.userId());
                ObjectNode d = c.putArray("plugins").addObject();
                d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                        .put("guild_id", channels.get(0).guildId())
                        .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                        .put("cdn_url", discord.cdnBaseUrl()).put("public_address", rig.appserviceUrl());
            });
            comptoir.withEnvironment("JAVA_TOOL_OPTIONS", RelayBench.jvmOptions());
            comptoir.start();
            try {
                for (String room : rooms) {
                    alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(60));
                }
                discord.awaitConnectedClients(1, Duration.ofSeconds(60));
                long pid = RelayBench.pidOf(comptoir);
                long synapsePid = ProcessHandle.current().descendants()
                        .filter(p -> p.info().commandLine().orElse("").contains("synapse.app"))
                        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
                for (int i = 0; i < all.size(); i++) {
                    boolean toSynapse = synapseSize > 0 && i == 0;
                    front.answerSends(!toSynapse);
                    alice.sendText(rooms.get(i), "!bridge link discord " + channels.get(i).id());
                    alice.awaitEvent(rooms.get(i), Events.bodyContains(channels.get(i).name()), Duration.ofSeconds(60));
                    int size = all.get(i);
                    long b = bases.get(i);
                    long synapseCpu = Sample.cpuTicks(synapsePid);
                    Sample s = Sample.start(pid);
                    long t0 = System.nanoTime();
                    alice.sendText(rooms.get(i), "!bridge import");
                    long seen = 0;
                    long lastProgress = System.nanoTime();
                    while (seen < size) {
                        Thread.sleep(1000);
                        long now = countSeen(front, b, size);
                        if (now > seen) {
                            lastProgress = System.nanoTime();
                        } else if (System.nanoTime() - lastProgress > TimeUnit.MINUTES.toNanos(2)) {
                            break; // stalled: written as lost
                        }
                        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(maxSeconds)) {
                            break; // time cap: written with what arrived, and no further size
                        }
                        seen = now;
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    String line = s.finish("import", 0, seen / secs, size, List.of(),
                            (toSynapse ? "sends forwarded to Synapse; synapse_cpu_ms="
                                    + (Sample.cpuTicks(synapsePid) - synapseCpu) * 10
                                    : "sends answered by the front, not Synapse")
                                    + "; messages/s from !bridge import to the last PUT /send received; wall_s=" + Math.round(secs));
                    line = line.replace("\"channels\":20,", "\"channels\":1,").replace("\"arrived\":0,\"lost\":" + size, "\"arrived\":" + seen + ",\"lost\":" + (size - seen));
                    System.out.println("BENCH " + line);
                    Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    if (seen < size) {
                        break; // the rest of this import would run under the next one
                    }
                }
            } finally {
                comptoir.stop();
            }
        }
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
}
