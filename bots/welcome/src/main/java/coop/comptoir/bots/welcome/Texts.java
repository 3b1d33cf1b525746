package coop.comptoir.bots.welcome;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.welcome.WelcomeConfig.FaqTopic;
import coop.comptoir.bots.welcome.WelcomeConfig.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The instance's checked texts: default greeting, onboarding guide and FAQ. Immutable; a reload
 * builds a new one and swaps it in whole.
 */
record Texts(Localized greeting, Localized directMessage, List<Topic> faq) {

    /** A template in French and, optionally, English. */
    record Localized(Template fr, Template en) {
        Template in(String language) {
            return "en".equals(language) && en != null ? en : fr;
        }
    }

    /** A checked FAQ topic; keywords as written. */
    record Topic(String name, List<String> keywords, Localized answer) {}

    /**
     * Checks and parses texts; every problem goes to {@code errors} with its key path under
     * {@code path}. Absent greeting and guide get the built-in ones ({@link Wording}), made of what is configured.
     *
     * @param configured the optional placeholders that have a value ({@code wiki}, {@code forum})
     */
    static Texts compile(Text greeting, Text directMessage, List<FaqTopic> faq, String path,
                         Set<String> configured, List<ConfigException> errors, Wording wording) {
        Localized g = localized(greeting != null ? greeting : wording.defaultGreeting(configured),
                KeyPaths.child(path, "greeting"), configured, errors);
        Localized dm = localized(directMessage != null ? directMessage : wording.defaultGuide(configured),
                KeyPaths.child(path, "direct_message"), configured, errors);
        List<Topic> topics = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < faq.size(); i++) {
            FaqTopic t = faq.get(i);
            String at = KeyPaths.index(KeyPaths.child(path, "faq"), i);
            if (t == null || t.topic() == null || t.topic().isBlank()) {
                errors.add(new ConfigException(KeyPaths.child(at, "topic"), "missing"));
                continue;
            }
            if (!names.add(t.topic().strip().toLowerCase(java.util.Locale.ROOT))) {
                errors.add(new ConfigException(KeyPaths.child(at, "topic"), "topic \"" + t.topic() + "\" is listed twice"));
            }
            if (t.keywords().isEmpty() || t.keywords().stream().anyMatch(k -> k == null || FaqMatcher.normalize(k).isEmpty())) {
                errors.add(new ConfigException(KeyPaths.child(at, "keywords"), "needs at least one keyword, none empty"));
            }
            if (t.answer() == null) {
                errors.add(new ConfigException(KeyPaths.child(at, "answer"), "missing"));
                continue;
            }
            Localized answer = localized(t.answer(), KeyPaths.child(at, "answer"), configured, errors);
            if (answer != null) {
                topics.add(new Topic(t.topic().strip(), t.keywords(), answer));
            }
        }
        return new Texts(g, dm, List.copyOf(topics));
    }

    /** Checks a French/English pair; null (with errors added) when it is wrong. */
    static Localized localized(Text text, String path, Set<String> configured, List<ConfigException> errors) {
        if (text.fr() == null) {
            errors.add(new ConfigException(KeyPaths.child(path, "fr"), "missing (French is the default language)"));
            return null;
        }
        Template fr = template(text.fr(), KeyPaths.child(path, "fr"), configured, errors);
        Template en = text.en() == null ? null : template(text.en(), KeyPaths.child(path, "en"), configured, errors);
        return fr == null || (text.en() != null && en == null) ? null : new Localized(fr, en);
    }

    private static Template template(String source, String path, Set<String> configured, List<ConfigException> errors) {
        try {
            Template t = Template.parse(source);
            for (String p : t.placeholders()) {
                if ((p.equals("wiki") || p.equals("forum")) && !configured.contains(p)) {
                    errors.add(new ConfigException(path, "uses {" + p + "} but " + p + " is not set"));
                    return null;
                }
            }
            return t;
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigException(path, e.getMessage()));
            return null;
        }
    }

    /** Key paths as the runtime writes them: {@code a.b}, {@code a[2]}. */
    static final class KeyPaths {
        private KeyPaths() {}

        static String child(String path, String key) {
            return path == null || path.isEmpty() ? key : path + "." + key;
        }

        static String index(String path, int i) {
            return path + "[" + i + "]";
        }
    }
}
