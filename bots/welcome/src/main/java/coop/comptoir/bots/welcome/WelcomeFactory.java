package coop.comptoir.bots.welcome;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.bots.welcome.Texts.Localized;
import coop.comptoir.bots.welcome.WelcomeConfig.RoomConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The {@code welcome} plugin type: greets newcomers and answers in the help room. */
public final class WelcomeFactory implements PluginFactory<WelcomeConfig> {
    /** The longest {@code group_window}: joins are greeted together within it. */
    static final Duration MAX_GROUP_WINDOW = Duration.ofSeconds(60);

    @Override
    public String type() {
        return "welcome";
    }

    @Override
    public Class<WelcomeConfig> configType() {
        return WelcomeConfig.class;
    }

    @Override
    public void validate(WelcomeConfig config, Problems problems) {
        settings(config, problems, coop.comptoir.api.text.TextSettings.DEFAULT);
    }

    /** The names under {@code commands} ({@code faq}, {@code rooms}, {@code reload}). */
    @Override
    public List<CommandName> commands(WelcomeConfig config, PluginConfig section) {
        List<CommandName> names = new ArrayList<>();
        Problems at = Problems.root(section.path()).at("commands");
        config.commands().byKey().forEach((key, list) -> {
            for (int i = 0; i < list.size(); i++) {
                names.add(CommandName.of(list.get(i), at.at(key).at(i).path()));
            }
        });
        return names;
    }

    @Override
    public Plugin create(WelcomeConfig config, PluginContext context) throws Exception {
        Problems problems = Problems.root(context.config().path());
        Settings settings = settings(config, problems, context.texts());
        problems.throwIfAny();
        return new WelcomePlugin(context, settings);
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
     * Checks and compiles a bound section; every problem goes to {@code problems}, each naming its
     * key path ({@code plugins[0].rooms[1].greeting.fr: unknown placeholder {nom} …}). No I/O: the
     * texts file is read when the instance is created.
     *
     * @param base the top-level language, address and texts, under the section's own {@code language:}
     */
    static Settings settings(WelcomeConfig c, Problems problems, coop.comptoir.api.text.TextSettings base) {
        String path = problems.path();
        List<ConfigException> errors = new ArrayList<>();
        Set<String> configured = new HashSet<>();
        url(c.wiki(), problems.pathOf("wiki"), "wiki", configured, errors);
        url(c.forum(), problems.pathOf("forum"), "forum", configured, errors);
        if (c.coop().isBlank()) {
            problems.add("coop", "empty");
        }
        if (c.language() != null) {
            language(c.language(), problems.pathOf("language"), errors);
        }
        Wording wording = c.language() == null || errors.stream().noneMatch(e -> e.path().endsWith(".language"))
                ? Wording.of(base.withLanguage(c.language())) : Wording.SHIPPED;
        durations(c, problems);
        List<Pattern> ignore = new ArrayList<>();
        for (int i = 0; i < c.ignoreUsers().size(); i++) {
            try {
                ignore.add(Pattern.compile(c.ignoreUsers().get(i)));
            } catch (PatternSyntaxException | NullPointerException e) {
                problems.at("ignore_users").at(i).add(null, "not a regular expression"
                        + (e instanceof PatternSyntaxException p ? ": " + p.getDescription() : ""));
            }
        }
        Texts texts = null;
        if (c.textsFile() != null) {
            if (c.textsFile().isBlank()) {
                problems.add("texts_file", "empty");
            }
            for (String key : List.of("greeting", "direct_message", "faq")) {
                boolean inline = switch (key) {
                    case "greeting" -> c.greeting() != null;
                    case "direct_message" -> c.directMessage() != null;
                    default -> !c.faq().isEmpty();
                };
                if (inline) {
                    problems.add(key, "texts_file is set: put " + key + " in that file instead");
                }
            }
        } else {
            texts = Texts.compile(c.greeting(), c.directMessage(), c.faq(), path, configured, errors, wording);
        }
        Set<String> commandNames = new HashSet<>();
        c.commands().byKey().forEach((key, names) -> {
            for (int i = 0; i < names.size(); i++) {
                Problems at = problems.at("commands").at(key).at(i);
                String n = names.get(i);
                if (n == null || !n.matches("[a-z0-9][a-z0-9_-]*")) {
                    at.add(null, "lower-case letters, digits, - or _");
                } else if (!commandNames.add(n)) {
                    at.add(null, n + " is used twice");
                }
            }
        });
        if (c.rooms().isEmpty()) {
            problems.add("rooms", "list at least one room");
        }
        List<Localized> greetings = new ArrayList<>();
        Set<RoomRef> seen = new LinkedHashSet<>();
        for (int i = 0; i < c.rooms().size(); i++) {
            RoomConfig r = c.rooms().get(i);
            Problems at = problems.at("rooms").at(i);
            if (r == null) {
                at.add(null, "missing");
                greetings.add(null);
                continue;
            }
            if (!seen.add(r.room())) {
                at.add("room", r.room() + " is listed twice");
            }
            if (r.language() != null) {
                language(r.language(), at.pathOf("language"), errors);
            }
            greetings.add(r.greeting() == null ? null
                    : Texts.localized(r.greeting(), at.pathOf("greeting"), configured, errors));
        }
        errors.forEach(problems::addAll);
        return new Settings(c, texts, greetings, List.copyOf(ignore), Set.copyOf(configured), wording);
    }

    /** {@code group_window} and {@code faq_cooldown}, and their former spellings in seconds and minutes. */
    @SuppressWarnings("deprecation")
    private static void durations(WelcomeConfig c, Problems problems) {
        if (c.groupWindowSeconds() != null) {
            problems.deprecated("group_window_seconds", "group_window", "group_window: " + c.groupWindowSeconds() + "s");
        }
        if (c.faqCooldownMinutes() != null) {
            problems.deprecated("faq_cooldown_minutes", "faq_cooldown", "faq_cooldown: " + c.faqCooldownMinutes() + "m");
        }
        String window = c.groupWindowSeconds() != null ? "group_window_seconds" : "group_window";
        if (c.groupWindow().isNegative() || c.groupWindow().compareTo(MAX_GROUP_WINDOW) > 0) {
            problems.add(window, "must be between 0s and 60s");
        }
        if (c.faqCooldown().isNegative()) {
            problems.add(c.faqCooldownMinutes() != null ? "faq_cooldown_minutes" : "faq_cooldown", "must not be negative");
        }
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

}
