package coop.comptoir.bots.welcome;

import coop.comptoir.api.matrix.Html;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with placeholders ({@code {name}}, {@code {coop}}, {@code {wiki}}, {@code {forum}},
 * {@code {rooms}}), checked when parsed: an unknown placeholder is refused there, never discovered
 * when a newcomer arrives. Braces around anything that is not a lower-case word stay as written.
 */
final class Template {
    static final Set<String> PLACEHOLDERS = Set.of("name", "coop", "wiki", "forum", "rooms");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private final String source;
    /** Literal text and placeholder names, alternating, starting with a literal (maybe empty). */
    private final List<String> parts;

    private Template(String source, List<String> parts) {
        this.source = source;
        this.parts = parts;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the first unknown placeholder, e.g. {@code unknown placeholder {nom}}
     */
    static Template parse(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("empty text");
        }
        List<String> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source);
        int at = 0;
        while (m.find()) {
            String name = m.group(1);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("unknown placeholder {" + name + "} (known: "
                        + String.join(", ", PLACEHOLDERS.stream().sorted().map(p -> "{" + p + "}").toList()) + ")");
            }
            parts.add(source.substring(at, m.start()));
            parts.add(name);
            at = m.end();
        }
        parts.add(source.substring(at));
        return new Template(source, List.copyOf(parts));
    }

    /** The placeholders this template uses. */
    Set<String> placeholders() {
        Set<String> used = new LinkedHashSet<>();
        for (int i = 1; i < parts.size(); i += 2) {
            used.add(parts.get(i));
        }
        return used;
    }

    String source() {
        return source;
    }

    /** Fills the template: plain text for the body, HTML (escaped, with pills and links) for the formatted body. */
    Rendered render(Values values) {
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (i % 2 == 0) {
                plain.append(part);
                html.append(Html.escapeLines(part));
            } else {
                plain.append(values.plain(part));
                html.append(values.html(part));
            }
        }
        return new Rendered(plain.toString(), html.toString());
    }

    /** What a placeholder becomes, as plain text and as HTML. */
    interface Values {
        String plain(String placeholder);

        String html(String placeholder);
    }

    record Rendered(String plain, String html) {}
}
