package coop.comptoir.testing;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules a module's message catalogue keeps, for a plugin's own tests:
 * {@code CatalogueRules.check("shifts", ShiftsPlugin.class)}. Every shipped language has every
 * key of the French file and no other, every text is a valid pattern, and a text uses the same
 * arguments in every language (a translation that drops {@code {name}} or invents {@code {nom}}
 * fails). Each text is also formatted once in both addresses, with its arguments as sample values.
 */
public final class CatalogueRules {
    private CatalogueRules() {}

    /**
     * Checks {@code texts/<bundle>_<language>.properties} for French, English and {@code more}.
     *
     * @throws AssertionError listing every problem
     */
    public static void check(String bundle, Class<?> owner, String... more) {
        ClassLoader loader = owner.getClassLoader();
        List<String> languages = new ArrayList<>(List.of(Catalogue.REFERENCE, "en"));
        languages.addAll(List.of(more));
        List<String> problems = new ArrayList<>();
        Map<String, String> reference = Catalogue.shipped(bundle, Catalogue.REFERENCE, loader);
        if (reference == null || reference.isEmpty()) {
            throw new AssertionError("no texts/" + bundle + "_fr.properties (or it is empty)");
        }
        for (String language : languages) {
            String file = "texts/" + bundle + "_" + language + ".properties";
            Map<String, String> texts = Catalogue.shipped(bundle, language, loader);
            if (texts == null) {
                problems.add(file + ": missing");
                continue;
            }
            for (String key : reference.keySet()) {
                if (!texts.containsKey(key)) {
                    problems.add(file + ": no " + key);
                }
            }
            for (var e : texts.entrySet()) {
                String key = e.getKey();
                if (!reference.containsKey(key)) {
                    problems.add(file + ": " + key + " is not in the French file");
                    continue;
                }
                try {
                    Set<String> args = withoutAddress(Catalogue.argumentNames(e.getValue()));
                    Set<String> expected = withoutAddress(Catalogue.argumentNames(reference.get(key)));
                    if (!args.equals(expected)) {
                        problems.add(file + ": " + key + " uses " + args + ", French uses " + expected);
                    }
                } catch (IllegalArgumentException ex) {
                    problems.add(file + ": " + key + ": " + ex.getMessage());
                }
            }
            if (problems.isEmpty()) {
                formatEveryText(bundle, loader, language, texts, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s) in the texts of " + bundle + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static void formatEveryText(String bundle, ClassLoader loader, String language, Map<String, String> texts,
                                        List<String> problems) {
        for (String address : List.of("tu", "vous")) {
            Catalogue c = Catalogue.load(bundle, loader, TextSettings.DEFAULT.withLanguage(language).withAddress(address));
            for (var e : texts.entrySet()) {
                List<Object> args = new ArrayList<>();
                for (String a : withoutAddress(Catalogue.argumentNames(e.getValue()))) {
                    args.add(a);
                    args.add(2);
                }
                try {
                    String out = c.text(e.getKey(), args.toArray());
                    if (out.isBlank()) {
                        problems.add(bundle + "_" + language + ": " + e.getKey() + " is empty with address " + address);
                    }
                } catch (RuntimeException ex) {
                    problems.add(bundle + "_" + language + ": " + e.getKey() + " cannot be formatted: " + ex.getMessage());
                }
            }
        }
    }

    private static Set<String> withoutAddress(Set<String> names) {
        Set<String> out = new TreeSet<>(names);
        out.remove("address");
        return out;
    }
}
