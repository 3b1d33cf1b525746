package coop.comptoir.bots.welcome;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bots.welcome.WelcomeConfig.Text;
import java.util.List;
import java.util.Set;

/**
 * The plugin's own words: the {@value #BUNDLE} catalogue ({@code texts/welcome_*.properties}) in
 * the instance's language and address. The coop's greetings, guide and FAQ from the config are not
 * here: they are the coop's content ({@link Texts}).
 */
final class Wording {
    static final String BUNDLE = "welcome";
    /** The shipped words, French and {@code vous}: what {@code check-config} compiles the defaults with. */
    static final Wording SHIPPED = of(TextSettings.DEFAULT);

    private final Catalogue c;

    private Wording(Catalogue c) {
        this.c = c;
    }

    /** @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken */
    static Wording of(TextSettings settings) {
        return new Wording(Catalogue.load(BUNDLE, Wording.class, settings));
    }

    /** The same words in {@code language}. */
    Wording in(String language) {
        return language.equals(c.language()) ? this : new Wording(c.in(language));
    }

    String language() {
        return c.language();
    }

    /** The built-in greeting (French and English), made of what is configured ({@code wiki}, {@code forum}). */
    Text defaultGreeting(Set<String> configured) {
        return new Text(template(in("fr"), "greeting.default", configured), template(in("en"), "greeting.default", configured));
    }

    /** The built-in onboarding guide sent by direct message. */
    Text defaultGuide(Set<String> configured) {
        return new Text(template(in("fr"), "guide.default", configured), template(in("en"), "guide.default", configured));
    }

    /** A welcome template: its placeholders are given as themselves, to be filled per newcomer. */
    private static String template(Wording w, String key, Set<String> configured) {
        return w.c.text(key, "name", "{name}", "coop", "{coop}", "wiki", "{wiki}", "forum", "{forum}", "rooms", "{rooms}",
                "wiki_set", configured.contains("wiki") ? "yes" : "no", "forum_set", configured.contains("forum") ? "yes" : "no");
    }

    /** "Ana, Bo et Cy". */
    String names(List<String> names) {
        if (names.size() <= 1) {
            return names.isEmpty() ? "" : names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " " + c.text("names.and") + " " + names.get(names.size() - 1);
    }

    String text(String key, Object... args) {
        return c.text(key, args);
    }
}
