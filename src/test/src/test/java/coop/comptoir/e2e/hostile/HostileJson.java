package coop.comptoir.e2e.hostile;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON text as a hostile sender would write it. */
public final class HostileJson {
    private HostileJson() {}

    /** The JSON text of {@code node}, with lone surrogates written as {@code \\uXXXX} escapes so that they reach the peer as they are. */
    public static String text(JsonNode node) {
        String text = node.toString();
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
            if (Character.isSurrogate(c) && !paired) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
