package coop.comptoir.bots.forum;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import java.util.List;

/** What members read: the {@value #BUNDLE} catalogue ({@code texts/forum_*.properties}), one method a text. */
final class Texts {
    static final String BUNDLE = "forum";
    static final Texts FR = of(TextSettings.DEFAULT);
    static final Texts EN = of(TextSettings.DEFAULT.withLanguage("en"));

    private final Catalogue c;

    private Texts(Catalogue c) {
        this.c = c;
    }

    /** @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken */
    static Texts of(TextSettings settings) {
        return new Texts(Catalogue.load(BUNDLE, Texts.class, settings));
    }

    Texts in(String language) {
        return language.equals(c.language()) ? this : new Texts(c.in(language));
    }

    String newTopic() {
        return c.text("topic.new");
    }

    String by() {
        return c.text("topic.by");
    }

    String in() {
        return c.text("topic.in");
    }

    String replies() {
        return c.text("topic.replies");
    }

    String seeForum() {
        return c.text("topic.see.forum");
    }

    String lastTopics() {
        return c.text("latest.title");
    }

    String noTopics() {
        return c.text("latest.none");
    }

    String forumDown() {
        return c.text("forum.down");
    }

    String commandHelp() {
        return c.text("command.help");
    }

    /** The answer to a category the command does not know (or may not show here), with the ones it knows. */
    String unknownCategory(String asked, List<String> known) {
        return known.isEmpty() ? c.text("category.unknown.alone", "category", asked)
                : c.text("category.unknown", "category", asked, "known", String.join(", ", known));
    }

    String more(int k) {
        return c.text("topic.more", "n", k);
    }
}
