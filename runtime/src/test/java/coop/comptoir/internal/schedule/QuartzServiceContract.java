package coop.comptoir.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.internal.store.JdbcDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the scheduler does whatever the job store; subclasses give the database. */
abstract class QuartzServiceContract {
    /** Short times so that tests take seconds. */
    static final QuartzService.Options FAST = QuartzService.Options.defaults()
            .withMisfireThreshold(Duration.ofMillis(500))
            .withClusterCheckinInterval(Duration.ofMillis(500))
            .withIdleWait(Duration.ofSeconds(1))
            .withMissingHandlerRetry(Duration.ofSeconds(1));

    /** One firing as a handler saw it. */
    record Fired(String node, String key, Instant due, Map<String, String> data, Instant at) {}

    protected JdbcDatabase db;
    protected final BlockingQueue<Fired> fired = new LinkedBlockingQueue<>();
    private final List<QuartzService> services = new ArrayList<>();

    /** A database for this test (fresh). */
    protected abstract JdbcDatabase createDatabase();

    @BeforeEach
    void setUpDatabase() {
        db = createDatabase();
    }

    @AfterEach
    void stopServices() {
        services.forEach(QuartzService::stop);
        services.clear();
        if (db != null) {
            db.close();
        }
    }

    protected QuartzService newService(QuartzService.Options options) {
        QuartzService s = new QuartzService(db, options);
        services.add(s);
        return s;
    }

    protected QuartzService started() {
        QuartzService s = newService(FAST);
        s.start();
        return s;
    }

    protected Scheduler.JobHandler recorder(String node) {
        return (key, due, data) -> fired.add(new Fired(node, key, due, data, Instant.now()));
    }

    protected Fired next(Duration timeout) throws InterruptedException {
        Fired f = fired.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(f).as("a job firing within " + timeout).isNotNull();
        return f;
    }

    protected void assertNothingFiresFor(Duration d) throws InterruptedException {
        assertThat(fired.poll(d.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    protected static Instant inMillis(long ms) {
        return Instant.now().plusMillis(ms).truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void aOnceJobFiresWithItsDataAndDueTime() throws Exception {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));
        Instant when = inMillis(300);

        s.once("shift-42", "remind", when, Map.of("room", "!abc:example.org", "text", "Shift in 1 h"));

        Fired f = next(Duration.ofSeconds(5));
        assertThat(f.key()).isEqualTo("shift-42");
        assertThat(f.due()).isEqualTo(when);
        assertThat(f.data()).isEqualTo(Map.of("room", "!abc:example.org", "text", "Shift in 1 h"));
        assertThat(f.at()).isAfterOrEqualTo(when);
        assertThat(s.nextFire("shift-42")).isEmpty();
        assertNothingFiresFor(Duration.ofMillis(700));
    }

    @Test
    void aOnceJobAlreadyDueFiresAtOnceWithItsDueTime() throws Exception {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));
        Instant when = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);

        s.once("late", "remind", when, Map.of());

