package coop.comptoir.bots.visio;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;

/**
 * Every text members read, from the catalogue {@code texts/visio_<language>.properties} (French is
 * the reference, English shipped); a coop rewrites any of them under {@code texts:} with keys
 * {@code visio.<key>}. Immutable and thread-safe.
 */
final class VisioTexts {
    /** The catalogue's name: files {@code texts/visio_*.properties}, override keys {@code visio.*}. */
    static final String BUNDLE = "visio";

    private final Catalogue catalogue;

    private VisioTexts(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The texts in the settings' language and address. Reads the files: call once per instance. */
    static VisioTexts of(TextSettings settings) {
        return new VisioTexts(Catalogue.load(BUNDLE, VisioTexts.class, settings));
    }

    /** The same texts in {@code language} (for {@code !help} in both languages). */
    VisioTexts in(String language) {
        return new VisioTexts(catalogue.in(language));
    }

    /** The announcement of a link, with or without a room name and a topic. */
    String announce(String room, String topic, String url) {
        String key = topic == null ? (room == null ? "link.no.name" : "link") : (room == null ? "link.topic.no.name" : "link.topic");
        return catalogue.text(key, "room", room, "topic", topic, "url", url);
    }

    /** The note under a personal (BigBlueButton) link. */
    String personal(String name, String command) {
        return catalogue.text("personal", "name", name, "command", command);
    }

    /** The answer when the video server cannot be reached. */
    String serverDown() {
        return catalogue.text("server.down");
    }

    /** The command's line in {@code !help}. */
    String help(String command) {
        return catalogue.text("help", "command", command);
    }
}
