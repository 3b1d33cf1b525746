package coop.comptoir.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The top-level {@code language:}, {@code address:} and {@code texts:} keys: read from the tree
 * with a key path in every error. Whether each override matches a shipped text is checked when the
 * plugins are known ({@link PluginCatalog#instances}).
 */
final class TextsSection {
    private TextsSection() {}

    /** The top-level language, lower case; null (with an error) when wrong. */
    static String language(JsonNode node, List<ConfigException> errors) {
        if (node == null || !node.isTextual()) {
            errors.add(new ConfigException("language", "expected a language code: fr or en"));
            return null;
        }
        String language = node.asText().strip().toLowerCase(Locale.ROOT);
        return checkLanguage(language, "language", errors) ? language : null;
    }

    /** Whether Comptoir has texts in {@code language}; an error at {@code path} when not. */
    static boolean checkLanguage(String language, String path, List<ConfigException> errors) {
        if (!TextSettings.isLanguage(language)) {
            errors.add(new ConfigException(path, "expected a language code: fr or en"));
            return false;
        }
        if (Catalogue.shipped("runtime", language, TextsSection.class.getClassLoader()) == null) {
            // A language is added with texts/<part>_<language>.properties files on the class path.
            errors.add(new ConfigException(path, "expected fr or en"));
            return false;
        }
        return true;
    }

    /** {@code tu} or {@code vous}; null (with an error) when wrong. */
    static String address(JsonNode node, List<ConfigException> errors) {
        String address = node != null && node.isTextual() ? node.asText().strip().toLowerCase(Locale.ROOT) : null;
        if (!TextSettings.isAddress(address)) {
            errors.add(new ConfigException("address", "expected vous (default) or tu: how messages speak to one member"));
            return null;
        }
        return address;
    }

    /** {@code texts:}: language → (key → text); the broken entries are left out, with an error each. */
    static Map<String, Map<String, String>> texts(JsonNode node, List<ConfigException> errors) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            errors.add(new ConfigException("texts", "expected a mapping of languages, e.g. fr: {\"welcome.greeting.default\": \"…\"}"));
            return out;
        }
        for (var language : node.properties()) {
            String at = KeyPaths.child("texts", language.getKey());
            if (!language.getValue().isObject()) {
                errors.add(new ConfigException(at, "expected a mapping of texts (\"part.key\": \"text\")"));
                continue;
            }
            Map<String, String> texts = new LinkedHashMap<>();
            for (var text : language.getValue().properties()) {
                if (!text.getValue().isTextual()) {
                    errors.add(new ConfigException(KeyPaths.child(at, text.getKey()), "expected a text"));
                    continue;
                }
                texts.put(text.getKey(), text.getValue().asText());
            }
            out.put(language.getKey(), texts);
        }
        return out;
    }
}
