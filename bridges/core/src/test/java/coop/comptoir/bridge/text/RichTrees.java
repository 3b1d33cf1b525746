package coop.comptoir.bridge.text;

import coop.comptoir.bridge.text.RichNode.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: canonical form of a tree, and random trees of what Matrix HTML expresses. */
final class RichTrees {
    private RichTrees() {}

    /** Adjacent texts merged and empty texts dropped, at every level. */
    static RichText canonical(RichText text) {
        return new RichText(canonical(text.nodes()));
    }

    static List<RichNode> canonical(List<RichNode> nodes) {
        List<RichNode> out = new ArrayList<>();
        for (RichNode node : nodes) {
            RichNode n = canonical(node);
            if (n instanceof RichNode.Text t && t.text().isEmpty()) {
                continue;
            }
            if (n instanceof RichNode.Text t && !out.isEmpty() && out.get(out.size() - 1) instanceof RichNode.Text p) {
                out.set(out.size() - 1, new RichNode.Text(p.text() + t.text()));
            } else {
                out.add(n);
            }
        }
        return out;
    }

    private static RichNode canonical(RichNode node) {
        if (node instanceof RichNode.Styled s) {
            return new RichNode.Styled(s.style(), canonical(s.children()));
        } else if (node instanceof RichNode.Link l) {
            return new RichNode.Link(l.url(), canonical(l.label()));
        } else if (node instanceof RichNode.Paragraph p) {
            return new RichNode.Paragraph(canonical(p.children()));
        } else if (node instanceof RichNode.Division d) {
            return new RichNode.Division(canonical(d.children()));
        } else if (node instanceof RichNode.Quote q) {
            return new RichNode.Quote(canonical(q.children()));
        } else if (node instanceof RichNode.Heading h) {
            return new RichNode.Heading(h.level(), canonical(h.children()));
        } else if (node instanceof RichNode.Subtext s) {
            return new RichNode.Subtext(canonical(s.children()));
        } else if (node instanceof RichNode.ListBlock l) {
            return new RichNode.ListBlock(l.ordered(), l.start(), l.items().stream().map(RichTrees::canonical).toList());
        } else if (node instanceof RichNode.TableRow r) {
            return new RichNode.TableRow(r.cells().stream().map(RichTrees::canonical).toList());
        }
        return node;
    }

    /**
     * Random trees of everything Matrix HTML expresses exactly: no unicode emoji (plain text there),
     * no subtext ({@code <sub>} reads back as text), no {@code @room} (defused on purpose), text
     * with single spaces (HTML collapses white space).
     */
    static final class MatrixShapes {
        private static final String[] WORDS = {"bonjour", "à", "toutes", "et", "tous", "*pas*", "_gras_", "<b>", "&amp;",
            "\"cité\"", "x>y", "~~", "||", "`", "# titre", "1.", "@", "café", "🎉", "snake_case"};
        private final Random random;
        private final List<RichNode> users;
        private final List<RichNode> rooms;
        private final List<RichNode> emoji;

        MatrixShapes(long seed, List<RichNode> users, List<RichNode> rooms, List<RichNode> emoji) {
            this.random = new Random(seed);
            this.users = users;
            this.rooms = rooms;
            this.emoji = emoji;
        }

        RichText text() {
            List<RichNode> out = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                out.add(random.nextInt(3) == 0 ? inlineRun(2) : block(2));
            }
            return canonical(new RichText(out));
        }

        private RichNode block(int depth) {
            int pick = random.nextInt(depth > 0 ? 9 : 5);
            return switch (pick) {
                case 0 -> new RichNode.Paragraph(inlines(2));
                case 1 -> new RichNode.Heading(1 + random.nextInt(6), inlines(1));
                case 2 -> new RichNode.CodeBlock(random.nextBoolean() ? "" : "java", "int a = 1;\n  if (a < 2) { b(\"@room\"); }");
                case 3 -> new RichNode.Rule();
                case 4 -> new RichNode.TableRow(List.of(inlines(1), inlines(1)));
                case 5 -> new RichNode.Quote(List.of(block(depth - 1), block(depth - 1)));
                case 6 -> new RichNode.Division(List.of(inlineRun(1), block(depth - 1)));
                default -> list(depth - 1);
            };
        }

        private RichNode list(int depth) {
            List<List<RichNode>> items = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                List<RichNode> item = new ArrayList<>(inlines(1));
                if (depth > 0 && random.nextInt(3) == 0) {
                    item.add(list(depth - 1));
                }
                items.add(item);
            }
            boolean ordered = random.nextBoolean();
            return new RichNode.ListBlock(ordered, ordered ? 1 + random.nextInt(5) : 1, items);
        }

        private RichNode inlineRun(int depth) {
            return new RichNode.Styled(Style.values()[random.nextInt(Style.values().length)], inlines(depth));
        }

        private List<RichNode> inlines(int depth) {
            List<RichNode> out = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.add(random.nextInt(5) == 0 ? new RichNode.LineBreak() : new RichNode.Text(" "));
                }
                out.add(inline(depth));
            }
            return out;
        }

        /** A link label: text and styles, no link or pill (HTML links do not nest). */
        private List<RichNode> label() {
            RichNode word = new RichNode.Text(WORDS[random.nextInt(WORDS.length)]);
            return random.nextBoolean() ? List.of(word)
                    : List.of(word, new RichNode.Text(" "), new RichNode.Styled(Style.BOLD, List.of(new RichNode.Text("lien"))));
        }

        private RichNode inline(int depth) {
            int pick = random.nextInt(depth > 0 ? 10 : 7);
            return switch (pick) {
                case 0, 1 -> new RichNode.Text(WORDS[random.nextInt(WORDS.length)]);
                case 2 -> new RichNode.InlineCode("a < b && c");
                case 3 -> users.get(random.nextInt(users.size()));
                case 4 -> rooms.get(random.nextInt(rooms.size()));
                case 5 -> emoji.get(random.nextInt(emoji.size()));
                case 6 -> new RichNode.Link("https://example.org/a_b?x=1&y=(2)", List.of());
                case 7 -> new RichNode.Link("https://example.org/page", label());
                default -> new RichNode.Styled(Style.values()[random.nextInt(Style.values().length)], inlines(depth - 1));
            };
        }
    }
}
