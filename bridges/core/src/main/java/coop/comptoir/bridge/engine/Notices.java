package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/** Notices the bot posts in portal rooms. Best effort: a notice that cannot be sent is logged, never thrown. */
final class Notices {
    private final MatrixClient bot;
    private final String instance;
    private final Logger log;
    private final Set<String> told = ConcurrentHashMap.newKeySet();

    Notices(MatrixClient bot, String instance, Logger log) {
        this.bot = bot;
        this.instance = instance;
        this.log = log;
    }

    /** A notice answering {@code about} (a reply), sent once per {@code kind} and event. */
    void about(RoomId room, EventId about, String kind, String text) {
        OutgoingMessage m = OutgoingMessage.notice(text);
        if (about != null) {
            m = m.replyingTo(about);
        }
        send(room, m, Txn.of(instance, "notice-" + kind, room, about));
    }

    /** A notice in {@code room}, sent once per {@code kind} while the process runs. */
    void oncePerRoom(RoomId room, String kind, String text) {
        if (told.add(room + "\n" + kind)) {
            send(room, OutgoingMessage.notice(text), null);
        }
    }

    private void send(RoomId room, OutgoingMessage m, String txn) {
        try {
            bot.send(room, m, txn);
        } catch (RuntimeException e) {
            log.warn("Could not post a notice in {}: {}", room, e.getMessage());
        }
    }
}
