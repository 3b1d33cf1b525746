package coop.comptoir.bridge.discord.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads format-corpus.txt: cases of sections, see the file's header. */
final class FormatCorpus {
    private FormatCorpus() {}

    record Case(String direction, String name, Set<String> flags, Map<String, String> sections, int line) {
        String get(String section) {
            return sections.get(section);
        }

        boolean has(String flag) {
            return flags.contains(flag);
        }

        @Override
        public String toString() {
            return direction + " " + name;
        }
    }

    static List<Case> load() {
        String text;
        try (InputStream in = FormatCorpus.class.getResourceAsStream("/format-corpus.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Case> cases = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        String direction = null;
        String name = null;
        Set<String> flags = Set.of();
        Map<String, String> sections = null;
        String section = null;
        StringBuilder value = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : "=== end";
            if (line.startsWith("%%")) {
                continue;
            }
            boolean newCase = line.startsWith("=== ");
            boolean newSection = line.startsWith("--- ");
            if ((newCase || newSection) && section != null) {
                sections.put(section, unescape(value.toString().replaceAll("\\n+$", "")));
                section = null;
            }
            if (newCase) {
                if (direction != null) {
                    cases.add(new Case(direction, name, flags, sections, start));
                }
                if (i == lines.length) {
                    break;
                }
                String[] words = line.substring(4).trim().split("\\s+");
                direction = words[0];
                name = words[1];
                Set<String> f = new java.util.HashSet<>();
                for (int w = 2; w < words.length; w++) {
                    f.add(words[w].replace("[", "").replace("]", ""));
                }
                flags = Set.copyOf(f);
                sections = new LinkedHashMap<>();
                start = i + 1;
            } else if (newSection) {
                section = line.substring(4).trim();
                value.setLength(0);
            } else if (section != null) {
                if (value.length() > 0 || !sections.containsKey(section)) {
                    if (value.length() > 0) {
                        value.append('\n');
                    }
                    value.append(line);
                }
            }
        }
        return cases;
    }

    private static String unescape(String s) {
        return s.replace("{ZWSP}", "\u200B").replace("{WJ}", "\u2060").replace("{NBSP}", "\u00A0");
    }
}
