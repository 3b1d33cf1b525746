package coop.comptoir.api.matrix;

import coop.comptoir.api.id.UserId;

/**
 * Small helpers for the HTML ({@code formatted_body}) of the messages plugins send: escaping,
 * links and mention pills.
 */
public final class Html {
    private Html() {}

    /** Escapes text for HTML content and attribute values. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Escaped text whose line breaks become {@code <br>}. */
    public static String escapeLines(String text) {
        return escape(text).replace("\r\n", "\n").replace("\n", "<br>");
    }

    /** A {@code https://matrix.to/#/…} link for a user, room ID or room alias. */
    public static String matrixTo(String id) {
        return "https://matrix.to/#/" + id.replace("%", "%25").replace("#", "%23").replace("?", "%3F");
    }

    public static String link(String href, String label) {
        return "<a href=\"" + escape(href) + "\">" + escape(label) + "</a>";
    }

    /** A mention pill: clients show the user's name and notify them. */
    public static String pill(UserId user, String displayName) {
        return link(matrixTo(user.value()), displayName);
    }
}
