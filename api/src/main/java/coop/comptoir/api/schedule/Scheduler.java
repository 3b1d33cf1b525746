package coop.comptoir.api.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduled jobs (the runtime's Quartz scheduler). A job names a handler registered by the same
 * plugin instance; its data is a small string map.
 *
 * <p>Where jobs live depends on the database. With SQLite (the default) they are kept in memory:
 * a plugin schedules its jobs again in {@code create} (scheduling the same key replaces the job, so
 * that is safe) and keeps in its own tables what must not be forgotten across a restart. With
 * PostgreSQL they are stored in the database (Quartz's clustered job store): they survive restarts,
 * firings missed while Comptoir was down run as soon as it is back, and with several Comptoir
 * processes on one database each firing runs in exactly one of them. Either way the handler
 * receives the time the job was due, so it can decide what is still worth doing.
 */
public interface Scheduler {
    /** Registers what runs for jobs of {@code handlerName}. Call from {@code create}, before scheduling. */
    void handler(String handlerName, JobHandler handler);

    /** Schedules (or replaces) the job {@code key} to fire once at {@code when}. */
    void once(String key, String handlerName, Instant when, Map<String, String> data);

    /** Schedules (or replaces) the job {@code key} on a Quartz cron expression in {@code zone}. */
    void cron(String key, String handlerName, String cronExpression, ZoneId zone, Map<String, String> data);

    /** Removes a job; true if it existed. */
    boolean cancel(String key);

    /** When the job fires next, if it is scheduled. */
    Optional<Instant> nextFire(String key);

    /** What a scheduled job does when it fires. */
    @FunctionalInterface
    interface JobHandler {
        /** Runs a job. {@code due} is when it was meant to fire. May block; a throw is logged. */
        void run(String key, Instant due, Map<String, String> data) throws Exception;
    }
}
