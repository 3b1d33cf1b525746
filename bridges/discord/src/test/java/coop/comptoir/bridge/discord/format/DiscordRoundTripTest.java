package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.text.RichNode;
import coop.comptoir.bridge.text.RichNode.Style;
import coop.comptoir.bridge.text.RichText;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Model to Discord markdown and back gives the same model, for what Discord can express: no
 * paragraphs, tables or nested quotes, headings 1 to 3, mentions of Discord users and channels
 * only (Discord keeps the ID; the Matrix side is found again through the directory).
 */
class DiscordRoundTripTest {
    private static final String[] WORDS = {"bonjour", "à", "toutes", "et", "tous", "*pas*", "_pas_", "snake_case", "__init__",
        "~~", "||", "`", "<b>", "<@111>", "[x](y)", "a\\b", "\\*", "# titre", "> cité", "- tiret", "1. un",
        "-# petit", "@", "a:b", "é", "🎉", "x*y", "2*3"};
    private static final String[] LABELS = {"ici", "là-bas", "le site", "café"};

    private final DiscordReader reader = new DiscordReader(Fixtures.DISCORD_SIDE, ZoneId.of("Europe/Paris"), Locale.FRENCH);

    /** Found by fuzzing: the backslash before the tag joined the link, on Discord as on the way back. */
    @Test
    void aLinkRightBeforeAnHtmlTagTypedOnMatrixShowsAsTyped() {
        for (String typed : List.of("voir https://coop.example/a</a> et <p>ici</p>", "https://coop.example/\">Alice</a>",
                "https://coop.example<@111> <t:1:R>", "https://coop.example/x\">y<@111>", "<id:customize> </cmd:12> <a:x:1>")) {
            String markdown = MatrixToDiscord.fromPlain(typed);
            MatrixText back = Fixtures.TO_MATRIX.convert(markdown);
            assertThat(back.body()).as(markdown).isEqualTo(typed);
            assertThat(back.mentions()).as(markdown).isEmpty();
        }
    }

    /** Found by fuzzing: Discord reads an address up to the last character that may end one, so an escape written after it joined it. */
    @Test
    void anAddressRunningIntoABracketOrABackslashTypedOnMatrixShowsAsTyped() {
        for (String typed : List.of("https://x.example/a\\E]]", "voir https://coop.example/a] et [b]", "https://coop.example/a\\]",
                "(https://coop.example/a).]", "https://coop.example/a]<@111>", "[https://coop.example/a]")) {
            String markdown = MatrixToDiscord.fromPlain(typed);
            MatrixText back = Fixtures.TO_MATRIX.convert(markdown);
            assertThat(back.body()).as(markdown).isEqualTo(typed);
            assertThat(back.mentions()).as(markdown).isEmpty();
        }
    }

    /** Found by fuzzing: "http://_" is no address, but its escaped form "http://\\_" is one on Discord. */
    @Test
    void aSchemeWithTooLittleAfterItTypedOnMatrixShowsAsTyped() {
        for (String typed : List.of("http://_", "voir https://* ici", "http://]]", "https://`x`", "<https://_>")) {
            String markdown = MatrixToDiscord.fromPlain(typed);
            MatrixText back = Fixtures.TO_MATRIX.convert(markdown);
            assertThat(back.body()).as(markdown).isEqualTo(typed);
            assertThat(back.formattedBody()).as("no link in %s", markdown).isNull();
        }
    }

    @RepeatedTest(400)
    void randomTreesComeBack(RepetitionInfo run) {
        RichText tree = new Shapes(run.getCurrentRepetition()).text();

        String markdown = new DiscordWriter(null).render(tree);

        assertThat(canonical(reader.read(markdown).nodes())).as(markdown).isEqualTo(canonical(tree.nodes()));
    }

    @Test
    void whatDiscordCannotSayDegradesToText() {
        RichText tree = RichText.of(new RichNode.EveryoneMention("everyone"), new RichNode.Text(" "),
                new RichNode.UserMention(Fixtures.BOB, null, "Bob"), new RichNode.Text(" "),
                new RichNode.Quote(List.of(new RichNode.Quote(List.of(new RichNode.Text("dedans"))))));

        String markdown = new DiscordWriter(null).render(tree);

        assertThat(markdown).isEqualTo("@\u200Beveryone @Bob\n> dedans");
        assertThat(canonical(reader.read(markdown).nodes())).containsExactly(new RichNode.Text("@\u200Beveryone @Bob"),
                new RichNode.Quote(List.of(new RichNode.Text("dedans"))));
    }

    @Test
    void pingsFollowMatrixMentions() {
        RichText tree = RichText.of(new RichNode.UserMention(Fixtures.ALICE, "111", "Alice"), new RichNode.Text(" "),
                new RichNode.UserMention(Fixtures.ZOE, "333", "Zoé"), new RichNode.Text(" "), RichNode.UserMention.remote("444"));

        DiscordWriter some = new DiscordWriter(Set.of(Fixtures.ALICE));
        assertThat(some.render(tree)).isEqualTo("<@111> <@333> <@444>");
        assertThat(some.pinged()).containsExactly("111");
        DiscordWriter legacy = new DiscordWriter(null);
        legacy.render(tree);
        assertThat(legacy.pinged()).containsExactly("111", "333", "444");
    }

    /** Mentions as Discord keeps them (the ID), adjacent texts merged. */
    private static List<RichNode> canonical(List<RichNode> nodes) {
        List<RichNode> out = new ArrayList<>();
        for (RichNode node : nodes) {
            RichNode n = canonical(node);
            if (n instanceof RichNode.Text t && !out.isEmpty() && out.get(out.size() - 1) instanceof RichNode.Text p) {
                out.set(out.size() - 1, new RichNode.Text(p.text() + t.text()));
            } else if (!(n instanceof RichNode.Text t && t.text().isEmpty())) {
                out.add(n);
            }
        }
        return out;
    }

