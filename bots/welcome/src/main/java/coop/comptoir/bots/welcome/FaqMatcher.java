package coop.comptoir.bots.welcome;

import coop.comptoir.bots.welcome.Texts.Topic;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the FAQ topics a message speaks of. A keyword (one word or several) matches whole words,
 * ignoring case, accents and punctuation: « Quels sont les HORAIRES ? » matches {@code horaires};
 * {@code créneau} matches « creneau »; {@code caisse} does not match « caisses ».
 */
final class FaqMatcher {
    private FaqMatcher() {}

    /** The topics, in their configured order, with a keyword in {@code text}. */
    static List<Topic> match(List<Topic> topics, String text) {
        String padded = " " + normalize(text) + " ";
        List<Topic> found = new ArrayList<>();
        for (Topic t : topics) {
            for (String k : t.keywords()) {
                String n = normalize(k);
                if (!n.isEmpty() && padded.contains(" " + n + " ")) {
                    found.add(t);
                    break;
                }
            }
        }
        return found;
    }

    /** Lower case, without accents, words separated by single spaces. */
    static String normalize(String text) {
        String stripped = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return stripped.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
