package coop.comptoir.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README and of {@code docs/*.md} leads to a file of the checkout, and
 * every {@code #anchor} to a heading of its page, as GitHub names headings: a reader following the
 * README into the docs and back never lands on a missing page or section.
 */
class DocLinksTest {
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

    @Test
    void everyRelativeLinkAndAnchorOfTheReadmeAndTheDocsResolves() throws IOException {
        Path root = RepoFiles.find("README.md").getParent();
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: … — outside the checkout
                }
                checked++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(root.relativize(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(checked).as("relative links found").isGreaterThan(50);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void anchorsAreNamedAsGithubNamesThem() {
        assertThat(anchors("# Forum announcements (Discourse)\n## Paths, `data_dir` and the environment file\n"
                + "## Déclarer Comptoir à Synapse\n## Linking rooms\n## Linking rooms\n```\n# not a heading\n```\n"))
                .containsExactly("forum-announcements-discourse", "paths-data_dir-and-the-environment-file",
                        "déclarer-comptoir-à-synapse", "linking-rooms", "linking-rooms-1");
        assertThat(links("see [a](x.md#b) and `[c](not-a-link)`\n```\n[d](in-code)\n```\n[e](y.md \"title\") [two\nlines](z.md)"))
                .containsExactly("x.md#b", "y.md", "z.md");
    }

    /** Why {@code target}, written in {@code page}, does not resolve; null when it does. */
    private static String problem(Path page, String target) {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (anchor == null || !file.toString().endsWith(".md")) {
            return null;
        }
        try {
            return anchors(Files.readString(file)).contains(anchor) ? null : "no heading with this anchor";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The link targets of a Markdown text, leaving out fenced code blocks and code spans. */
    static List<String> links(String markdown) {
        List<String> found = new ArrayList<>();
        Matcher m = LINK.matcher(String.join("\n", prose(markdown)).replaceAll("`[^`\n]*`", ""));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The anchors GitHub gives the headings of a Markdown text, in order. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown)) {
            if (!line.matches("^#{1,6}\\s.*")) {
                continue;
            }
            String text = line.replaceFirst("^#{1,6}\\s+", "").replaceFirst("\\s+#+\\s*$", "").strip();
            String slug = text.toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    /** The lines of a Markdown text outside fenced code blocks. */
    private static List<String> prose(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                lines.add(line);
            }
        }
        return lines;
    }
}
