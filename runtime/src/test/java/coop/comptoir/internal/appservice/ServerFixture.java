package coop.comptoir.internal.appservice;

import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.dispatch.Dispatcher;
import coop.comptoir.internal.metrics.Metrics;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A started {@link AppserviceServer} over a real SQLite journal and dispatcher, for the listener tests. */
final class ServerFixture implements AutoCloseable {
    static final String HS_TOKEN = "hs-secret-token";

    /** IDs of the events the dispatcher handed to handlers. */
    final List<String> handledEvents = new CopyOnWriteArrayList<>();
    final Metrics metrics = new Metrics();
    private final ExecutorService dispatchPool = Executors.newFixedThreadPool(2);
    private final JdbcDatabase db;
    private final TransactionJournal journal;
    private final AppserviceServer server;

    ServerFixture(Path dir, AppserviceServer.Settings settings, PluginRoutes routes) {
        db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), null, null, "normal", 2);
        TransactionJournal[] journalRef = new TransactionJournal[1];
        Dispatcher d = new Dispatcher(dispatchPool, metrics, UserId.of("@comptoir:coop.example"), seq -> journalRef[0].markHandled(seq));
        d.subscribe("t", null, false, e -> true, e -> handledEvents.add(e.eventId().value()));
        journal = new TransactionJournal(db, Clock.systemUTC(), l -> l.forEach(s -> {
            @SuppressWarnings("unchecked")
            List<MatrixEvent> events = (List<MatrixEvent>) s.attachment();
            d.submit(s.seq(), events);
        }));
        journalRef[0] = journal;
        journal.start();
        server = new AppserviceServer(settings, HS_TOKEN, new ObjectMapper(), journal, new AppserviceServer.Queries() {
            @Override
            public boolean queryUser(UserId user) {
                return false;
            }

            @Override
            public boolean queryAlias(RoomAlias alias) {
                return false;
            }
        }, dispatchPool, metrics, () -> true, d::handledCount, routes);
        server.start();
    }

    int port() {
        return server.port();
    }

    int adminPort() {
        return server.adminPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** A transaction of one message event. */
    static String transaction(String eventId) {
        return "{\"events\":[{\"type\":\"m.room.message\",\"room_id\":\"!r:coop.example\",\"sender\":\"@alice:coop.example\","
                + "\"event_id\":\"" + eventId + "\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi\"}}]}";
    }

    static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        server.close();
        journal.close();
        db.close();
        dispatchPool.shutdownNow();
    }
}
