package coop.comptoir.bridge.text;

import coop.comptoir.api.id.UserId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One node of a {@link RichText} tree: inline nodes (text, styles, code, links, mentions, emoji,
 * line breaks) and block nodes (paragraphs, quotes, headings, code blocks, lists…). All nodes are
 * immutable records; lists are copied on construction and never null.
 *
 * <p>Block nodes may appear among inline nodes (a quote inside a bold run, as some HTML has it):
 * writers then put the block on its own lines. Line breaks are {@link LineBreak} nodes; a
 * {@code \n} inside a {@link Text} is read the same way by the writers of this package.
 */
public sealed interface RichNode {

    /** Whether this node stands on its own lines (paragraph, quote, heading, list…). */
    default boolean isBlock() {
        return false;
    }

    // ---------------------------------------------------------------- inline

    /** Literal text, shown as is (writers escape it for their markup). */
    record Text(String text) implements RichNode {
        public Text {
            text = Objects.requireNonNullElse(text, "");
        }
    }

    /** A line break inside a paragraph (Matrix {@code <br>}, a newline in markdown). */
    record LineBreak() implements RichNode {}

    /** The inline styles. */
    enum Style {
        BOLD, ITALIC, UNDERLINE, STRIKE,
        /** Hidden until clicked: Matrix {@code data-mx-spoiler}, Discord {@code ||…||}. */
        SPOILER
    }

    /** Styled inline content. */
    record Styled(Style style, List<RichNode> children) implements RichNode {
        public Styled {
            Objects.requireNonNull(style, "style");
            children = copy(children);
        }
    }

    /** Inline code, literal. */
    record InlineCode(String code) implements RichNode {
        public InlineCode {
            code = Objects.requireNonNullElse(code, "");
        }
    }

    /**
     * A link. Writers only ever link {@code http(s)} addresses; any other scheme is shown as its
     * label.
     *
     * @param url   the address
     * @param label the shown content; empty for a bare address shown as itself
     */
    record Link(String url, List<RichNode> label) implements RichNode {
        public Link {
            url = Objects.requireNonNullElse(url, "").trim();
            label = copy(label);
        }

        /** Whether the address is {@code http://} or {@code https://}. */
        public boolean isWeb() {
            String lower = url.toLowerCase(Locale.ROOT);
            return (lower.startsWith("https://") || lower.startsWith("http://")) && url.length() > 8;
        }
    }

    /**
     * A user mention. At least one of {@code user} and {@code remoteId} is set: a mention read from
     * Matrix has the Matrix user (and the remote user when it is a ghost, as the
     * {@link MentionDirectory} says); a mention read from a remote network may have the remote ID
     * only, and the Matrix writer resolves it through the directory.
     *
     * @param user        the Matrix user (a real user or a ghost), or null when not known yet
     * @param remoteId    the user on the remote network, or null for a Matrix user with no remote side
     * @param displayName the name to show without its {@code @}, or null when unknown
     */
    record UserMention(UserId user, String remoteId, String displayName) implements RichNode {
        public UserMention {
            if (user == null && (remoteId == null || remoteId.isEmpty())) {
                throw new IllegalArgumentException("a user mention needs a Matrix user or a remote ID");
            }
            displayName = displayName == null || displayName.isBlank() ? null : displayName;
        }

        /** A mention of a remote user, resolved later by the Matrix writer. */
        public static UserMention remote(String remoteId) {
            return new UserMention(null, remoteId, null);
        }
    }

    /**
     * A room (channel) mention. At least one of {@code matrixRoom} and {@code remoteId} is set.
     *
     * @param matrixRoom a room ID ({@code !…}) or alias ({@code #…:server}), or null when not known yet
     * @param remoteId   the remote channel, or null when the room is not bridged
     * @param name       the text to show (as written, {@code #} included when it has one), or null
     */
    record RoomMention(String matrixRoom, String remoteId, String name) implements RichNode {
        public RoomMention {
            if ((matrixRoom == null || matrixRoom.isEmpty()) && (remoteId == null || remoteId.isEmpty())) {
                throw new IllegalArgumentException("a room mention needs a Matrix room or a remote ID");
            }
            name = name == null || name.isBlank() ? null : name;
        }

