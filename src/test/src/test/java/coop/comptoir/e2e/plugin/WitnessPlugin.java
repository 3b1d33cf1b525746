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

    WitnessPlugin(PluginContext ctx, Path path, long answerDelayMs) {
        this.ctx = ctx;
        this.answerDelayMs = answerDelayMs;
        try {
            this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the witness file " + path, e);
        }
        ctx.events().on(EventTypes.ROOM_MESSAGE, this::onMessage);
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
        String line = event.eventId().value() + "\t" + runId + "\t" + System.currentTimeMillis() + suffix + "\n";
        try {
            file.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            ctx.log().warn("Could not close the witness file: {}", e.toString());
        }
    }

    /** The factory found through ServiceLoader: type {@code witness}, config {@code file: <path>}. */
    public static final class Factory implements PluginFactory<Factory.Settings> {
        /**
         * @param file          where every handler call is recorded
         * @param answerDelayMs how long the handler of a command starting with {@link #SLOW} waits
         *                      before answering (none by default)
         */
        public record Settings(String file, Long answerDelayMs) {}

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
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new WitnessPlugin(context, Path.of(config.file()), config.answerDelayMs() == null ? 0 : config.answerDelayMs());
        }
    }
}
