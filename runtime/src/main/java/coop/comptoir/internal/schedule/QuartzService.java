package coop.comptoir.internal.schedule;

import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.schedule.Scheduler.JobHandler;
import coop.comptoir.api.store.Database.Dialect;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.store.JdbcDatabase;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The runtime's one Quartz scheduler, shared by every plugin instance through
 * {@link #forInstance}: each instance sees its own jobs only (Quartz group = instance ID, name =
 * the plugin's key) and its own handlers.
 *
 * <p><b>Job stores.</b> With SQLite, jobs live in memory ({@code RAMJobStore}): a restart forgets
 * them, plugins schedule them again from {@code create}. With PostgreSQL, jobs are kept in
 * Quartz's tables (created by the {@code "quartz"} migration), in clustered mode by default, so
 * several Comptoir processes on one database fire each job in exactly one of them. Clustering on
 * SQLite is refused. With {@code clustered: false} on PostgreSQL, jobs are still kept in the
 * database, but only one process may use it.
 *
 * <p><b>Lifecycle.</b> Construct, let plugins register handlers and schedule jobs (Quartz accepts
 * them while on standby), then {@link #start()}; {@link #stop()} waits for running jobs. Starting
 * after the plugins are created matters with PostgreSQL: jobs missed while Comptoir was down fire
 * at once, and their handlers must be there.
 *
 * <p><b>Firing.</b> One job class, {@link ComptoirJob}, finds the handler registered in this
 * process under (instance, handler name) and calls it with the key, the time the job was due and
 * its data. Missed firings run once, as soon as possible ("fire now"); the handler gets the time
 * it was due, not the time it ran. A handler that throws is logged with instance and key; the job
 * is not fired again for that (a once-job is done, a cron job waits for its next time). A firing
 * cut short by a crash of its process is not run again elsewhere (at most once). Runs of one job
 * never overlap.
 *
 * <p><b>No handler.</b> A job may fire in a process where its handler is not registered: the
 * plugin instance is disabled or failed to start, or, in a cluster, a process runs an older
 * configuration. Such a job is <em>kept</em>: a once-job is put back to fire again after
 * {@link Options#missingHandlerRetry} (still reporting its original due time), a cron firing is
 * skipped and the job waits for its next time. The warning is logged once per job and process.
 * Jobs of an instance removed for good are deleted with {@link #deleteJobs}.
 *
 * <p>Quartz runs on the system clock; the runtime's {@code Clock} does not drive it.
 */
public final class QuartzService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuartzService.class);

    /** Name shared by every member of a cluster (Quartz's {@code SCHED_NAME}). */
    public static final String DEFAULT_SCHEDULER_NAME = "comptoir";

    static final String HANDLER = "comptoir.handler";
    static final String DUE = "comptoir.due";
    static final String DATA_PREFIX = "data.";
    /** Quartz's JOB_NAME / JOB_GROUP columns. */
    static final int MAX_NAME_LENGTH = 200;

    private static final AtomicInteger SERVICES = new AtomicInteger();

    /**
     * How the scheduler runs.
     *
     * @param threads threads running jobs (at least 1)
     * @param clustered Quartz clustered job store; null means "on with PostgreSQL, off with SQLite"
     * @param misfireThreshold how late a firing may be before it counts as missed
     * @param clusterCheckinInterval how often a cluster member reports that it is alive
     * @param idleWait how often an idle scheduler looks for new jobs (scheduled by other processes)
     * @param missingHandlerRetry when a once-job whose handler is missing fires again
     * @param schedulerName Quartz's scheduler name; cluster members must share it
     */
    public record Options(
            int threads,
            Boolean clustered,
            Duration misfireThreshold,
            Duration clusterCheckinInterval,
            Duration idleWait,
            Duration missingHandlerRetry,
            String schedulerName) {

        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("scheduler.threads: must be at least 1, not " + threads);
            }
            requirePositive(misfireThreshold, "misfireThreshold");
            requirePositive(clusterCheckinInterval, "clusterCheckinInterval");
            requirePositive(idleWait, "idleWait");
            requirePositive(missingHandlerRetry, "missingHandlerRetry");
            if (idleWait.toMillis() < 1000) {
                throw new IllegalArgumentException("idleWait: Quartz needs at least one second, not " + idleWait);
            }
            if (schedulerName == null || schedulerName.isBlank() || schedulerName.length() > 120) {
                throw new IllegalArgumentException("schedulerName: 1 to 120 characters, not '" + schedulerName + "'");
            }
        }

        /** 2 threads, clustered when on PostgreSQL, 60 s misfire threshold, 10 s check-in, 30 s idle wait. */
        public static Options defaults() {
            return new Options(2, null, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30),
                    Duration.ofMinutes(5), DEFAULT_SCHEDULER_NAME);
        }

        /** The defaults, with threads and clustering from the config's {@code scheduler:} section. */
        public static Options from(ComptoirConfig.Scheduler config) {
            Options d = defaults();
            if (config == null) {
                return d;
            }
            return d.withThreads(config.threads() > 0 ? config.threads() : d.threads()).withClustered(config.clustered());
        }

        public Options withThreads(int n) {
            return new Options(n, clustered, misfireThreshold, clusterCheckinInterval, idleWait, missingHandlerRetry, schedulerName);
        }

        public Options withClustered(Boolean c) {
            return new Options(threads, c, misfireThreshold, clusterCheckinInterval, idleWait, missingHandlerRetry, schedulerName);
        }

        public Options withMisfireThreshold(Duration d) {
            return new Options(threads, clustered, d, clusterCheckinInterval, idleWait, missingHandlerRetry, schedulerName);
        }

        public Options withClusterCheckinInterval(Duration d) {
            return new Options(threads, clustered, misfireThreshold, d, idleWait, missingHandlerRetry, schedulerName);
        }

        public Options withIdleWait(Duration d) {
            return new Options(threads, clustered, misfireThreshold, clusterCheckinInterval, d, missingHandlerRetry, schedulerName);
        }

        public Options withMissingHandlerRetry(Duration d) {
            return new Options(threads, clustered, misfireThreshold, clusterCheckinInterval, idleWait, d, schedulerName);
        }

        public Options withSchedulerName(String name) {
            return new Options(threads, clustered, misfireThreshold, clusterCheckinInterval, idleWait, missingHandlerRetry, name);
        }

        private static void requirePositive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": must be a positive duration, not " + d);
            }
        }
    }

    private record HandlerKey(String instanceId, String handlerName) {}

    private final org.quartz.Scheduler quartz;
    private final Options options;
    private final boolean persistent;
    private final boolean clustered;
    private final String quartzInstanceId;
    private final Map<HandlerKey, JobHandler> handlers = new ConcurrentHashMap<>();
    private final Set<JobKey> warnedMissingHandler = ConcurrentHashMap.newKeySet();
    private volatile boolean started;
    private volatile boolean stopped;

    /**
     * Creates the scheduler, on standby; on PostgreSQL, creates Quartz's tables first.
     *
     * @throws IllegalArgumentException for clustering on SQLite
     * @throws IllegalStateException when Quartz cannot be set up
     */
    public QuartzService(JdbcDatabase db, Options options) {
        Objects.requireNonNull(db, "db");
        this.options = Objects.requireNonNull(options, "options");
        boolean postgres = db.dialect() == Dialect.POSTGRES;
        if (!postgres && Boolean.TRUE.equals(options.clustered())) {
            throw new IllegalArgumentException("scheduler.clustered: a cluster needs PostgreSQL (database.url: "
                    + "jdbc:postgresql://…); with SQLite, jobs are kept in memory by one process");
        }
        this.persistent = postgres;
        this.clustered = postgres && !Boolean.FALSE.equals(options.clustered());
        this.quartzInstanceId = persistent ? uniqueInstanceId() : "NON_CLUSTERED";

        quietQuartzLogs();
        Properties props = new Properties();
        props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, options.schedulerName());
        props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, quartzInstanceId);
        props.setProperty(StdSchedulerFactory.PROP_SCHED_THREAD_NAME, "comptoir-scheduler");
        props.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
        props.setProperty(StdSchedulerFactory.PROP_SCHED_IDLE_WAIT_TIME, Long.toString(options.idleWait().toMillis()));
        props.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, "org.quartz.simpl.SimpleThreadPool");
        props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(options.threads()));
        props.setProperty("org.quartz.threadPool.threadNamePrefix", "comptoir-job");
        props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        props.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(options.misfireThreshold().toMillis()));
        if (persistent) {
            db.migrate(QuartzTables.COMPONENT, QuartzTables.migrations());
            String dataSourceName = "comptoir-" + SERVICES.incrementAndGet();
            DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new SharedDataSource(db.dataSource()));
            props.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.impl.jdbcjobstore.JobStoreTX");
            props.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            props.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
            props.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
            // Job data as string properties, not serialized Java objects.
            props.setProperty("org.quartz.jobStore.useProperties", "true");
            props.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
            props.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                    Long.toString(options.clusterCheckinInterval().toMillis()));
            if (db.maxConnections() < options.threads() + 3) {
                LOG.warn("database.pool_size ({}) is small for {} scheduler threads: Quartz wants about threads + 3",
                        db.maxConnections(), options.threads());
            }
        } else {
            props.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
        }
        try {
            this.quartz = createScheduler(props);
            quartz.setJobFactory((bundle, scheduler) -> {
                Class<?> jobClass = bundle.getJobDetail().getJobClass();
                if (jobClass != ComptoirJob.class) {
                    throw new SchedulerException("Job " + bundle.getJobDetail().getKey() + " has an unknown class "
                            + jobClass.getName());
                }
                return new ComptoirJob(this);
            });
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot set up the scheduler: " + e.getMessage(), e);
        }
    }

    /** The service for the config's {@code scheduler:} section. */
    public static QuartzService create(JdbcDatabase db, ComptoirConfig.Scheduler config) {
        return new QuartzService(db, Options.from(config));
    }

    /** The scheduler of one plugin instance: its jobs and handlers only. */
    public Scheduler forInstance(String instanceId) {
        checkName(instanceId, "instance ID");
        return new InstanceScheduler(this, instanceId);
    }

    /** Starts firing jobs (the missed ones first). */
    public synchronized void start() {
        if (stopped) {
            throw new IllegalStateException("The scheduler was stopped; it cannot start again");
        }
        if (started) {
            return;
        }
        try {
            quartz.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot start the scheduler: " + e.getMessage(), e);
        }
        started = true;
        LOG.info("Scheduler started: {}, {} thread(s){}", persistent ? (clustered ? "PostgreSQL, clustered" : "PostgreSQL")
                : "in memory", options.threads(), persistent ? ", node " + quartzInstanceId : "");
    }

    /** Stops firing jobs and waits for the running ones. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            quartz.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("Scheduler did not stop cleanly: {}", e.getMessage());
        }
        LOG.info("Scheduler stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /** Jobs are kept in the database (PostgreSQL). */
    public boolean isPersistent() {
        return persistent;
    }

    public boolean isClustered() {
        return clustered;
    }

    /** Forgets the handlers of an instance (stopped plugin): its jobs are then kept as described above. */
    public void removeHandlers(String instanceId) {
        handlers.keySet().removeIf(k -> k.instanceId().equals(instanceId));
    }

    /** Deletes every job of an instance (removed from the config for good); returns how many. */
    public int deleteJobs(String instanceId) {
        try {
            List<JobKey> keys = List.copyOf(quartz.getJobKeys(GroupMatcher.jobGroupEquals(instanceId)));
            quartz.deleteJobs(keys);
            return keys.size();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot delete the jobs of instance '" + instanceId + "': " + e.getMessage(), e);
        }
    }

    // ---- operations of InstanceScheduler

    void register(String instanceId, String handlerName, JobHandler handler) {
        checkName(handlerName, "handler name");
        Objects.requireNonNull(handler, "handler");
        JobHandler previous = handlers.put(new HandlerKey(instanceId, handlerName), handler);
        if (previous != null && previous != handler) {
            LOG.debug("Handler '{}' of instance '{}' replaced", handlerName, instanceId);
        }
    }

    void once(String instanceId, String key, String handlerName, Instant when, Map<String, String> data) {
        Objects.requireNonNull(when, "when");
        JobKey jobKey = jobKey(instanceId, key);
        JobDetail job = jobDetail(jobKey, handlerName, data);
        Trigger trigger = onceTrigger(jobKey, when, when);
        schedule(job, trigger);
    }

    void cron(String instanceId, String key, String handlerName, String cronExpression, ZoneId zone,
            Map<String, String> data) {
        Objects.requireNonNull(zone, "zone");
        JobKey jobKey = jobKey(instanceId, key);
        CronExpression parsed = parseCron(cronExpression);
        parsed.setTimeZone(TimeZone.getTimeZone(zone));
        if (parsed.getNextValidTimeAfter(new Date()) == null) {
            throw new IllegalArgumentException("cron expression '" + cronExpression + "' never fires again");
        }
        JobDetail job = jobDetail(jobKey, handlerName, data);
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(TriggerKey.triggerKey(jobKey.getName(), jobKey.getGroup()))
                .forJob(jobKey)
                .withSchedule(CronScheduleBuilder.cronSchedule(cronExpression)
                        .inTimeZone(TimeZone.getTimeZone(zone))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
        schedule(job, trigger);
    }

    boolean cancel(String instanceId, String key) {
        JobKey jobKey = jobKey(instanceId, key);
        try {
            return quartz.deleteJob(jobKey);
        } catch (SchedulerException e) {
            throw failure("Cannot cancel", jobKey, e);
        }
    }

    Optional<Instant> nextFire(String instanceId, String key) {
        JobKey jobKey = jobKey(instanceId, key);
        try {
            return quartz.getTriggersOfJob(jobKey).stream()
                    .map(Trigger::getNextFireTime)
                    .filter(Objects::nonNull)
                    .min(Date::compareTo)
                    .map(Date::toInstant);
        } catch (SchedulerException e) {
            throw failure("Cannot read", jobKey, e);
        }
    }

    // ---- firing

    /** Called by {@link ComptoirJob} on a Quartz worker thread. Never throws. */
    void fire(JobExecutionContext ctx) {
        JobKey jobKey = ctx.getJobDetail().getKey();
        String instanceId = jobKey.getGroup();
        String key = jobKey.getName();
        JobDataMap jobData = ctx.getJobDetail().getJobDataMap();
        String handlerName = jobData.getString(HANDLER);
        Instant due = dueTime(ctx);
        if (handlerName == null) {
            LOG.error("Job '{}' of instance '{}' names no handler: deleting it", key, instanceId);
            deleteQuietly(jobKey);
            return;
        }
        JobHandler handler = handlers.get(new HandlerKey(instanceId, handlerName));
        if (handler == null) {
            handlerMissing(ctx, jobKey, handlerName, due);
            return;
        }
        warnedMissingHandler.remove(jobKey);
        Map<String, String> data = userData(jobData);
        MDC.put("plugin", instanceId);
        MDC.put("job", key);
        long start = System.nanoTime();
        try {
            handler.run(key, due, data);
            LOG.debug("Job '{}' of instance '{}' (due {}) ran in {} ms", key, instanceId, due,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Job '{}' of instance '{}' (handler '{}', due {}) was interrupted", key, instanceId, handlerName, due);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.error("Job '{}' of instance '{}' (handler '{}', due {}) failed", key, instanceId, handlerName, due, e);
        } finally {
            MDC.remove("plugin");
            MDC.remove("job");
        }
    }

    private void handlerMissing(JobExecutionContext ctx, JobKey jobKey, String handlerName, Instant due) {
        boolean first = warnedMissingHandler.add(jobKey);
        Trigger trigger = ctx.getTrigger();
        if (trigger.getNextFireTime() != null) {
            log(first, "No handler '{}' for job '{}' of instance '{}' in this process (plugin disabled or not started?): "
                    + "skipping its firing due {}", handlerName, jobKey.getName(), jobKey.getGroup(), due);
            return;
        }
        Instant retryAt = Instant.now().plus(options.missingHandlerRetry());
        try {
            // Rescheduling the firing trigger from inside the job is supported by Quartz's stores:
            // the completed trigger is then not deleted.
            quartz.rescheduleJob(trigger.getKey(), onceTrigger(jobKey, retryAt, due));
            log(first, "No handler '{}' for job '{}' of instance '{}' in this process (plugin disabled or not started?): "
                    + "keeping it, next try at {}", handlerName, jobKey.getName(), jobKey.getGroup(), retryAt);
        } catch (SchedulerException e) {
            LOG.error("No handler '{}' for job '{}' of instance '{}', and it could not be kept for later: {}",
                    handlerName, jobKey.getName(), jobKey.getGroup(), e.getMessage());
        }
    }

    private static void log(boolean warn, String format, Object... args) {
        if (warn) {
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    /**
     * When the firing was meant to happen. Quartz reports a missed firing as scheduled "now", so a
     * once-job carries its due time in its trigger; for a cron job it is the latest time the
     * expression matched (the last of several missed firings).
     */
    static Instant dueTime(JobExecutionContext ctx) {
        Trigger trigger = ctx.getTrigger();
        String stored = trigger.getJobDataMap().getString(DUE);
        if (stored != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(stored));
            } catch (NumberFormatException e) {
                LOG.debug("Ignoring a malformed due time '{}' on {}", stored, trigger.getKey());
            }
        }
        Date scheduled = ctx.getScheduledFireTime();
        if (scheduled == null) {
            return Instant.now();
        }
        if (trigger instanceof CronTrigger cron) {
            try {
                CronExpression expression = new CronExpression(cron.getCronExpression());
                expression.setTimeZone(cron.getTimeZone());
                return lastMatch(expression, scheduled, cron.getStartTime()).toInstant();
            } catch (ParseException e) {
                return scheduled.toInstant();
            }
        }
        return scheduled.toInstant();
    }

    /** The latest time at or before {@code at} (and not before {@code floor}) that matches; {@code at} if none. */
    static Date lastMatch(CronExpression expression, Date at, Date floor) {
        // Cron times are whole seconds; Quartz reports a missed firing at "now", milliseconds included.
        if (at.getTime() % 1000 == 0 && expression.isSatisfiedBy(at)) {
            return at;
        }
        long end = at.getTime();
        long lowest = floor == null ? Long.MIN_VALUE / 2 : floor.getTime() - 1;
        long window = 60_000;
        for (int rounds = 0; rounds < 40; rounds++) {
            long from = Math.max(end - window, lowest);
            Date last = null;
            Date t = expression.getNextValidTimeAfter(new Date(from));
            for (int steps = 0; t != null && !t.after(at) && steps < 100_000; steps++) {
                last = t;
                t = expression.getNextValidTimeAfter(t);
            }
            if (last != null) {
                return last;
            }
            if (from == lowest) {
                break;
            }
            window *= 4;
        }
        return at;
    }

    // ---- helpers

    private JobKey jobKey(String instanceId, String key) {
        checkName(key, "job key");
        return JobKey.jobKey(key, instanceId);
    }

    private JobDetail jobDetail(JobKey jobKey, String handlerName, Map<String, String> data) {
        checkName(handlerName, "handler name");
        if (!handlers.containsKey(new HandlerKey(jobKey.getGroup(), handlerName))) {
            throw new IllegalStateException("No handler '" + handlerName + "' registered for instance '"
                    + jobKey.getGroup() + "': call handler(\"" + handlerName + "\", …) before scheduling");
        }
        JobDataMap map = new JobDataMap();
        map.put(HANDLER, handlerName);
        if (data != null) {
            data.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("job '" + jobKey.getName() + "': data keys and values must not be null");
                }
                map.put(DATA_PREFIX + k, v);
            });
        }
        return JobBuilder.newJob(ComptoirJob.class)
                .withIdentity(jobKey)
                .usingJobData(map)
                .requestRecovery(false)
                .storeDurably(false)
                .build();
    }

    private static Trigger onceTrigger(JobKey jobKey, Instant fireAt, Instant due) {
        return TriggerBuilder.newTrigger()
                .withIdentity(TriggerKey.triggerKey(jobKey.getName(), jobKey.getGroup()))
                .forJob(jobKey)
                .startAt(Date.from(fireAt))
                .usingJobData(DUE, Long.toString(due.toEpochMilli()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
    }

    private void schedule(JobDetail job, Trigger trigger) {
        try {
            // A trigger changing kind (cron <-> once) is not replaced in place by the JDBC store:
            // remove the old job first in that case only, so that a plain replacement stays atomic.
            Trigger existing = quartz.getTrigger(trigger.getKey());
            if (existing != null && (existing instanceof CronTrigger) != (trigger instanceof CronTrigger)) {
                quartz.deleteJob(job.getKey());
            }
            quartz.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw failure("Cannot schedule", job.getKey(), e);
        }
    }

    private void deleteQuietly(JobKey jobKey) {
        try {
            quartz.deleteJob(jobKey);
        } catch (SchedulerException e) {
            LOG.warn("Could not delete job '{}' of instance '{}': {}", jobKey.getName(), jobKey.getGroup(), e.getMessage());
        }
    }

    private static Map<String, String> userData(JobDataMap jobData) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, Object> e : jobData.entrySet()) {
            if (e.getKey().startsWith(DATA_PREFIX) && e.getValue() != null) {
                out.put(e.getKey().substring(DATA_PREFIX.length()), e.getValue().toString());
            }
        }
        return Map.copyOf(out);
    }

    private static CronExpression parseCron(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron expression must not be blank");
        }
        try {
            return new CronExpression(expression);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid cron expression '" + expression + "': " + e.getMessage(), e);
        }
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_NAME_LENGTH + " characters: " + name);
        }
    }

    private static IllegalStateException failure(String what, JobKey jobKey, SchedulerException e) {
        return new IllegalStateException(what + " job '" + jobKey.getName() + "' of instance '" + jobKey.getGroup()
                + "': " + e.getMessage(), e);
    }

    /**
     * Quartz keeps a JVM-wide registry of schedulers by name and returns the registered one on the
     * next request for that name. Each service owns its scheduler (two cluster members may share a
     * JVM in tests), so it is taken out of the registry as soon as it is created.
     */
    private static org.quartz.Scheduler createScheduler(Properties props) throws SchedulerException {
        synchronized (QuartzService.class) {
            org.quartz.Scheduler s = new StdSchedulerFactory(props).getScheduler();
            SchedulerRepository.getInstance().remove(s.getSchedulerName());
            return s;
        }
    }

    /** Unique among cluster members, short enough for Quartz's fired-trigger IDs (95 characters). */
    private static String uniqueInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        if (host.length() > 40) {
            host = host.substring(0, 40);
        }
        String random = UUID.randomUUID().toString().substring(0, 8);
        return host + "-" + ProcessHandle.current().pid() + "-" + random;
    }

    /**
     * Quartz describes its set-up at INFO in a dozen lines: keep only its warnings, unless the
     * logging config chose a level for {@code org.quartz}. Only with Logback; with another SLF4J
     * backend its own config decides.
     */
    private static void quietQuartzLogs() {
        try {
            LogbackLevels.warnUnlessSet("org.quartz");
        } catch (LinkageError noLogback) {
            // Logback is not on the class path.
        }
    }

    private static final class LogbackLevels {
        static void warnUnlessSet(String loggerName) {
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
                ch.qos.logback.classic.Logger logger = ctx.getLogger(loggerName);
                if (logger.getLevel() == null) {
                    logger.setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
        }
    }

    /** Lends the database's pool to Quartz; the pool belongs to the runtime, so Quartz never closes it. */
    private record SharedDataSource(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {}

        @Override
        public void initialize() {}
    }
}