        /** A mention of a remote channel, resolved later by the Matrix writer. */
        public static RoomMention remote(String remoteId) {
            return new RoomMention(null, remoteId, null);
        }
    }

    /**
     * A mention of everyone: Matrix {@code @room}, Discord {@code @everyone} and {@code @here},
     * Rocket.Chat {@code @all} and {@code @here}. Flagged so each writer can defuse it: the writers
     * of this package never let it notify anyone (the text stays, made inert).
     *
     * @param keyword the word after {@code @}, as written ({@code room}, {@code everyone}, {@code here}…)
     */
    record EveryoneMention(String keyword) implements RichNode {
        public EveryoneMention {
            Objects.requireNonNull(keyword, "keyword");
            if (keyword.isEmpty() || keyword.startsWith("@")) {
                throw new IllegalArgumentException("keyword is the word after @: " + keyword);
            }
        }
    }

    /**
     * An emoji: a unicode one ({@code text} only) or a custom image.
     *
     * @param text     the unicode emoji, or the {@code :shortcode:} shown when the image cannot be
     * @param url      the image as an {@code mxc://} URI for Matrix, or null
     * @param remoteId the network's own spelling of a custom emoji (Discord {@code <:name:id>},
     *                 Rocket.Chat {@code :name:}), or null when unknown
     */
    record Emoji(String text, String url, String remoteId) implements RichNode {
        public Emoji {
            text = Objects.requireNonNullElse(text, "");
            url = url == null || url.isBlank() ? null : url.trim();
            remoteId = remoteId == null || remoteId.isBlank() ? null : remoteId;
        }

        /** A unicode emoji. */
        public static Emoji unicode(String emoji) {
            return new Emoji(emoji, null, null);
        }
    }

    // ---------------------------------------------------------------- blocks

    /** A paragraph (Matrix {@code <p>}). */
    record Paragraph(List<RichNode> children) implements RichNode {
        public Paragraph {
            children = copy(children);
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** A block with no meaning of its own (Matrix {@code <div>}, {@code <li>} content…). */
    record Division(List<RichNode> children) implements RichNode {
        public Division {
            children = copy(children);
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** A quote; its children may be blocks (nested quotes, lists). */
    record Quote(List<RichNode> children) implements RichNode {
        public Quote {
            children = copy(children);
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** A heading, level 1 to 6 (Discord shows 1 to 3). */
    record Heading(int level, List<RichNode> children) implements RichNode {
        public Heading {
            if (level < 1 || level > 6) {
                throw new IllegalArgumentException("heading level must be 1 to 6: " + level);
            }
            children = copy(children);
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** A line of small print (Discord {@code -#}; Matrix {@code <sub>}, read back as plain text). */
    record Subtext(List<RichNode> children) implements RichNode {
        public Subtext {
            children = copy(children);
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /**
     * A code block.
     *
     * @param language the language hint ({@code java}, {@code py}…) or "" when none
     * @param code     the code, literal, without a trailing newline
     */
    record CodeBlock(String language, String code) implements RichNode {
        public CodeBlock {
            language = Objects.requireNonNullElse(language, "");
            code = Objects.requireNonNullElse(code, "");
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /**
     * A list. Each item is a run of nodes: inline content, then maybe blocks such as a nested list.
     *
     * @param ordered numbered or bulleted
     * @param start   the first number of an ordered list (1 usually)
     * @param items   the items
     */
    record ListBlock(boolean ordered, long start, List<List<RichNode>> items) implements RichNode {
        public ListBlock {
            items = items == null ? List.of() : items.stream().map(RichNode::copy).toList();
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** One row of a table: its cells, inline content each. */
    record TableRow(List<List<RichNode>> cells) implements RichNode {
        public TableRow {
            cells = cells == null ? List.of() : cells.stream().map(RichNode::copy).toList();
        }

        @Override
        public boolean isBlock() {
            return true;
        }
    }

    /** A horizontal rule. */
    record Rule() implements RichNode {
        @Override
        public boolean isBlock() {
            return true;
        }
    }

    private static List<RichNode> copy(List<RichNode> nodes) {
        return nodes == null ? List.of() : List.copyOf(nodes);
    }
}
