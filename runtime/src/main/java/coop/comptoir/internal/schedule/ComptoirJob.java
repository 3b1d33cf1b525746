package coop.comptoir.internal.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The one Quartz job class of Comptoir: it hands the firing to {@link QuartzService}, which finds
 * the plugin's handler. Its name is stored with every persistent job: do not rename or move it.
 * Runs of one job never overlap (a slow cron handler delays its next firing).
 */
@DisallowConcurrentExecution
public final class ComptoirJob implements Job {
    private final QuartzService service;

    ComptoirJob(QuartzService service) {
        this.service = service;
    }

    @Override
    public void execute(JobExecutionContext context) {
        service.fire(context);
    }
}
