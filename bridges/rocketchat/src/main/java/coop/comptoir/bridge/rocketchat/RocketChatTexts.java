package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;

/**
 * What the connector tells people in the rooms (through {@code !bridge status} and failure notices):
 * the {@value #BUNDLE} catalogue ({@code texts/rocketchat_*.properties}). Log lines stay in English.
 */
final class RocketChatTexts {
    static final String BUNDLE = "rocketchat";

    private final Catalogue c;

    private RocketChatTexts(Catalogue c) {
        this.c = c;
    }

    /** @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken */
    static RocketChatTexts of(TextSettings settings) {
        return new RocketChatTexts(Catalogue.load(BUNDLE, RocketChatTexts.class, settings));
    }

    String text(String key, Object... args) {
        return c.text(key, args);
    }
}