    private static RichNode canonical(RichNode node) {
        if (node instanceof RichNode.UserMention u) {
            return RichNode.UserMention.remote(u.remoteId());
        } else if (node instanceof RichNode.RoomMention r) {
            return RichNode.RoomMention.remote(r.remoteId());
        } else if (node instanceof RichNode.Styled s) {
            return new RichNode.Styled(s.style(), canonical(s.children()));
        } else if (node instanceof RichNode.Link l) {
            return new RichNode.Link(l.url(), canonical(l.label()));
        } else if (node instanceof RichNode.Quote q) {
            return new RichNode.Quote(canonical(q.children()));
        } else if (node instanceof RichNode.Heading h) {
            return new RichNode.Heading(h.level(), canonical(h.children()));
        } else if (node instanceof RichNode.Subtext s) {
            return new RichNode.Subtext(canonical(s.children()));
        } else if (node instanceof RichNode.ListBlock l) {
            return new RichNode.ListBlock(l.ordered(), l.start(), l.items().stream().map(DiscordRoundTripTest::canonical).toList());
        }
        return node;
    }

    /** Random trees of the Discord subset; styled runs start and end with a word (no marker clash). */
    private static final class Shapes {
        private final Random random;

        Shapes(long seed) {
            random = new Random(seed);
        }

        RichText text() {
            List<RichNode> out = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            String previous = "";
            for (int i = 0; i < n; i++) {
                int kind;
                do {
                    kind = random.nextInt(6);
                } while (String.valueOf(kind).equals(previous) || (kind == 0 && i > 0 && previous.equals("0")));
                previous = String.valueOf(kind);
                switch (kind) {
                    case 0 -> out.addAll(inlines(EnumSet.noneOf(Style.class), 2, true));
                    case 1 -> out.add(new RichNode.Quote(inlines(EnumSet.noneOf(Style.class), 2, true)));
                    case 2 -> out.add(new RichNode.Heading(1 + random.nextInt(3), inlines(EnumSet.noneOf(Style.class), 1, false)));
                    case 3 -> out.add(new RichNode.Subtext(inlines(EnumSet.noneOf(Style.class), 1, false)));
                    case 4 -> out.add(new RichNode.CodeBlock(random.nextBoolean() ? "" : "java",
                            "if (a < b) {\n    c(\"**x**\", `y`);\n}\n\n// fin"));
                    default -> out.add(list(1));
                }
            }
            return new RichText(out);
        }

        private RichNode list(int depth) {
            List<List<RichNode>> items = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                List<RichNode> item = new ArrayList<>(inlines(EnumSet.noneOf(Style.class), 1, false));
                if (depth > 0 && random.nextInt(3) == 0) {
                    item.add(list(depth - 1));
                }
                items.add(item);
            }
            boolean ordered = random.nextBoolean();
            return new RichNode.ListBlock(ordered, ordered ? 1 + random.nextInt(9) : 0, items);
        }

        /** Words and inline nodes separated by a space or, where allowed, a line break. */
        private List<RichNode> inlines(EnumSet<Style> open, int depth, boolean breaks) {
            List<RichNode> out = new ArrayList<>();
            out.add(word(open));
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                out.add(breaks && random.nextInt(6) == 0 ? new RichNode.LineBreak() : new RichNode.Text(" "));
                out.add(inline(open, depth, breaks));
            }
            if (n > 0 && !(out.get(out.size() - 1) instanceof RichNode.Text)) {
                out.add(new RichNode.Text(" "));
                out.add(word(open));
            }
            return out;
        }

        /**
         * A word; never {@code ~~} in a strike nor {@code ||} in a spoiler: Discord closes the run at
         * the first pair, escaped or not, so that text cannot be said inside them.
         */
        private RichNode word(Set<Style> open) {
            String word;
            do {
                word = WORDS[random.nextInt(WORDS.length)];
            } while (open.contains(Style.STRIKE) && word.equals("~~") || open.contains(Style.SPOILER) && word.equals("||"));
            return new RichNode.Text(word);
        }

        private RichNode inline(EnumSet<Style> open, int depth, boolean breaks) {
            int pick = random.nextInt(depth > 0 ? 11 : 8);
            return switch (pick) {
                case 0, 1 -> word(open);
                case 2 -> new RichNode.InlineCode(random.nextBoolean() ? "a < b && c" : "x`y");
                case 3 -> new RichNode.UserMention(Fixtures.ALICE, "111", "Alice");
                case 4 -> new RichNode.RoomMention("#general:example.org", "500", "#général");
                case 5 -> random.nextBoolean() ? new RichNode.Emoji(":party:", Fixtures.PARTY.toString(), "<:party:900>")
                        : new RichNode.Emoji(":blob:", null, "<:blob:901>");
                case 6 -> new RichNode.Link("https://example.org/a_b?x=1", List.of());
                case 7 -> new RichNode.Link("https://example.org/page", List.of(new RichNode.Text(LABELS[random.nextInt(LABELS.length)])));
                default -> {
                    EnumSet<Style> free = EnumSet.complementOf(open);
                    if (free.isEmpty()) {
                        yield word(open);
                    }
                    Style style = new ArrayList<>(free).get(random.nextInt(free.size()));
                    EnumSet<Style> inner = EnumSet.copyOf(open);
                    inner.add(style);
                    yield new RichNode.Styled(style, inlines(inner, depth - 1, breaks));
                }
            };
        }
    }
}
