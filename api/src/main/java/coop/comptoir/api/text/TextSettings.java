package coop.comptoir.api.text;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an instance speaks: its language, how it addresses one member, and the texts the coop
 * rewrote in its config. The runtime builds them from the top-level {@code language:},
 * {@code address:} and {@code texts:} keys; a plugin whose own section has a {@code language:}
 * (or {@code address:}) overrides them with {@link #withLanguage} / {@link #withAddress}.
 *
 * @param language  a language tag ({@code fr}, {@code en}, {@code nl}…), lower case
 * @param address   {@code tu} or {@code vous}: how a message speaks to one member (in languages
 *                  that make the difference; a group is always spoken to in the plural)
 * @param overrides language → ({@code bundle.key} → ICU pattern), the coop's own wording
 * @param overridesPath the key path of {@code overrides} in the config, for errors ({@code texts})
 */
public record TextSettings(String language, String address, Map<String, Map<String, String>> overrides,
                           String overridesPath) {
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    /** {@code vous} unless the coop says {@code tu}: the polite form suits a message to any member. */
    public static final String DEFAULT_ADDRESS = "vous";

    /** French, {@code vous}, nothing rewritten. */
    public static final TextSettings DEFAULT = new TextSettings("fr", DEFAULT_ADDRESS, Map.of(), "texts");

    /** @throws IllegalArgumentException when the language is not a two- or three-letter code or the address is not tu/vous */
    public TextSettings {
        Objects.requireNonNull(language, "language");
        if (!isLanguage(language)) {
            throw new IllegalArgumentException("language: expected a two- or three-letter code (fr, en…), got \"" + language + "\"");
        }
        if (!isAddress(address)) {
            throw new IllegalArgumentException("address: expected tu or vous, got \"" + address + "\"");
        }
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        (overrides == null ? Map.<String, Map<String, String>>of() : overrides)
                .forEach((lang, texts) -> copy.put(lang, Map.copyOf(new LinkedHashMap<>(texts))));
        overrides = java.util.Collections.unmodifiableMap(copy);
        overridesPath = overridesPath == null ? "texts" : overridesPath;
    }

    /** Whether {@code s} is a language code this API accepts: two or three lower-case letters. */
    public static boolean isLanguage(String s) {
        return s != null && LANGUAGE.matcher(s).matches();
    }

    /** Whether {@code s} is {@code tu} or {@code vous}. */
    public static boolean isAddress(String s) {
        return "tu".equals(s) || "vous".equals(s);
    }

    /** The same settings in {@code language}, or these when it is null (a plugin section without {@code language:}). */
    public TextSettings withLanguage(String language) {
        return language == null ? this : new TextSettings(language.toLowerCase(Locale.ROOT), address, overrides, overridesPath);
    }

    /** The same settings with {@code address}, or these when it is null. */
    public TextSettings withAddress(String address) {
        return address == null ? this : new TextSettings(language, address, overrides, overridesPath);
    }

    /** The language as a {@link Locale}, for dates and numbers. */
    public Locale locale() {
        return Locale.forLanguageTag(language);
    }
}
