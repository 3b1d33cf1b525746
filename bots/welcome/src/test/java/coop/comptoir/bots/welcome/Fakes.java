package coop.comptoir.bots.welcome;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.plugin.PluginConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
