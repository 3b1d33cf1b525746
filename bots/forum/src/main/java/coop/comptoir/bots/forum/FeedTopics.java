package coop.comptoir.bots.forum;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns RSS/Atom items into topics, recognising this forum's own topics by their address. */
final class FeedTopics {
    private final Pattern topicLink;

    /** @param base the forum's base URL, without trailing slash */
    FeedTopics(String base) {
        this.topicLink = Pattern.compile(Pattern.quote(base) + "/t/([^/?#]+)/(\\d{1,18})(?:[/?#].*)?");
    }

    /**
     * An RSS/Atom item as a topic. A link to this forum's {@code /t/{slug}/{id}} is that Discourse
     * topic (so it merges with webhooks and JSON polling); anything else gets a negative ID from its
     * guid/id (else its link). Items without title or address are skipped; without a readable date
     * they count as new.
     */
    Announcer.FeedEntry entry(FeedParser.Item item, Instant now) {
        String link = item.link();
        if (link == null || !(link.startsWith("https://") || link.startsWith("http://")) || item.title() == null
                || item.identity() == null) {
            return null;
        }
        Instant created = item.published() == null ? now : item.published();
        Matcher m = topicLink.matcher(link);
        if (m.matches()) {
            long id = Long.parseLong(m.group(2));
            return new Announcer.FeedEntry(new Discourse.Topic(id, item.title(), m.group(1), null, List.of(), null,
                    item.author(), false, true, created), link, item.category(), item.html());
        }
        return new Announcer.FeedEntry(new Discourse.Topic(syntheticId(item.identity()), item.title(), null, null,
                List.of(), null, item.author(), false, true, created), link, item.category(), item.html());
    }

    /** A stable negative ID for an item that is not a Discourse topic. */
    static long syntheticId(String identity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return -(v & 0x3fff_ffff_ffff_ffffL) - 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
