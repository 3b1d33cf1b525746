package coop.comptoir.bots.welcome;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Small stand-ins for the runtime's parts, enough to drive a plugin in a unit test. */
final class Fakes {
    private Fakes() {}

    static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A plugin section from YAML, bound by the runtime's own binder (as check-config does). */
    static final class Section {
        private Section() {}

        static PluginConfig of(String yaml) {
            try {
                return coop.comptoir.testing.PluginConfigs.of("welcome", "plugins[0]", YAML.readTree(yaml), "coop.example");
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    /** Delivers events to the handlers whose type and filter match, as the dispatcher does. */
    static final class Events implements EventSubscriptions {
        private record Sub(String type, EventFilter filter, EventHandler handler) {}

        private final List<Sub> subs = new ArrayList<>();

        @Override
        public void on(String type, EventFilter filter, EventHandler handler) {
            subs.add(new Sub(type, filter, handler));
        }

        @Override
        public void onAny(EventHandler handler) {
            subs.add(new Sub(null, EventFilter.ALL, handler));
        }

        @Override
        public void onAnyIncludingOwn(EventHandler handler) {
            onAny(handler);
        }

        void deliver(MatrixEvent e) throws Exception {
            for (Sub s : subs) {
                if ((s.type == null || s.type.equals(e.type())) && s.filter.accepts(e)) {
                    s.handler.handle(e);
                }
            }
        }
    }

    /** Keeps jobs in a map; {@link #runDue} fires those whose time has come on the test clock. */
    static final class Jobs implements Scheduler {
        record Job(String handler, Instant when, Map<String, String> data) {}

        private final Clock clock;
        private final Map<String, JobHandler> handlers = new HashMap<>();
        final Map<String, Job> jobs = new LinkedHashMap<>();

        Jobs(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void handler(String name, JobHandler handler) {
            handlers.put(name, handler);
        }

        @Override
        public void once(String key, String handlerName, Instant when, Map<String, String> data) {
            jobs.put(key, new Job(handlerName, when, data));
        }

        @Override
        public void cron(String key, String handlerName, String cron, ZoneId zone, Map<String, String> data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean cancel(String key) {
            return jobs.remove(key) != null;
        }

        @Override
        public Optional<Instant> nextFire(String key) {
            return Optional.ofNullable(jobs.get(key)).map(Job::when);
        }

        void runDue() throws Exception {
            for (var it = new ArrayList<>(jobs.entrySet()).iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().when().isAfter(clock.instant())) {
                    jobs.remove(e.getKey());
                    handlers.get(e.getValue().handler()).run(e.getKey(), e.getValue().when(), e.getValue().data());
                }
            }
        }
    }

    /** SQLite in a file of the test's temporary folder. */
    static final class Sqlite implements Database {
        private final Connection connection;
        private final Map<String, Integer> applied = new HashMap<>();

        Sqlite(Path dir) throws SQLException {
            connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
        }

        @Override
        public Dialect dialect() {
            return Dialect.SQLITE;
        }

        @Override
        public synchronized void migrate(String component, List<Migration> migrations) {
            int done = applied.getOrDefault(component, 0);
            for (Migration m : migrations) {
                if (m.version() > done) {
                    withConnection(c -> {
                        try (Statement s = c.createStatement()) {
                            for (String sql : m.sql(Dialect.SQLITE).split(";\\s*\\n")) {
                                if (!sql.isBlank()) {
                                    s.execute(sql);
                                }
                            }
                        }
                        return null;
                    });
                    applied.put(component, m.version());
                }
            }
        }

        @Override
        public synchronized <T> T inTransaction(SqlFunction<T> work) {
            try {
                connection.setAutoCommit(false);
                try {
                    T t = work.apply(connection);
                    connection.commit();
                    return t;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new StoreException(e.getMessage(), e);
            }
        }

        @Override
        public synchronized <T> T withConnection(SqlFunction<T> work) {
            try {
                return work.apply(connection);
            } catch (SQLException e) {
                throw new StoreException(e.getMessage(), e);
            }
        }
    }

    /** A command as the router would pass it; keeps the replies. */
    static final class Invocation implements CommandInvocation {
        private final MatrixEvent event;
        private final String name;
        private final String args;
        final List<String> replies = new ArrayList<>();
        final List<String> htmlReplies = new ArrayList<>();

        Invocation(MatrixEvent event, String name, String args) {
            this.event = event;
            this.name = name;
            this.args = args;
        }

        @Override
        public MatrixEvent event() {
            return event;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String argumentText() {
            return args;
        }

        @Override
        public List<String> arguments() {
            return args.isBlank() ? List.of() : List.of(args.split("\\s+"));
        }

        @Override
        public Locale locale() {
            return Locale.FRENCH;
        }

        @Override
        public void reply(String text) {
            replies.add(text);
        }

        @Override
        public void replyHtml(String plain, String html) {
            replies.add(plain);
            htmlReplies.add(html);
        }
    }
}
