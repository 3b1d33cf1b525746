package coop.comptoir.bridge.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A message's text as a network-neutral tree of {@link RichNode}s: what a connector reads its
 * markup into and writes its markup from, with Matrix HTML on the other side
 * ({@link MatrixHtmlReader}, {@link MatrixHtmlWriter}). Immutable and thread-safe.
 *
 * @param nodes the top-level nodes, blocks and inline runs, in order
 */
public record RichText(List<RichNode> nodes) {
    /** The empty text. */
    public static final RichText EMPTY = new RichText(List.of());

    public RichText {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** A text of these nodes. */
    public static RichText of(RichNode... nodes) {
        return new RichText(List.of(nodes));
    }

    /** Whether there is nothing at all. */
    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /**
     * Literal text as nodes: a {@link RichNode.Text} per line, {@link RichNode.LineBreak} between
     * lines, nothing for empty lines' text.
     */
    public static List<RichNode> lines(String text) {
        List<RichNode> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.add(new RichNode.LineBreak());
            }
            if (!lines[i].isEmpty()) {
                out.add(new RichNode.Text(lines[i]));
            }
        }
        return out;
    }
}
