package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.plugin.WitnessPlugin;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5: the SQLite database cannot be written (its files made immutable; then a full disk)
 * while commands flow. Comptoir must refuse the homeserver's transactions meanwhile (503: Synapse
 * sends them again), not acknowledge and lose them; say why in its log once, not once per
 * transaction; and go on by itself once the files can be written again. Long variant (2 minutes)
 * with {@code -Dcomptoir.faults=long}.
 *
 * <p>Read-only: {@code chattr +i} on the database file and its write-ahead log. The process runs as
 * root here, which file modes do not stop; an immutable file refuses every write, through file
 * descriptors already open too (EPERM), as a file system gone read-only does (EROFS). Disk full: a
 * size-limited tmpfs holds {@code data_dir}, filled up by the test, then emptied.
 */
@Tag("faults")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StorageFaultsE2ETest {
    private static final boolean LONG = "long".equals(System.getProperty("comptoir.faults"));
    private static final Duration OUTAGE = Duration.ofSeconds(LONG ? 120 : 15);

    private final Rig rig = Rig.get();
    private final String bot = rig.botUserId();
    private ComptoirProcess comptoir;
    private final List<Runnable> cleanUps = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (comptoir != null) {
                comptoir.stop();
            }
        } finally {
            for (int i = cleanUps.size() - 1; i >= 0; i--) {
                cleanUps.get(i).run();
            }
        }
    }

    @Test
    void databaseFilesReadOnlyAreRefusedNotLostLoggedOnceAndRecoveredAlone() throws Exception {
        Path data = Files.createTempDirectory("comptoir-e2e-readonly"); // not wiped by the rig: see the disk-full test
        assumeTrue(run("chattr", "-i", data.toString()) == 0 || failInCi("chattr does not work on " + data),
                "chattr does not work on " + data);
        Path db = data.resolve("comptoir.db");
        List<Path> files = List.of(db, data.resolve("comptoir.db-wal"));
        cleanUps.add(() -> files.forEach(f -> run("chattr", "-i", f.toString())));
        scenario("SQLite files read-only", "chattr +i on comptoir.db and its -wal", data,
                () -> files.forEach(f -> check(run("chattr", "+i", f.toString()), "chattr +i " + f)),
                () -> files.forEach(f -> check(run("chattr", "-i", f.toString()), "chattr -i " + f)));
    }

    @Test
    void diskFullIsRefusedNotLostLoggedOnceAndRecoveredAlone() throws Exception {
        // a folder of its own each time (not under the rig's folder, which is wiped: a mount point left
        // by a killed run would stop that); unmounted after the test, or when the JVM stops
        Path data = Files.createTempDirectory("comptoir-e2e-full");
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "comptoir-e2e-full", data.toString()) == 0;
        assumeTrue(mounted || failInCi("cannot mount a tmpfs (root needed)"), "cannot mount a tmpfs: not root?");
        Thread unmount = new Thread(() -> run("umount", "-l", data.toString()), "e2e-unmount-full-disk");
        Runtime.getRuntime().addShutdownHook(unmount);
        cleanUps.add(() -> {
            run("umount", "-l", data.toString());
            Runtime.getRuntime().removeShutdownHook(unmount);
        });
        Path filler = data.resolve("filler");
        scenario("disk full", "data_dir on a 24 MiB tmpfs filled up", data,
                () -> fill(filler),
                () -> {
                    try {
                        Files.delete(filler);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /**
     * Commands every 250 ms; {@code breakIt} after 3 s, {@code heal} after {@link #OUTAGE}, 3 s
     * more; then every command must be answered once, by the same process.
     */
    private void scenario(String name, String fault, Path dataDir, Runnable breakIt, Runnable heal) throws Exception {
        Path witness = Files.createTempDirectory("witness").resolve("calls.tsv");
        comptoir = rig.comptoir("faults-" + name.replace(' ', '-'), c -> {
            c.remove("database");
            c.put("data_dir", dataDir.toString());
            c.putObject("admin").put("public_metrics", true);
            c.withArray("plugins").addObject().put("type", "witness").put("file", witness.toString());
        }).start();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        FaultLedger ledger = new FaultLedger();
        int n = 0;
        Instant breakAt = Instant.now().plusSeconds(3);
        Instant healAt = breakAt.plus(OUTAGE);
        Instant stopAt = healAt.plusSeconds(3);
        boolean broken = false;
        double errorsBefore = FaultLedger.refusedTransactions(comptoir);
        double errorsDuring = 0;
        int logLinesBefore = 0;
        String logDuring = "";
        Instant healed = null;
        while (Instant.now().isBefore(stopAt)) {
            if (!broken && Instant.now().isAfter(breakAt)) {
                logLinesBefore = (int) comptoir.logText().lines().count();
                breakIt.run();
                broken = true;
            }
            if (broken && healed == null && Instant.now().isAfter(healAt)) {
                errorsDuring = FaultLedger.refusedTransactions(comptoir) - errorsBefore;
                logDuring = comptoir.logText().lines().skip(logLinesBefore).reduce("", (a, b) -> a + b + "\n");
                heal.run();
                healed = Instant.now();
            }
            ledger.command(alice.sendText(room, WitnessPlugin.COMMAND + "s" + n), WitnessPlugin.ANSWER + "s" + n);
            n++;
            Thread.sleep(250);
        }
        ledger.awaitCommandsAnswered(alice, room, bot, Duration.ofSeconds(LONG ? 600 : 120));
        double recovered = Duration.between(healed, Instant.now()).toMillis() / 1000.0;
        double storedAgain = secondsToTheLogLine(comptoir.logText(), "The database works again", healed);
        Thread.sleep(3000);
        FaultLedger.Counts counts = ledger.count(alice.roomMessages(room), bot, List.of(), "-", List.of(), witness);
        List<String> problems = logDuring.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        String report = counts.report(name + " " + OUTAGE.toSeconds() + " s", fault + ", " + OUTAGE.toSeconds() + " s; "
                + (long) errorsDuring + " transactions refused meanwhile; " + problems.size() + " warning/error line(s) logged"
                + "; the first transaction stored " + storedAgain + " s after the repair", recovered);
        System.out.println("faults report:" + report);
        String why = report + "\nlogged during the fault:\n" + String.join("\n", problems) + "\nComptoir log " + comptoir.logFile();
        assertThat(counts.lost()).as(why).isZero();
        assertThat(counts.visibleDoubles()).as(why).isZero();
        assertThat(errorsDuring).as("transactions refused while the database could not be written; " + why).isGreaterThanOrEqualTo(3);
        assertThat(problems).as("the cause is logged once, not once per refused transaction; " + why).hasSizeLessThanOrEqualTo(3);
        assertThat(comptoir.isRunning()).as("still the same process: recovered alone").isTrue();
        // Synapse's own retry would come 2 s, 4 s, 8 s, 16 s … after each refusal: Comptoir asks it to retry sooner
        assertThat(storedAgain).as("seconds from the files writable again to a transaction stored (-1: never logged); " + why)
                .isBetween(0.0, 12.0);
        if (!LONG) {
            // After 2 minutes the backlog (about 480 commands) takes longer to answer than to be sent again
            assertThat(recovered).as("seconds from the files writable again to every command answered; " + why)
                    .isLessThan(12.0);
        }
    }

    /** Seconds from {@code since} to the first line of the log (times of day, UTC) holding {@code text}; -1 if none. */
    static double secondsToTheLogLine(String log, String text, Instant since) {
        java.time.LocalTime from = since.atZone(java.time.ZoneOffset.UTC).toLocalTime();
        return log.lines().filter(l -> l.contains(text) && l.length() > 12).findFirst().map(l -> {
            long ms = Duration.between(from, java.time.LocalTime.parse(l.substring(0, 12))).toMillis();
            return (ms < -12L * 3600 * 1000 ? ms + 24L * 3600 * 1000 : ms) / 1000.0;
        }).orElse(-1.0);
    }

    /** Writes zeros until the file system is full. */
    private static void fill(Path filler) {
        ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (true) {
                zeros.clear();
                ch.write(zeros);
            }
        } catch (IOException full) {
            // No space left on device: as wanted
        }
    }

    private static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(what + " failed with status " + status);
        }
    }

    private static boolean failInCi(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + why);
        }
        return false;
    }
}