        Fired f = next(Duration.ofSeconds(5));
        assertThat(f.due()).isEqualTo(when);
        assertThat(f.data()).isEmpty();
    }

    @Test
    void schedulingBeforeStartFiresAfterStart() throws Exception {
        QuartzService service = newService(FAST);
        Scheduler s = service.forInstance("shifts");
        s.handler("remind", recorder("n"));
        s.once("early", "remind", inMillis(100), Map.of());

        assertNothingFiresFor(Duration.ofMillis(600));
        service.start();
        assertThat(next(Duration.ofSeconds(5)).key()).isEqualTo("early");
    }

    @Test
    void aCancelledJobDoesNotFire() throws Exception {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));
        s.once("k", "remind", inMillis(600), Map.of());

        assertThat(s.cancel("k")).isTrue();
        assertThat(s.cancel("k")).isFalse();
        assertThat(s.nextFire("k")).isEmpty();
        assertNothingFiresFor(Duration.ofMillis(1200));
    }

    @Test
    void nextFireTellsWhenAJobFires() {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));
        Instant when = inMillis(3_600_000);

        s.once("k", "remind", when, Map.of());

        assertThat(s.nextFire("k")).contains(when);
        assertThat(s.nextFire("unknown")).isEmpty();
    }

    @Test
    void schedulingTheSameKeyAgainReplacesTheJob() throws Exception {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));
        s.once("k", "remind", inMillis(3_600_000), Map.of("v", "old"));
        s.cron("k", "remind", "0 0 12 * * ?", ZoneId.of("Europe/Paris"), Map.of("v", "cron"));
        assertThat(s.nextFire("k")).isPresent();

        Instant when = inMillis(300);
        s.once("k", "remind", when, Map.of("v", "new"));

        Fired f = next(Duration.ofSeconds(5));
        assertThat(f.data()).containsEntry("v", "new");
        assertThat(f.due()).isEqualTo(when);
        assertNothingFiresFor(Duration.ofMillis(700));
    }

    @Test
    void instancesHaveTheirOwnKeysAndHandlers() throws Exception {
        QuartzService service = started();
        Scheduler a = service.forInstance("shifts-a");
        Scheduler b = service.forInstance("shifts-b");
        a.handler("remind", recorder("a"));
        b.handler("remind", recorder("b"));

        a.once("same-key", "remind", inMillis(300), Map.of());
        b.once("same-key", "remind", inMillis(3_600_000), Map.of());
        assertThat(b.cancel("same-key")).isTrue();

        Fired f = next(Duration.ofSeconds(5));
        assertThat(f.node()).isEqualTo("a");
        assertNothingFiresFor(Duration.ofMillis(700));
    }

    @Test
    void aFailingHandlerIsLoggedAndNotRunAgain() throws Exception {
        Scheduler s = started().forInstance("shifts");
        AtomicInteger calls = new AtomicInteger();
        s.handler("boom", (key, due, data) -> {
            calls.incrementAndGet();
            fired.add(new Fired("n", key, due, data, Instant.now()));
            throw new IllegalStateException("the handler failed");
        });

        s.once("k", "boom", inMillis(200), Map.of());

        next(Duration.ofSeconds(5));
        assertNothingFiresFor(Duration.ofMillis(1500));
        assertThat(calls).hasValue(1);
    }

    @Test
    void refusesWhatCannotWork() {
        Scheduler s = started().forInstance("shifts");
        s.handler("remind", recorder("n"));

        assertThatThrownBy(() -> s.once("k", "typo", Instant.now(), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No handler 'typo' registered for instance 'shifts'");
        assertThatThrownBy(() -> s.cron("k", "remind", "every day", ZoneId.of("UTC"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid cron expression 'every day'");
        assertThatThrownBy(() -> s.cron("k", "remind", "0 0 12 1 1 ? 2001", ZoneId.of("UTC"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never fires again");
        assertThatThrownBy(() -> s.once(" ", "remind", Instant.now(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job key must not be blank");
        assertThatThrownBy(() -> s.once("k", "remind", Instant.now(), java.util.Collections.singletonMap("a", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCronJobFiresOnItsScheduleWithItsDueTimes() throws Exception {
        Scheduler s = started().forInstance("digest");
        s.handler("tick", recorder("n"));

        s.cron("every-second", "tick", "* * * * * ?", ZoneId.of("Europe/Paris"), Map.of("kind", "tick"));

        Fired first = next(Duration.ofSeconds(3));
        Fired second = next(Duration.ofSeconds(3));
        assertThat(first.data()).containsEntry("kind", "tick");
        assertThat(first.due().toEpochMilli() % 1000).isZero();
        assertThat(Duration.between(first.due(), second.due())).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.nextFire("every-second")).isPresent();

        assertThat(s.cancel("every-second")).isTrue();
        fired.clear();
        assertNothingFiresFor(Duration.ofMillis(1500));
    }

    @Test
    void aJobWithoutHandlerIsKeptAndRunsWhenTheHandlerIsBack() throws Exception {
        QuartzService service = started();
        Scheduler s = service.forInstance("shifts");
        s.handler("remind", recorder("n"));
        Instant when = inMillis(200);
        s.once("k", "remind", when, Map.of("x", "1"));
        service.removeHandlers("shifts"); // as when the plugin is stopped

        assertNothingFiresFor(Duration.ofMillis(900));
        assertThat(s.nextFire("k")).as("kept for a later try").isPresent();

        s.handler("remind", recorder("n"));
        Fired f = next(Duration.ofSeconds(5));
        assertThat(f.due()).isEqualTo(when);
        assertThat(f.data()).containsEntry("x", "1");
        assertNothingFiresFor(Duration.ofMillis(1200));
    }

    @Test
    void deleteJobsRemovesAllJobsOfAnInstance() {
        QuartzService service = started();
        Scheduler gone = service.forInstance("gone");
        Scheduler kept = service.forInstance("kept");
        gone.handler("h", recorder("n"));
        kept.handler("h", recorder("n"));
        gone.once("a", "h", inMillis(3_600_000), Map.of());
        gone.cron("b", "h", "0 0 * * * ?", ZoneId.of("UTC"), Map.of());
        kept.once("a", "h", inMillis(3_600_000), Map.of());

        assertThat(service.deleteJobs("gone")).isEqualTo(2);
        assertThat(gone.nextFire("a")).isEmpty();
        assertThat(gone.nextFire("b")).isEmpty();
        assertThat(kept.nextFire("a")).isPresent();
    }

    @Test
    void aStoppedServiceCannotStartAgain() {
        QuartzService service = started();
        service.stop();
        service.stop();
        assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
    }
}
