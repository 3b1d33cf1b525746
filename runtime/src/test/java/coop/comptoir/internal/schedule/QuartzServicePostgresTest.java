package coop.comptoir.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL: Quartz's clustered JDBC job store. Needs {@code COMPTOIR_TEST_PG_URL}. */
class QuartzServicePostgresTest extends QuartzServiceContract {
    private TestDatabases.PgSchema schema;

    @Override
    protected JdbcDatabase createDatabase() {
        schema = TestDatabases.freshPostgresSchema();
        return schema.open();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            stopServices();
            schema.close();
        }
    }

    @Test
    void keepsJobsInPostgresInClusteredMode() {
        QuartzService service = newService(FAST);
        assertThat(service.isPersistent()).isTrue();
        assertThat(service.isClustered()).isTrue();
        assertThat(newService(FAST.withClustered(false)).isClustered()).isFalse();
    }

    @Test
    void aJobDueWhileComptoirWasDownFiresOnceLateAfterTheRestart() throws Exception {
        QuartzService before = started();
        Scheduler s = before.forInstance("shifts");
        s.handler("remind", recorder("before"));
        Instant when = inMillis(1500);
        s.once("k", "remind", when, Map.of("shift", "42"));
        before.stop();

        Thread.sleep(Duration.between(Instant.now(), when).toMillis() + 1000); // due + twice the misfire threshold
        assertThat(fired).isEmpty();

        QuartzService after = newService(FAST);
        Scheduler again = after.forInstance("shifts");
        again.handler("remind", recorder("after"));
        assertThat(again.nextFire("k")).as("the job survived the restart").isPresent();
        after.start();

        Fired f = next(Duration.ofSeconds(10));
        assertThat(f.node()).isEqualTo("after");
        assertThat(f.due()).isEqualTo(when);
        assertThat(f.data()).containsEntry("shift", "42");
        assertThat(f.at()).isAfter(when.plusMillis(900));
        assertNothingFiresFor(Duration.ofMillis(1500));
    }

    @Test
    void twoClusteredProcessesFireEachJobExactlyOnce() throws Exception {
        QuartzService one = newService(FAST);
        QuartzService two = newService(FAST);
        Scheduler s1 = one.forInstance("shifts");
        Scheduler s2 = two.forInstance("shifts");
        s1.handler("remind", recorder("one"));
        s2.handler("remind", recorder("two"));
        one.start();
        two.start();

        int jobs = 20;
        for (int i = 0; i < jobs; i++) {
            Scheduler via = i % 2 == 0 ? s1 : s2;
            via.once("job-" + i, "remind", inMillis(500 + 50L * i), Map.of("i", Integer.toString(i)));
        }
        s1.cron("tick", "remind", "* * * * * ?", ZoneId.of("UTC"), Map.of());
        Thread.sleep(4000);
        assertThat(s2.cancel("tick")).isTrue();
        Thread.sleep(300);

        List<Fired> all = new ArrayList<>();
        fired.drainTo(all);
        Map<String, Integer> onceCounts = new HashMap<>();
        Set<Instant> tickDues = new HashSet<>();
        int ticks = 0;
        for (Fired f : all) {
            if (f.key().equals("tick")) {
                ticks++;
                tickDues.add(f.due());
            } else {
                onceCounts.merge(f.key(), 1, Integer::sum);
            }
        }
        assertThat(onceCounts).hasSize(jobs);
        assertThat(onceCounts.values()).containsOnly(1);
        assertThat(ticks).as("cron firings").isGreaterThanOrEqualTo(2);
        assertThat(tickDues).as("no cron firing ran twice").hasSize(ticks);
    }

    @Test
    void aFiringIsNotLostWhenOneProcessHasNoHandler() throws Exception {
        // A cluster member with an older config (no such handler) must not swallow the job.
        QuartzService withHandler = newService(FAST);
        QuartzService without = newService(FAST);
        withHandler.forInstance("shifts").handler("remind", recorder("with"));
        Scheduler s = withHandler.forInstance("shifts");
        Instant when = inMillis(200);
        s.once("k", "remind", when, Map.of());
        without.start(); // only the member without handler runs at first
        Thread.sleep(1200);
        assertThat(fired).isEmpty();

        withHandler.start();
        without.stop();
        Fired f = next(Duration.ofSeconds(10));
        assertThat(f.node()).isEqualTo("with");
        assertThat(f.due()).isEqualTo(when);
        assertThat(fired.poll(1500, TimeUnit.MILLISECONDS)).isNull();
    }
}
