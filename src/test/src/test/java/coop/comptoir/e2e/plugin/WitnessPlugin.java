package coop.comptoir.e2e.plugin;

import coop.comptoir.api.config.Problems;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A plugin for the end-to-end fault suite only (never shipped): a witness that cannot miss a
 * double. Every call of its handler for a message (any message the bot's rooms carry, the bridge's
 * included: the dispatcher gives every event to every subscribed handler) appends one line to its own
 * file (config {@code file}): {@code <event ID> TAB <run ID> TAB <epoch ms>}. The run ID is new at
 * every start of the process, so a handler re-run after a crash shows as two lines of two runs.
 * Nothing is deduplicated there: the file is the count of handler invocations. Once a command's
 * answer is sent, a second line ends with {@code TAB end}: a re-run after a crash tells whether
 * the first call had finished (its "handled" mark was lost) or was cut in the middle.
 *
 * <p>Jobs: with {@code jobs_file}, {@code jobs_first} (epoch ms), {@code jobs_count} and
 * {@code jobs_every_ms}, it schedules once-jobs {@code w0, w1, …} due at {@code jobs_first + i ×
 * jobs_every_ms} (only those still to come and not scheduled yet: a cluster member starting later
 * does not replace a job another one is about to run) and appends one line per job run to
 * {@code jobs_file}: {@code <key> TAB <run ID> TAB <epoch ms> TAB <due epoch ms>}. Several processes
 * may share the file (appends of one short line never interleave).
 *
 * <p>For {@code !witness <text>} it then answers with the notice {@code témoin <text>} in reply to the command, with a
 * transaction ID derived from the event (as the shipped plugins do), so the homeserver folds a
 * repeated send of the same answer into one event; a person would see a double only if two events
 * with that answer exist in the room.
 */
public final class WitnessPlugin implements Plugin {
    /** The command the witness answers. */
    public static final String COMMAND = "!witness ";
    /** A command text starting with this is answered after the configured {@code answer_delay_ms}. */
    public static final String SLOW = "slow";
    /** The start of its answers. */
    public static final String ANSWER = "témoin ";

    private final PluginContext ctx;
    private final FileChannel file;
    private final String runId = UUID.randomUUID().toString();

    private final long answerDelayMs;
    private final FileChannel jobsFile;

    WitnessPlugin(PluginContext ctx, Factory.Settings config) {
        this.ctx = ctx;
        this.answerDelayMs = config.answerDelayMs() == null ? 0 : config.answerDelayMs();
        this.file = open(Path.of(config.file()));
        this.jobsFile = config.jobsFile() == null ? null : open(Path.of(config.jobsFile()));
        ctx.events().on(EventTypes.ROOM_MESSAGE, this::onMessage);
        ctx.log().info("Witness run {}", runId);
        if (jobsFile != null) {
            ctx.scheduler().handler(JOB, (key, due, data) -> write(jobsFile,
                    key + "\t" + runId + "\t" + System.currentTimeMillis() + "\t" + due.toEpochMilli() + "\n"));
            long soon = System.currentTimeMillis() + 2000;
            for (int i = 0; i < config.jobsCount(); i++) {
                long due = config.jobsFirst() + (long) i * config.jobsEveryMs();
                String key = "w" + i;
                if (due > soon && ctx.scheduler().nextFire(key).isEmpty()) {
                    ctx.scheduler().once(key, JOB, java.time.Instant.ofEpochMilli(due), java.util.Map.of());
                }
            }
        }
    }

    /** The handler name of the witness's jobs. */
    public static final String JOB = "witness-job";

    private static FileChannel open(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the witness file " + path, e);
        }
    }

    private static void write(FileChannel channel, String line) {
        try {
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void onMessage(MatrixEvent event) {
        record(event, "");
        String body = event.message().map(m -> m.body()).orElse(null);
        if (body == null || !body.startsWith(COMMAND)) {
            return;
        }
        String text = body.substring(COMMAND.length());
        if (answerDelayMs > 0 && text.startsWith(SLOW)) {
            try {
                Thread.sleep(answerDelayMs); // a slow command: a fault may fall between the call and its answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        ctx.matrix().send(event.roomId(), OutgoingMessage.notice(ANSWER + text).replyingTo(event.eventId()),
                "witness-" + event.eventId().value());
        record(event, "\tend");
    }

    /** One line per call ({@code end} added once the answer is sent), in one write: lines never interleave. */
    private void record(MatrixEvent event, String suffix) {
        write(file, event.eventId().value() + "\t" + runId + "\t" + System.currentTimeMillis() + suffix + "\n");
    }

    @Override
    public void close() {
        try {
            file.close();
            if (jobsFile != null) {
                jobsFile.close();
            }
        } catch (IOException e) {
            ctx.log().warn("Could not close the witness file: {}", e.toString());
        }
    }

    /** The factory found through ServiceLoader: type {@code witness}, config {@code file: <path>}. */
    public static final class Factory implements PluginFactory<Factory.Settings> {
        /**
         * @param file where every handler call is recorded
         * @param jobsFile where every job run is recorded (no jobs without it)
         * @param jobsFirst when the first job is due (epoch ms)
         * @param jobsCount how many jobs
         * @param jobsEveryMs the time between two jobs
         * @param answerDelayMs how long the handler of a command starting with {@link #SLOW} waits
         *                      before answering (none by default)
         */
        public record Settings(String file, String jobsFile, Long jobsFirst, Integer jobsCount, Long jobsEveryMs,
                               Long answerDelayMs) {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "witness";
        }

        @Override
        public void validate(Settings config, Problems problems) {
            if (config.file() == null || config.file().isBlank()) {
                problems.add("file", "the file where every handler call is recorded is missing");
            }
            if (config.jobsFile() != null && (config.jobsFirst() == null || config.jobsCount() == null
                    || config.jobsEveryMs() == null)) {
                problems.add("jobs_file", "jobs need jobs_first, jobs_count and jobs_every_ms");
            }
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new WitnessPlugin(context, config);
        }
    }
}
