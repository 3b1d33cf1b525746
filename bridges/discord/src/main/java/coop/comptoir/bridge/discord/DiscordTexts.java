package coop.comptoir.bridge.discord;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;

/**
 * The reasons the connector gives for what people can fix (a permission, a size, a channel): the
 * {@value #BUNDLE} catalogue ({@code texts/discord_*.properties}); the bridge engine shows them in
 * the room. Other failures are told in English, for the tech team.
 */
final class DiscordTexts {
    static final String BUNDLE = "discord";
    static final DiscordTexts FR = of(TextSettings.DEFAULT);
    static final DiscordTexts EN = of(TextSettings.DEFAULT.withLanguage("en"));

    private final Catalogue c;

    private DiscordTexts(Catalogue c) {
        this.c = c;
    }

    /** @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken */
    static DiscordTexts of(TextSettings settings) {
        return new DiscordTexts(Catalogue.load(BUNDLE, DiscordTexts.class, settings));
    }

    /** Whether these are the English texts: English reasons also say what was being done. */
    boolean english() {
        return "en".equals(c.language());
    }

    String language() {
        return c.language();
    }

    String text(String key, Object... args) {
        return c.text(key, args);
    }

    String megabytes(long bytes) {
        return c.text("size.mb", "mb", String.format(english() ? java.util.Locale.ROOT : c.locale(), "%.1f", bytes / (1024.0 * 1024.0)));
    }
}
