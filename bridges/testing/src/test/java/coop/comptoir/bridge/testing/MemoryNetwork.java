package coop.comptoir.bridge.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A chat network in memory with one channel: what a connector's fake server is, in its simplest
 * form. Listeners get every change, the bridge's own included (as a real network echoes them).
 */
final class MemoryNetwork {
    /** The networks by name, for the factory (made by the ServiceLoader-style no-argument constructor). */
    static final Map<String, MemoryNetwork> BY_NAME = new ConcurrentHashMap<>();

    /** One message; {@code byBridge} when the connector posted it. */
    record Msg(long id, String author, String text, boolean byBridge, Optional<Long> replyTo, Instant at, boolean deleted,
               boolean edited) {}

    /** A change, as a gateway would push it. */
    record Change(String kind, Msg message) {}

    private final List<Msg> messages = new ArrayList<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private long next = 100;

    synchronized Msg post(String author, String text, boolean byBridge, Optional<Long> replyTo) {
        Msg m = new Msg(next++, author, text, byBridge, replyTo, Instant.now(), false, false);
        messages.add(m);
        push("created", m);
        return m;
    }

    synchronized Msg postSilently(String author, String text) {
        Msg m = new Msg(next++, author, text, false, Optional.empty(), Instant.now(), false, false);
        messages.add(m);
        return m;
    }

    synchronized void edit(long id, String text) {
        Msg m = replace(id, old -> new Msg(old.id(), old.author(), text, old.byBridge(), old.replyTo(), Instant.now(), false, true));
        push("edited", m);
    }

    synchronized void delete(long id) {
        Msg m = replace(id, old -> new Msg(old.id(), old.author(), old.text(), old.byBridge(), old.replyTo(), old.at(), true, old.edited()));
        push("deleted", m);
    }

    synchronized List<Msg> all() {
        return List.copyOf(messages);
    }

    synchronized long last() {
        return next - 1;
    }

    void listen(Consumer<Change> listener) {
        listeners.add(listener);
    }

    void unlisten(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    private Msg replace(long id, java.util.function.UnaryOperator<Msg> change) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).id() == id) {
                Msg m = change.apply(messages.get(i));
                messages.set(i, m);
                return m;
            }
        }
        throw new IllegalArgumentException("no message " + id);
    }

    private void push(String kind, Msg m) {
        for (Consumer<Change> l : listeners) {
            l.accept(new Change(kind, m));
        }
    }
}
