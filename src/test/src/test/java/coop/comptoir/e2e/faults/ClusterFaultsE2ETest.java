package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.plugin.WitnessPlugin;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PluginClock;
import coop.comptoir.e2e.rig.Ports;
import coop.comptoir.e2e.rig.PostgresSchema;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 7: two Comptoir processes on one PostgreSQL database (Quartz clustered, as
 * {@code scheduler.clustered} documents), both with the shifts plugin and the witness plugin's jobs.
 * Shift reminders and witness jobs fall due while the test runs; one process is killed (SIGKILL)
 * in the middle. Every reminder reaches the room once (counted on the room's events) and every
 * job runs once (counted in the witness's file: one line per run, whichever process ran it); the
 * jobs due after the kill run in the survivor within the cluster's failure detection (check-in
 * every 10 s, Quartz adds 7.5 s).
 *
 * <p>Appservice transactions: only the registration's URL receives them, so the second process is
 * a standby for them (its port is its own; the homeserver never calls it). It sends (reminders,
 * jobs) as the first one does. Needs {@code COMPTOIR_TEST_PG_URL}; makes and drops its own schema.
 */
@Tag("faults")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterFaultsE2ETest {
    private static final boolean LONG = "long".equals(System.getProperty("comptoir.faults"));
    /** Quartz declares a member dead 10 s (check-in) + 7.5 s after its last check-in; then a slack for the loaded machine. */
    private static final Duration TAKE_OVER = Duration.ofSeconds(35);

    @Test
    void twoProcessesOnPostgresFireEachJobOnceAndTheSurvivorCarriesOn() throws Exception {
        PostgresSchema schema = PostgresSchema.create("cluster");
        String url = schema.url();
        int shifts = LONG ? 10 : 8;
        int jobs = LONG ? 40 : 16;
        long every = 2500;

        Rig rig = Rig.get();
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        Path dir = rig.freshDir("faults-cluster");
        Path yaml = dir.resolve("shifts.yaml");
        Files.writeString(yaml, FaultsE2ETest.shiftTemplates(shifts, alice.userId()));
        PluginClock clock = new PluginClock(dir.resolve("clock"));
        clock.set(Instant.parse("2026-06-06T04:00:00Z"));
        Path jobsFile = dir.resolve("jobs.tsv");
        long firstJob = System.currentTimeMillis() + 30_000;
        int secondPort = Ports.freeLoopbackPort();

        ComptoirProcess one = null;
        ComptoirProcess two = null;
        try {
            one = clock.applyTo(rig.comptoir("cluster-1", c -> configure(c, url, yaml, room, dir.resolve("w1.tsv"),
                    jobsFile, firstJob, jobs, every))).start();
            alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(40));
            two = clock.applyTo(rig.comptoir("cluster-2", c -> {
                configure(c, url, yaml, room, dir.resolve("w2.tsv"), jobsFile, firstJob, jobs, every);
                ((ObjectNode) c.get("appservice")).put("port", secondPort);
            })).start();
            assertThat(one.logText() + two.logText()).contains("Scheduler started: PostgreSQL, clustered");

            // the plugin clock moves one minute every 2.5 s: one reminder falls due at each step
            Thread.sleep(Math.max(0, firstJob - System.currentTimeMillis()));
            Instant killedAt = null;
            ComptoirProcess killed = null;
            for (int step = 0; step < shifts; step++) {
                clock.set(Instant.parse("2026-06-06T05:00:00Z").plus(Duration.ofMinutes(step)).minusSeconds(1));
                if (step == shifts / 2) {
                    // kill the process that has taken the next job (Quartz's "acquired" row): the worst moment
                    String node = acquiredBy(url, Duration.ofSeconds(10));
                    killed = one.logText().contains("node " + node) ? one : two;
                    killed.kill();
                    killedAt = Instant.now();
                }
                Thread.sleep(every);
            }
            long lastDue = firstJob + (jobs - 1) * every;
            Thread.sleep(Math.max(0, lastDue - System.currentTimeMillis()));
            Events.await(() -> jobRuns(jobsFile).size() >= jobs
                    && FaultsE2ETest.reminders(alice.roomMessages(room)).size() >= shifts,
                    TAKE_OVER.plusSeconds(20), "every job and reminder");
            Thread.sleep(5000);

            // reminders: every event of the room, per shift
            Map<String, Long> perShift = FaultsE2ETest.reminders(alice.roomMessages(room));
            // jobs: every run, per key
            List<String[]> runs = jobRuns(jobsFile);
            Map<String, Long> perJob = runs.stream().collect(Collectors.groupingBy(f -> f[0], Collectors.counting()));
            long jobsLost = jobs - perJob.size();
            long jobDoubles = perJob.values().stream().filter(n -> n > 1).count();
            long reminderDoubles = perShift.values().stream().filter(n -> n > 1).count();
            long remindersLost = shifts - perShift.size();
            long kill = killedAt.toEpochMilli();
            long worstAfterKill = runs.stream().filter(f -> Long.parseLong(f[3]) >= kill - 1000)
                    .mapToLong(f -> Long.parseLong(f[2]) - Long.parseLong(f[3])).max().orElse(0);
            long earlyRuns = runs.stream().filter(f -> Long.parseLong(f[2]) < Long.parseLong(f[3]) - 50).count();
            List<String> late = runs.stream().filter(f -> Long.parseLong(f[2]) - Long.parseLong(f[3]) > 1500)
                    .map(f -> f[0] + " +" + (Long.parseLong(f[2]) - Long.parseLong(f[3])) + " ms").toList();
            String report = String.format("%n| 7. two processes on PostgreSQL, one killed | %d jobs + %d reminders | 1 SIGKILL"
                            + " (%s) | %d | %d | %d | %.1f s |%n  jobs: %s%n  reminders: %s%n"
                            + "  runs more than 1.5 s late: %s%n", jobs, shifts,
                    killed == one ? "of the registration's process" : "of the standby", jobsLost + remindersLost,
                    jobDoubles + reminderDoubles, runs.size() - perJob.size(), worstAfterKill / 1000.0, perJob, perShift, late);
            System.out.println("faults report:" + report);
            String why = report + "\nlogs " + one.logFile() + " " + two.logFile() + ", jobs " + jobsFile;
            assertThat(perShift).as("each shift reminded once; " + why).hasSize(shifts).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
            assertThat(perJob).as("each job run once; " + why).hasSize(jobs).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
            assertThat(earlyRuns).as("jobs run before they were due; " + why).isZero();
            assertThat(worstAfterKill).as("the survivor runs the jobs within the cluster's failure detection; " + why)
                    .isLessThanOrEqualTo(TAKE_OVER.toMillis());
            assertThat(runs.stream().filter(f -> Long.parseLong(f[2]) > kill).map(f -> f[1]).distinct().count())
                    .as("after the kill, one process (the survivor) runs the jobs").isEqualTo(1);
        } finally {
            if (two != null) {
                two.stop();
            }
            if (one != null) {
                one.stop();
            }
            schema.close();
        }
    }

    /**
     * The Quartz node (as its log names it) that holds a witness job due in a second or more, waiting
     * to run it (an acquired row names the trigger, not yet the job's group).
     */
    private static String acquiredBy(String url, Duration within) throws Exception {
        Instant until = Instant.now().plus(within);
        java.util.Set<String> seen = new java.util.TreeSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            while (Instant.now().isBefore(until)) {
                try (java.sql.ResultSet rs = st.executeQuery("SELECT instance_name, state, job_group, trigger_name, sched_time"
                        + " FROM qrtz_fired_triggers")) {
                    while (rs.next()) {
                        if ("ACQUIRED".equals(rs.getString(2)) && rs.getString(4).matches("w\\d+")
                                && rs.getLong(5) > System.currentTimeMillis() + 800) {
                            return rs.getString(1);
                        }
                        seen.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no witness job taken by a node within " + within + "; seen " + seen);
    }

    /** Every job run recorded: key, run ID, ran at, due at. */
    private static List<String[]> jobRuns(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<String[]> runs = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    runs.add(line.split("\t"));
                }
            }
            return runs;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void configure(ObjectNode c, String url, Path yaml, String room, Path witness, Path jobsFile,
                                  long firstJob, int jobs, long every) {
        ((ObjectNode) c.get("database")).removeAll().put("url", url);
        FaultsE2ETest.shiftsSection(c, yaml, room);
        c.withArray("plugins").addObject().put("type", "witness").put("id", "witness").put("file", witness.toString())
                .put("jobs_file", jobsFile.toString()).put("jobs_first", firstJob).put("jobs_count", jobs)
                .put("jobs_every_ms", every);
    }
}
