package coop.comptoir.internal.schedule;

import coop.comptoir.api.schedule.Scheduler;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/** What one plugin instance sees of {@link QuartzService}: its own jobs and handlers. */
final class InstanceScheduler implements Scheduler {
    private final QuartzService service;
    private final String instanceId;

    InstanceScheduler(QuartzService service, String instanceId) {
        this.service = service;
        this.instanceId = instanceId;
    }

    @Override
    public void handler(String handlerName, JobHandler handler) {
        service.register(instanceId, handlerName, handler);
    }

    @Override
    public void once(String key, String handlerName, Instant when, Map<String, String> data) {
        service.once(instanceId, key, handlerName, when, data);
    }

    @Override
    public void cron(String key, String handlerName, String cronExpression, ZoneId zone, Map<String, String> data) {
        service.cron(instanceId, key, handlerName, cronExpression, zone, data);
    }

    @Override
    public boolean cancel(String key) {
        return service.cancel(instanceId, key);
    }

    @Override
    public Optional<Instant> nextFire(String key) {
        return service.nextFire(instanceId, key);
    }

    @Override
    public String toString() {
        return "Scheduler[" + instanceId + "]";
    }
}
