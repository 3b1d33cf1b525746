package coop.comptoir.bridge.discord;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Plain conversion: mentions, {@code @everyone}/{@code @here}/{@code @room} defused, line breaks,
 * pieces of at most 2000 characters. Markdown is passed through as text.
 */
final class BasicTextConverter implements TextConverter {
    private static final Pattern USER = Pattern.compile("<@!?(\\d{1,20})>");
    private static final Pattern EMOJI = Pattern.compile("<a?:(\\w{1,32}):\\d{1,20}>");
    private static final Pattern MASS = Pattern.compile("@(everyone|here)\\b");
    private static final Pattern ROOM = Pattern.compile("@room\\b");
    private static final Pattern MATRIX_TO = Pattern.compile("https://matrix\\.to/#/(@[^/?\"]+)");

    private final Mentions mentions;

    BasicTextConverter(Mentions mentions) {
        this.mentions = mentions;
    }

    @Override
    public MatrixContent toMatrix(String markdown, Map<String, String> names) {
        String text = EMOJI.matcher(markdown).replaceAll(":$1:");
        text = ROOM.matcher(text).replaceAll("@\u2060room");
        Set<UserId> mentioned = new LinkedHashSet<>();
        StringBuilder body = new StringBuilder();
        StringBuilder html = new StringBuilder();
        Matcher m = USER.matcher(text);
        int last = 0;
        while (m.find()) {
            String before = text.substring(last, m.start());
            body.append(before);
            html.append(escape(before));
            String id = m.group(1);
            String name = names.getOrDefault(id, id);
            UserId ghost = mentions.ghostOf(id);
            mentioned.add(ghost);
            body.append('@').append(name);
            html.append("<a href=\"https://matrix.to/#/").append(ghost.value()).append("\">")
                    .append(escape(name)).append("</a>");
            last = m.end();
        }
        String rest = text.substring(last);
        body.append(rest);
        html.append(escape(rest));
        String h = html.toString().replace("\n", "<br>");
        boolean formatted = !mentioned.isEmpty();
        return new MatrixContent("m.text", body.toString(), formatted ? Optional.of(h) : Optional.empty(), mentioned);
    }

    @Override
    public Outgoing toDiscord(MatrixContent content, int firstMax) {
        Set<String> pinged = new LinkedHashSet<>();
        for (UserId u : content.mentions()) {
            mentions.discordUserOf(u).ifPresent(pinged::add);
        }
        String text = content.html().map(this::htmlToText).orElse(content.body());
        if (content.msgtype().equals("m.emote")) {
            text = "_" + text + "_";
        }
        text = MASS.matcher(text).replaceAll("@\u200B$1");
        return new Outgoing(split(text, firstMax), pinged);
    }

    private String htmlToText(String html) {
        Element body = Jsoup.parseBodyFragment(html).body();
        StringBuilder out = new StringBuilder();
        append(body, out);
        return out.toString().strip();
    }

    private void append(Node node, StringBuilder out) {
        for (Node child : node.childNodes()) {
            if (child instanceof TextNode t) {
                out.append(t.getWholeText());
            } else if (child instanceof Element e) {
                switch (e.normalName()) {
                    case "br" -> out.append('\n');
                    case "mx-reply" -> { }
                    case "a" -> {
                        Matcher m = MATRIX_TO.matcher(e.attr("href"));
                        Optional<String> discord = m.find() ? ghostTarget(m.group(1)) : Optional.empty();
                        if (discord.isPresent()) {
                            out.append("<@").append(discord.get()).append('>');
                        } else {
                            append(e, out);
                        }
                    }
                    case "p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6" -> {
                        append(e, out);
                        out.append('\n');
                    }
                    default -> append(e, out);
                }
            }
        }
    }

    private Optional<String> ghostTarget(String userId) {
        try {
            return mentions.discordUserOf(new UserId(java.net.URLDecoder.decode(userId, java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Pieces of at most {@code first} then {@link #DISCORD_MAX} characters, cut at a line break or a space when possible. */
    static List<String> split(String text, int first) {
        List<String> out = new ArrayList<>();
        String rest = text;
        int max = Math.max(1, first);
        while (rest.length() > max) {
            int cut = rest.lastIndexOf('\n', max);
            if (cut < max / 2) {
                cut = rest.lastIndexOf(' ', max);
            }
            if (cut < max / 2) {
                cut = max;
                if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                    cut--;
                }
            }
            out.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            max = DISCORD_MAX;
        }
        if (!rest.isEmpty() || out.isEmpty()) {
            out.add(rest);
        }
        return out;
    }
}
