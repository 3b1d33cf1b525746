package coop.comptoir.testing;

import coop.comptoir.api.schedule.Scheduler;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A scheduler that fires nothing by itself: {@link #runDue()} runs, on the test's thread, the jobs
 * due at the clock's time, earliest first, with the time each was due; {@link #fire} runs one job
 * whatever its time. Cron expressions are Quartz's, as in production. Jobs are kept as Quartz keeps
 * them in the store: across a {@link FakePluginContext#restart()}, while the handlers are not.
 * Thread-safe.
 */
public final class FakeScheduler implements Scheduler {
    private record Job(String handlerName, Instant next, CronExpression cron, Map<String, String> data) {}

    private final Clock clock;
    private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /** A scheduler reading the time from {@code clock} (a {@link FakeClock}, usually). */
    public FakeScheduler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void handler(String handlerName, JobHandler handler) {
        handlers.put(handlerName, handler);
    }

    @Override
    public synchronized void once(String key, String handlerName, Instant when, Map<String, String> data) {
        jobs.put(key, new Job(handlerName, when, null, Map.copyOf(data)));
    }

    /** @throws IllegalArgumentException when the expression is not a valid Quartz cron expression */
    @Override
    public synchronized void cron(String key, String handlerName, String cronExpression, ZoneId zone,
            Map<String, String> data) {
        CronExpression cron;
        try {
            cron = new CronExpression(cronExpression);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a cron expression: " + cronExpression + " (" + e.getMessage() + ")");
        }
        cron.setTimeZone(TimeZone.getTimeZone(zone));
        Instant next = after(cron, clock.instant());
        if (next != null) {
            jobs.put(key, new Job(handlerName, next, cron, Map.copyOf(data)));
        }
    }

    @Override
    public synchronized boolean cancel(String key) {
        return jobs.remove(key) != null;
    }

    @Override
    public synchronized Optional<Instant> nextFire(String key) {
        return Optional.ofNullable(jobs.get(key)).map(Job::next);
    }

    /** The cron expression of the job {@code key}, as given to {@link #cron}; empty for a one-off or unknown job. */
    public synchronized Optional<String> cronOf(String key) {
        return Optional.ofNullable(jobs.get(key)).map(Job::cron).map(CronExpression::getCronExpression);
    }

    /** The keys of the jobs scheduled now, in the order they were first scheduled. */
    public synchronized java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(jobs.keySet()));
    }

    /**
     * Runs the job {@code key} now, on the test's thread, whatever its time, as a scheduler firing
     * it would, with the clock's time as the time it was due: a one-off job is then gone, a cron job
     * stays, due next after the clock's time.
     *
     * @throws Exception what the handler threw (the job counts as run)
     * @throws IllegalArgumentException when no job has that key
     * @throws IllegalStateException when the job names a handler that is not registered
     */
    public void fire(String key) throws Exception {
        Job job;
        JobHandler handler;
        Instant now;
        synchronized (this) {
            job = jobs.get(key);
            if (job == null) {
                throw new IllegalArgumentException("no job " + key + " is scheduled (scheduled: " + jobs.keySet() + ")");
            }
            handler = handlers.get(job.handlerName());
            if (handler == null) {
                throw new IllegalStateException("job " + key + " names handler " + job.handlerName() + ", which is not registered");
            }
            now = clock.instant();
            Instant following = job.cron() == null ? null : after(job.cron(), now);
            if (following == null) {
                jobs.remove(key);
            } else {
                jobs.put(key, new Job(job.handlerName(), following, job.cron(), job.data()));
            }
        }
        handler.run(key, now, job.data());
    }

    /** A restart: the jobs stay, the handlers are gone until registered again. */
    synchronized void forgetHandlers() {
        handlers.clear();
    }

    /** A restart with an in-memory job store (SQLite): the jobs are gone too. */
    synchronized void forgetJobs() {
        jobs.clear();
    }

    /**
     * Runs every job due at the clock's time, earliest first (a cron job as many times as it was
     * due); a handler may schedule or cancel jobs.
     *
     * @return how many runs there were
     * @throws Exception what a handler threw (the job counts as run)
     * @throws IllegalStateException when a job names a handler that was never registered
     */
    public int runDue() throws Exception {
        int runs = 0;
        while (true) {
            String key;
            Job job;
            JobHandler handler;
            synchronized (this) {
                Instant now = clock.instant();
                var due = jobs.entrySet().stream().filter(e -> !e.getValue().next().isAfter(now))
                        .min(Comparator.comparing(e -> e.getValue().next())).orElse(null);
                if (due == null) {
                    return runs;
                }
                key = due.getKey();
                job = due.getValue();
                handler = handlers.get(job.handlerName());
                if (handler == null) {
                    throw new IllegalStateException("job " + key + " names handler " + job.handlerName()
                            + ", which is not registered");
                }
                Instant following = job.cron() == null ? null : after(job.cron(), job.next());
                if (following == null) {
                    jobs.remove(key);
                } else {
                    jobs.put(key, new Job(job.handlerName(), following, job.cron(), job.data()));
                }
            }
            runs++;
            handler.run(key, job.next(), job.data());
        }
    }

    private static Instant after(CronExpression cron, Instant t) {
        Date next = cron.getNextValidTimeAfter(Date.from(t));
        return next == null ? null : next.toInstant();
    }
}
