package coop.comptoir.api.text;

import com.ibm.icu.text.MessageFormat;
import com.ibm.icu.text.MessagePattern;
import com.ibm.icu.util.ULocale;
import coop.comptoir.api.plugin.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The texts of one bundle in one language, ready to format. A module ships
 * {@code texts/<bundle>_fr.properties} (the reference: every key is there) and one file per other
 * language, read as UTF-8; a key missing from a translation falls back to French. The coop's own
 * wording ({@link TextSettings#overrides()}, keys {@code <bundle>.<key>}) replaces the shipped one.
 *
 * <p>Build one when the instance starts ({@link #load}); it is immutable and thread-safe.
 *
 * <pre>{@code
 * Catalogue texts = Catalogue.load("shifts", ShiftsPlugin.class, ctx.texts().withLanguage(config.language()));
 * texts.text("opted.in");                        // C'est noté : je vous enverrai…
 * texts.text("seats.free", "n", 3);              // Il reste 3 places libres.
 * }</pre>
 */
public final class Catalogue {
    /** The reference language: its file has every key, the others may lack some. */
    public static final String REFERENCE = "fr";

    private final String bundle;
    private final ClassLoader loader;
    private final TextSettings settings;
    private final Map<String, MessageFormat> formats;
    private final Map<String, Catalogue> others = new java.util.concurrent.ConcurrentHashMap<>();

    private Catalogue(String bundle, ClassLoader loader, TextSettings settings, Map<String, MessageFormat> formats) {
        this.bundle = bundle;
        this.loader = loader;
        this.settings = settings;
        this.formats = formats;
    }

    /**
     * Reads the bundle's files from {@code owner}'s class loader and applies the coop's overrides
     * for the settings' language. Reads files: call it at start, not per message.
     *
     * @throws ConfigException       when the language has no file for this bundle, or an override
     *                               of this bundle is broken (unknown key, bad pattern, unknown argument)
     * @throws IllegalStateException when the bundle ships no French file or a shipped pattern is broken
     */
    public static Catalogue load(String bundle, Class<?> owner, TextSettings settings) {
        return load(bundle, owner.getClassLoader(), settings);
    }

    /** Same as {@link #load(String, Class, TextSettings)} from a class loader. */
    public static Catalogue load(String bundle, ClassLoader loader, TextSettings settings) {
        Map<String, String> reference = shipped(bundle, REFERENCE, loader);
        if (reference == null) {
            throw new IllegalStateException("no texts/" + bundle + "_" + REFERENCE + ".properties on the class path");
        }
        String language = settings.language();
        Map<String, String> own = language.equals(REFERENCE) ? reference : shipped(bundle, language, loader);
        if (own == null) {
            throw new ConfigException("language", "\"" + language + "\": no " + language + " texts for " + bundle
                    + " (texts/" + bundle + "_" + language + ".properties); shipped: fr, en");
        }
        Map<String, String> patterns = new LinkedHashMap<>(reference);
        patterns.putAll(own);
        Map<String, String> overrides = settings.overrides().getOrDefault(language, Map.of());
        for (var o : overrides.entrySet()) {
            if (o.getKey().startsWith(bundle + ".")) {
                String path = settings.overridesPath() + "." + language + "." + o.getKey();
                String key = o.getKey().substring(bundle.length() + 1);
                checkOverride(key, o.getValue(), reference, path).ifPresent(e -> {
                    throw e;
                });
                patterns.put(key, o.getValue());
            }
        }
        ULocale locale = ULocale.forLanguageTag(language);
        Map<String, MessageFormat> formats = new HashMap<>();
        patterns.forEach((k, p) -> {
            try {
                formats.put(k, new MessageFormat(p, locale));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("texts/" + bundle + "_" + language + ".properties: " + k + ": " + e.getMessage(), e);
            }
        });
        return new Catalogue(bundle, loader, settings, Map.copyOf(formats));
    }

    /**
     * The message {@code key}, formatted with the named arguments (and {@code address}).
     *
     * @param args name, value, name, value…; numbers for plurals, strings for the rest
     * @throws IllegalArgumentException when the key is unknown or the arguments are not in pairs
     */
    public String text(String key, Object... args) {
        MessageFormat f = formats.get(key);
        if (f == null) {
            throw new IllegalArgumentException("no text " + bundle + "." + key);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments of " + bundle + "." + key + " must come in name, value pairs");
        }
        Map<String, Object> named = new HashMap<>();
        named.put("address", settings.address());
        for (int i = 0; i < args.length; i += 2) {
            named.put(String.valueOf(args[i]), args[i + 1]);
        }
        return f.format(named);
    }

    /**
     * This bundle in another language, with the same address and overrides (e.g. {@code !help}
     * answered in English); read once, then kept.
     *
     * @throws ConfigException when that language has no file for this bundle
     */
    public Catalogue in(String language) {
        return language.equals(settings.language()) ? this
                : others.computeIfAbsent(language, l -> load(bundle, loader, settings.withLanguage(l)));
    }

    /** The language these texts are in. */
    public String language() {
        return settings.language();
    }

    /** {@code tu} or {@code vous}. */
    public String address() {
        return settings.address();
    }

    /** The language as a {@link Locale}, for dates and numbers. */
    public Locale locale() {
        return settings.locale();
    }

    // ---- reading and checking ------------------------------------------------------------------

    /**
     * Whether {@code bundle} ships texts in {@code language} on {@code owner}'s class path: what a
     * plugin checks of its own {@code language:} key.
     */
    public static boolean speaks(String bundle, String language, Class<?> owner) {
        return TextSettings.isLanguage(language) && owner.getClassLoader()
                .getResource("texts/" + bundle + "_" + language + ".properties") != null;
    }

    /**
     * The shipped patterns of {@code bundle} in {@code language} (key → pattern, file order), or
     * null when there is no such file.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Map<String, String> shipped(String bundle, String language, ClassLoader loader) {
        String name = "texts/" + bundle + "_" + language + ".properties";
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            Properties p = new Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    out.put((String) key, (String) value);
                    return super.put(key, value);
                }
            };
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * The argument names a pattern uses, nested ones included ({@code address} of a select too).
     *
     * @throws IllegalArgumentException when the pattern is not a valid message pattern
     */
    public static Set<String> argumentNames(String pattern) {
        MessagePattern mp = new MessagePattern(pattern);
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < mp.countParts(); i++) {
            MessagePattern.Part part = mp.getPart(i);
            if (part.getType() == MessagePattern.Part.Type.ARG_NAME) {
                names.add(mp.getSubstring(part));
            }
        }
        return names;
    }

    /**
     * Checks every override of {@code settings} against the bundles {@code loader} can see: each
     * key must be {@code <bundle>.<key>} of a shipped text, each pattern valid and using only that
     * text's arguments (and {@code address}). What start-up runs before any plugin speaks.
     *
     * @return one error per broken override, each with its key path ({@code texts.fr.welcome.greeting.default})
     */
    public static List<ConfigException> checkOverrides(TextSettings settings, ClassLoader loader) {
        List<ConfigException> errors = new ArrayList<>();
        Map<String, Map<String, String>> bundles = new HashMap<>();
        settings.overrides().forEach((language, texts) -> {
            String at = settings.overridesPath() + "." + language;
            if (!TextSettings.isLanguage(language)) {
                errors.add(new ConfigException(at, "expected a two- or three-letter language code (fr, en…)"));
                return;
            }
            texts.forEach((fullKey, pattern) -> {
                String path = at + "." + fullKey;
                int dot = fullKey.indexOf('.');
                String bundle = dot < 0 ? fullKey : fullKey.substring(0, dot);
                Map<String, String> reference = dot <= 0 ? null
                        : bundles.computeIfAbsent(bundle, b -> {
                            Map<String, String> r = shipped(b, REFERENCE, loader);
                            return r == null ? Map.of() : r;
                        });
                if (reference == null || reference.isEmpty()) {
                    errors.add(new ConfigException(path, "unknown text: keys are <part>.<key>, e.g. runtime.command.unknown,"
                            + " and no part of Comptoir is called \"" + bundle + "\""));
                    return;
                }
                checkOverride(fullKey.substring(dot + 1), pattern, reference, path).ifPresent(errors::add);
            });
        });
        return errors;
    }

    private static java.util.Optional<ConfigException> checkOverride(String key, String pattern,
                                                                    Map<String, String> reference, String path) {
        String shipped = reference.get(key);
        if (shipped == null) {
            return java.util.Optional.of(new ConfigException(path, "unknown text (no such key in Comptoir's texts)"));
        }
        if (pattern == null || pattern.isBlank()) {
            return java.util.Optional.of(new ConfigException(path, "empty: remove the key to keep Comptoir's text"));
        }
        Set<String> used;
        try {
            used = argumentNames(pattern);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of(new ConfigException(path, "not a valid text: " + e.getMessage()
                    + " (a brace must be written '{' )"));
        }
        Set<String> allowed = new TreeSet<>(argumentNames(shipped));
        allowed.add("address");
        used.removeAll(allowed);
        if (!used.isEmpty()) {
            allowed.remove("address");
            return java.util.Optional.of(new ConfigException(path, "uses {" + String.join("}, {", used)
                    + "}, which this text does not have (it has: " + (allowed.isEmpty() ? "none" : "{" + String.join("}, {", allowed) + "}")
                    + ", and {address})"));
        }
        return java.util.Optional.empty();
    }
}
