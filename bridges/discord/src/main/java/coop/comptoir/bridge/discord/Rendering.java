package coop.comptoir.bridge.discord;

import java.util.ArrayList;
import java.util.List;

/** Discord things that Matrix has no equivalent for, written as readable markdown lines. Pure. */
final class Rendering {
    private Rendering() {}

    /** A rich embed (what bots and integrations post) as quoted lines. */
    record Embed(String author, String title, String url, String description, List<Field> fields, String footer) {
        Embed {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }
    }

    record Field(String name, String value) {}

    static List<String> embedLines(Embed e) {
        List<String> lines = new ArrayList<>();
        if (notBlank(e.author())) {
            lines.add(e.author());
        }
        if (notBlank(e.title())) {
            lines.add(notBlank(e.url()) ? "**[" + e.title() + "](" + e.url() + ")**" : "**" + e.title() + "**");
        } else if (notBlank(e.url())) {
            lines.add(e.url());
        }
        if (notBlank(e.description())) {
            lines.addAll(List.of(e.description().split("\n", -1)));
        }
        for (Field f : e.fields()) {
            lines.add("**" + nullToEmpty(f.name()) + "**: " + nullToEmpty(f.value()).replace("\n", " "));
        }
        if (notBlank(e.footer())) {
            lines.add("_" + e.footer() + "_");
        }
        return lines.stream().map(l -> "> " + l).toList();
    }

    static String stickerLine(String name) {
        return "[sticker: " + name + "]";
    }

    /** The markdown of a Discord message: its text, then its stickers and rich embeds. */
    static String markdown(String content, List<String> stickerNames, List<Embed> embeds) {
        StringBuilder sb = new StringBuilder(content == null ? "" : content);
        for (String s : stickerNames) {
            appendLine(sb, stickerLine(s));
        }
        for (Embed e : embeds) {
            List<String> lines = embedLines(e);
            if (!lines.isEmpty()) {
                appendLine(sb, String.join("\n", lines));
            }
        }
        return sb.toString();
    }

    /**
     * The first line of a Matrix reply on Discord, where webhooks cannot reply: who is answered, a
     * short excerpt and a jump link.
     */
    static String replyLine(String repliedAuthor, String repliedText, String jumpUrl) {
        StringBuilder sb = new StringBuilder("> \u21AA ");
        if (notBlank(repliedAuthor)) {
            sb.append("**").append(repliedAuthor.replace("*", "")).append("**");
        }
        String excerpt = excerpt(repliedText, 80);
        if (!excerpt.isEmpty()) {
            sb.append(notBlank(repliedAuthor) ? ": " : "").append(excerpt);
        }
        sb.append(sb.length() > 4 ? " " : "").append("[\u2197](").append(jumpUrl).append(')');
        return sb.toString();
    }

    /** The first line of a text, without quotes or links' markup, cut at {@code max} characters. */
    static String excerpt(String text, int max) {
        if (text == null) {
            return "";
        }
        String first = "";
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith(">")) {
                first = l;
                break;
            }
        }
        first = first.replaceAll("@(everyone|here)\\b", "@\u200B$1").replace("](", "] (");
        if (first.length() > max) {
            first = WebhookNames.truncate(first, max - 1) + "\u2026";
        }
        return first;
    }

    /** The reply line a bridged message starts with, or "" (to keep it through an edit). */
    static String leadingReplyLine(String content) {
        if (content == null || !content.startsWith("> \u21AA ")) {
            return "";
        }
        int end = content.indexOf('\n');
        return end < 0 ? content : content.substring(0, end);
    }

    /**
     * Whether a Matrix reaction key can be a Discord unicode reaction: short, and no ASCII letter or
     * digit (Matrix also allows free text like "+1" and custom {@code mxc://} images).
     */
    static boolean looksLikeEmoji(String key) {
        if (key == null || key.isBlank() || key.length() > 32) {
            return false;
        }
        if (key.indexOf('\u20E3') > 0) {
            return true; // keycaps: 1️⃣ #️⃣
        }
        return key.chars().noneMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == ':' || c == '/' || c == ' '));
    }

    static String jumpUrl(String guildId, String channelId, String messageId) {
        return "https://discord.com/channels/" + guildId + "/" + channelId + "/" + messageId;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static void appendLine(StringBuilder sb, String line) {
        if (sb.length() > 0) {
            sb.append('\n');
        }
        sb.append(line);
    }
}
