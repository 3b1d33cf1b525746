package coop.comptoir.bots.welcome;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.bots.welcome.Texts.KeyPaths;
import coop.comptoir.bots.welcome.Texts.Localized;
import coop.comptoir.bots.welcome.WelcomeConfig.RoomConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The {@code welcome} plugin type: greets newcomers and answers in the help room. */
public final class WelcomeFactory implements PluginFactory {
    @Override
    public String type() {
        return "welcome";
    }

    @Override
    public void validate(PluginConfig config) {
        settings(config);
    }

    /** The names under {@code commands} ({@code faq}, {@code rooms}, {@code reload}). */
    @Override
    public List<CommandName> commands(PluginConfig config) {
        List<CommandName> names = new ArrayList<>();
        String at = KeyPaths.child(config.path(), "commands");
        config.bind(WelcomeConfig.class).commands().byKey().forEach((key, list) -> {
            for (int i = 0; i < list.size(); i++) {
                names.add(CommandName.of(list.get(i), KeyPaths.index(KeyPaths.child(at, key), i)));
            }
        });
        return names;
    }

    @Override
    public Plugin create(PluginContext context) throws Exception {
        return new WelcomePlugin(context, settings(context.config(), context.texts()));
    }

    /**
     * The section checked and compiled.
     *
     * @param texts the texts from the section, or null when they come from {@code texts_file}
     * @param roomGreetings each room's own greeting, or null, in the order of {@code rooms}
     */
    record Settings(WelcomeConfig config, Texts texts, List<Localized> roomGreetings, List<Pattern> ignoreUsers,
                    Set<String> configured, Wording wording) {}

    /**
     * Binds and checks the section; throws the first problem with the others suppressed, each naming
     * its key path ({@code plugins[0].rooms[1].greeting.fr: unknown placeholder {nom} …}). No I/O:
     * the texts file is read when the instance is created.
     */
    static Settings settings(PluginConfig section) {
        return settings(section, coop.comptoir.api.text.TextSettings.DEFAULT);
    }

    /** @param base the top-level language, address and texts, under the section's own {@code language:} */
    static Settings settings(PluginConfig section, coop.comptoir.api.text.TextSettings base) {
        WelcomeConfig c = section.bind(WelcomeConfig.class);
        String path = section.path();
        List<ConfigException> errors = new ArrayList<>();
        Set<String> configured = new HashSet<>();
        url(c.wiki(), KeyPaths.child(path, "wiki"), "wiki", configured, errors);
        url(c.forum(), KeyPaths.child(path, "forum"), "forum", configured, errors);
        if (c.coop().isBlank()) {
            errors.add(new ConfigException(KeyPaths.child(path, "coop"), "empty"));
        }
        if (c.language() != null) {
            language(c.language(), KeyPaths.child(path, "language"), errors);
        }
        Wording wording = c.language() == null || errors.stream().noneMatch(e -> e.path().endsWith(".language"))
                ? Wording.of(base.withLanguage(c.language())) : Wording.SHIPPED;
        if (c.groupWindowSeconds() < 0 || c.groupWindowSeconds() > 60) {
            errors.add(new ConfigException(KeyPaths.child(path, "group_window_seconds"), "must be between 0 and 60"));
        }
        if (c.faqCooldownMinutes() < 0) {
            errors.add(new ConfigException(KeyPaths.child(path, "faq_cooldown_minutes"), "must not be negative"));
        }
        if (c.space() != null && !isRoomAddress(c.space())) {
            errors.add(new ConfigException(KeyPaths.child(path, "space"), "not a room ID (!…) or alias (#…:server)"));
        }
        List<Pattern> ignore = new ArrayList<>();
        for (int i = 0; i < c.ignoreUsers().size(); i++) {
            try {
                ignore.add(Pattern.compile(c.ignoreUsers().get(i)));
            } catch (PatternSyntaxException | NullPointerException e) {
                errors.add(new ConfigException(KeyPaths.index(KeyPaths.child(path, "ignore_users"), i),
                        "not a regular expression" + (e instanceof PatternSyntaxException p ? ": " + p.getDescription() : "")));
            }
        }
        Texts texts = null;
        if (c.textsFile() != null) {
            if (c.textsFile().isBlank()) {
                errors.add(new ConfigException(KeyPaths.child(path, "texts_file"), "empty"));
            }
            for (String key : List.of("greeting", "direct_message", "faq")) {
                boolean inline = switch (key) {
                    case "greeting" -> c.greeting() != null;
                    case "direct_message" -> c.directMessage() != null;
                    default -> !c.faq().isEmpty();
                };
                if (inline) {
                    errors.add(new ConfigException(KeyPaths.child(path, key),
                            "texts_file is set: put " + key + " in that file instead"));
                }
            }
        } else {
            texts = Texts.compile(c.greeting(), c.directMessage(), c.faq(), path, configured, errors, wording);
        }
        Set<String> commandNames = new HashSet<>();
        c.commands().byKey().forEach((key, names) -> {
            for (int i = 0; i < names.size(); i++) {
                String at = KeyPaths.index(KeyPaths.child(KeyPaths.child(path, "commands"), key), i);
                String n = names.get(i);
                if (n == null || !n.matches("[a-z0-9][a-z0-9_-]*")) {
                    errors.add(new ConfigException(at, "lower-case letters, digits, - or _"));
                } else if (!commandNames.add(n)) {
                    errors.add(new ConfigException(at, n + " is used twice"));
                }
            }
        });
        if (c.rooms().isEmpty()) {
            errors.add(new ConfigException(KeyPaths.child(path, "rooms"), "list at least one room"));
        }
        List<Localized> greetings = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < c.rooms().size(); i++) {
            RoomConfig r = c.rooms().get(i);
            String at = KeyPaths.index(KeyPaths.child(path, "rooms"), i);
            if (r == null) {
                errors.add(new ConfigException(at, "missing"));
                greetings.add(null);
                continue;
            }
            if (!isRoomAddress(r.room())) {
                errors.add(new ConfigException(KeyPaths.child(at, "room"), "not a room ID (!…) or alias (#…:server)"));
            } else if (!seen.add(r.room())) {
                errors.add(new ConfigException(KeyPaths.child(at, "room"), r.room() + " is listed twice"));
            }
            if (r.language() != null) {
                language(r.language(), KeyPaths.child(at, "language"), errors);
            }
            greetings.add(r.greeting() == null ? null
                    : Texts.localized(r.greeting(), KeyPaths.child(at, "greeting"), configured, errors));
        }
        if (!errors.isEmpty()) {
            ConfigException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        return new Settings(c, texts, greetings, List.copyOf(ignore), Set.copyOf(configured), wording);
    }

    private static void url(String value, String path, String placeholder, Set<String> configured, List<ConfigException> errors) {
        if (value == null) {
            return;
        }
        if (!value.matches("https?://\\S+")) {
            errors.add(new ConfigException(path, "expected an http(s) URL"));
        } else {
            configured.add(placeholder);
        }
    }

    private static void language(String value, String path, List<ConfigException> errors) {
        if (!"fr".equals(value) && !"en".equals(value)) {
            errors.add(new ConfigException(path, "expected fr or en, got \"" + value + "\""));
        }
    }

    static boolean isRoomAddress(String s) {
        return s != null && (s.matches("![^\\s]+") || s.matches("#[^\\s:]+:[^\\s]+"));
    }
}
