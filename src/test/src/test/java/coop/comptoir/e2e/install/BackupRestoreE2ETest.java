package coop.comptoir.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Ports;
import coop.comptoir.e2e.rig.Rig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backup and restore as the admin guide says, without stopping Comptoir: the running instance
 * writes a snapshot of its SQLite database into {@code backups/} on a schedule
 * ({@code backup.every}, {@code backup.keep}) while commands keep coming in; later one snapshot
 * taken while they flowed is restored alone into a fresh data folder and started. Every command
 * gets exactly one answer, counted in the room (the homeserver's view): those answered before the
 * snapshot, those answered while and after it was taken by the old instance, those sent while
 * nothing ran; and a transaction handled before the snapshot, delivered again to the restored
 * instance, is recognised from the restored journal and not handled twice (counted on
 * {@code /count}, which sees every event handled, not in the room, where the homeserver would drop
 * a repeated answer). Old snapshots beyond {@code keep} are removed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackupRestoreE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Rig rig = Rig.get();

    @Test
    void aBackupOfARunningInstanceRestoresWithoutHandlingATransactionTwice() throws Exception {
        Path sqlite3 = RepoFiles.program("/usr/bin/sqlite3", "sqlite3");
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        Path backupDir = rig.freshDir("backup-copies");
        Path restoredDir = rig.freshDir("backup-restored");

        int originalAdminPort = Ports.freeLoopbackPort();
        ComptoirProcess original = rig.comptoir("backup-original", c -> {
            c.putObject("backup").put("every", "1s").put("keep", 2);
            c.putObject("admin").put("bind", "127.0.0.1").put("port", originalAdminPort);
        }).start();
        Path snapshots = original.configFile().resolveSibling("backups");
        Path backup = backupDir.resolve("comptoir.db");
        List<String> pings = new ArrayList<>();
        try {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
            for (int n = 1; n <= 3; n++) {
                pings.add(pingAndWait(alice, room, bot, "!ping avant " + n));
            }
            // commands keep coming while the running instance takes its snapshots: a copy of the
            // first snapshot finished after the third answer is the backup
            Instant answered = Instant.now();
            for (int n = 1; n <= 4; n++) {
                pings.add(alice.sendText(room, "!ping pendant " + n));
                Thread.sleep(300);
            }
            Path snapshot = awaitSnapshotAfter(snapshots, answered);
            Files.copy(snapshot, backup);
            for (int n = 1; n <= 2; n++) {
                pings.add(pingAndWait(alice, room, bot, "!ping après " + n));
            }
            awaitAnswers(alice, room, bot, pings);
            Thread.sleep(2500); // a few more snapshots: the oldest go
            try (var listing = Files.list(snapshots)) {
                assertThat(listing.filter(f -> f.getFileName().toString().endsWith(".db")).count())
                        .as("snapshots kept (backup.keep)").isEqualTo(2);
            }
            assertThat(original.logText()).contains("Backup: snapshot").doesNotContain("ERROR");
            // what monitoring sees: the time of the last snapshot, no failure
            String metrics = Http.call(new Request.Builder().url("http://127.0.0.1:" + originalAdminPort + "/metrics").build()).body();
            assertThat(metrics).contains("comptoir_backup_failures_total 0.0")
                    .containsPattern("comptoir_backup_last_snapshot_timestamp_seconds [1-9]");
        } finally {
            original.stop();
        }
        for (int n = 1; n <= 2; n++) {
            pings.add(alice.sendText(room, "!ping arrêté " + n)); // delivered once the restored one runs
        }

        // restore: the snapshot alone in a fresh folder
        Files.copy(backup, restoredDir.resolve("comptoir.db"));
        String replayTxn = handledTxnOf(sqlite3, restoredDir.resolve("comptoir.db"), pings.subList(0, 3));
        int adminPort = Ports.freeLoopbackPort();
        ComptoirProcess restored = rig.comptoir("backup-restored-run", c -> {
            ((ObjectNode) c.get("database")).put("url", "jdbc:sqlite:" + restoredDir.resolve("comptoir.db"));
            c.putObject("admin").put("bind", "127.0.0.1").put("port", adminPort);
        }).start();
        try {
            awaitAnswers(alice, room, bot, pings);
            Thread.sleep(2000); // the bot's own answers come back as events too: let them pass
            long handledBefore = handled(adminPort);
            // the homeserver delivers again a transaction handled before the backup
            JsonNode event = alice.roomMessages(room).stream()
                    .filter(e -> e.path("event_id").asText().equals(replayTxn.split(" ", 2)[1])).findFirst().orElseThrow();
            ObjectNode body = Http.object();
            body.putArray("events").add(event);
            Http.Answer answer = Http.call(new Request.Builder()
                    .url(restored.url() + "/_matrix/app/v1/transactions/" + replayTxn.split(" ", 2)[0])
                    .header("Authorization", "Bearer " + rig.registration().hsToken())
                    .put(RequestBody.create(Http.JSON.writeValueAsBytes(body), Http.JSON_TYPE)).build());
            assertThat(answer.status()).as("%s", answer).isEqualTo(200);
            Thread.sleep(3000);
            // the witness that keeps every call: the events Comptoir's handlers saw (the homeserver
            // would drop a repeated answer, as it drops a repeated transaction ID)
            assertThat(handled(adminPort)).as("events handled, before and after the replay").isEqualTo(handledBefore);

            Map<String, Long> answers = countAnswers(alice.roomMessages(room), bot, pings);
            assertThat(pings).as("every command answered; log %s", restored.logFile()).allMatch(answers::containsKey);
            assertThat(answers).as("answers per command; log %s", restored.logFile()).allSatisfy((cmd, count) ->
                    assertThat(count).as(cmd).isEqualTo(1L));
            assertThat(restored.logText()).doesNotContain("ERROR");
        } finally {
            restored.stop();
        }
    }

    @Test
    void anAdminTakesASnapshotNowWithTheCommand() throws Exception {
        Path sqlite3 = RepoFiles.program("/usr/bin/sqlite3", "sqlite3");
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        int adminPort = Ports.freeLoopbackPort();
        ComptoirProcess comptoir = rig.comptoir("backup-command", c -> {
            c.putObject("backup").put("every", "0s"); // no schedule: only the command
            c.putObject("admin").put("bind", "127.0.0.1").put("port", adminPort);
        });
        Path dir = comptoir.configFile().getParent();
        String config = comptoir.configFile().toString();
        comptoir.start();
        try {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
            String ping = pingAndWait(alice, room, bot, "!ping avant la copie");

            var result = rig.cli().run(dir, dir.resolve("backup-cli.log"), WAIT, "backup", "--config", config);

            assertThat(result.exitCode()).as(result.output()).isZero();
            Path snapshot = Path.of(result.output().strip().lines().filter(l -> l.startsWith("Snapshot written: "))
                    .findFirst().orElseThrow().substring("Snapshot written: ".length()));
            assertThat(snapshot.getParent()).isEqualTo(dir.resolve("backups"));
            assertThat(handledTxnOf(sqlite3, snapshot, List.of(ping))).endsWith(ping);
            // only on the admin listener, only with the token
            Http.Answer onPublic = Http.call(new Request.Builder().url(comptoir.url() + "/backup")
                    .header("Authorization", "Bearer " + rig.registration().hsToken())
                    .post(RequestBody.create(new byte[0])).build());
            assertThat(onPublic.status()).isEqualTo(404);
            Http.Answer noToken = Http.call(new Request.Builder().url("http://127.0.0.1:" + adminPort + "/backup")
                    .post(RequestBody.create(new byte[0])).build());
            assertThat(noToken.status()).isEqualTo(401);
        } finally {
            comptoir.stop();
        }
        var stopped = rig.cli().run(dir, dir.resolve("backup-cli-stopped.log"), WAIT, "backup", "--config", config);
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.output()).contains("does not answer").contains("sqlite3");
    }

    /** The first complete snapshot in {@code folder} whose file was written after {@code after}. */
    private static Path awaitSnapshotAfter(Path folder, Instant after) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(folder)) {
                try (var listing = Files.list(folder)) {
                    var found = listing.filter(f -> f.getFileName().toString().matches("comptoir-.*\\.db"))
                            .filter(f -> modified(f).isAfter(after)).sorted().findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no snapshot in " + folder + " after " + after);
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (java.io.IOException e) {
            return Instant.MIN; // removed meanwhile (backup.keep)
        }
    }

    /** {@code /count} of the admin listener: the events the handlers saw. */
    private static long handled(int adminPort) {
        Http.Answer count = Http.call(new Request.Builder().url("http://127.0.0.1:" + adminPort + "/count").build());
        assertThat(count.status()).as("%s", count).isEqualTo(200);
        return count.json().path("events").asLong();
    }

    private static String pingAndWait(MatrixTestClient alice, String room, String bot, String text) {
        String id = alice.sendText(room, text);
        alice.awaitEvent(room, Events.messageFrom(bot).and(e -> id.equals(Events.inReplyTo(e))), WAIT);
        return id;
    }

    /**
     * {@code "txnId eventId"} of a transaction handled before the backup that carried one of
     * {@code events} alone, found in the restored journal by its fingerprint (SHA-256 of the event ID
     * and a NUL, see TransactionBody).
     */
    private static String handledTxnOf(Path sqlite3, Path database, List<String> events) throws Exception {
        for (String eventId : events) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(eventId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            String hash = HexFormat.of().formatHex(sha.digest());
            String txn = run(sqlite3.toString(), database.toString(),
                    "SELECT txn_id FROM core_txn WHERE handled = 1 AND body_hash = '" + hash + "'").strip();
            if (!txn.isEmpty()) {
                return txn.lines().findFirst().orElseThrow() + " " + eventId;
            }
        }
        throw new AssertionError("no transaction of the backup carried one of " + events + " alone: "
                + run(sqlite3.toString(), database.toString(), "SELECT txn_id, body_hash, handled FROM core_txn"));
    }

    private static void awaitAnswers(MatrixTestClient alice, String room, String bot, List<String> pings)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!countAnswers(alice.roomMessages(room), bot, pings).keySet().containsAll(pings)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
        }
    }

    private static Map<String, Long> countAnswers(List<JsonNode> events, String bot, List<String> commands) {
        return events.stream()
                .filter(Events.messageFrom(bot))
                .map(Events::inReplyTo)
                .filter(commands::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Runs a command, returns its output; fails on a non-zero status. */
    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
