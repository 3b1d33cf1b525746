package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which forum categories everyone may read, as the forum tells it: {@code read_restricted} of each
 * category in {@code /site.json}, read with a conditional GET at most every {@link #MAX_AGE}; a
 * category missing there (created since, or left out of a lazily loaded list) is asked once from
 * {@code /c/{id}/show.json}.
 *
 * <p>Fail closed: a category is {@link Access#PUBLIC} only when the forum said it is not read-restricted
 * and neither is any parent. A category the key's user cannot see (absent, 403, 404), or a topic
 * without category, is {@link Access#RESTRICTED}. When the forum cannot be asked and what was last
 * read is older than {@link #GRACE}, {@link #access} throws {@link Unknown}: the caller announces
 * nothing that depends on it and tries again later.
 *
 * <p>Calls may block while the forum is asked (up to the client's timeout); they are serialised.
 */
final class Categories {
    /** Re-read {@code /site.json} (conditionally) when what was read is older than this. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** While the forum cannot be asked, what was read stays good this long. */
    static final Duration GRACE = Duration.ofHours(1);

    enum Access { PUBLIC, RESTRICTED }

    /** A category as far as announcements need it. */
    record Category(long id, String name, String slug, boolean readRestricted, Long parentId) {}

    /** The forum could not tell whether a category may be read by everyone; nothing depending on it is done. */
    static final class Unknown extends RuntimeException {
        Unknown(String message) {
            super(message);
        }
    }

    /** Where categories are read: Discourse's {@code /site.json} and {@code /c/{id}/show.json}. */
    interface Source {
        /** The site document, or empty when unchanged since the last call. May block. */
        Optional<JsonNode> site() throws DiscourseClient.ForumUnavailable;

        /** One category's document, or empty when the key's user may not see it. May block. */
        Optional<JsonNode> category(long id) throws DiscourseClient.ForumUnavailable;
    }

    private static final Category NONE = new Category(0, null, null, true, null);

    private final Source source;
    private final Clock clock;
    private Map<Long, Category> site = Map.of();
    private final Map<Long, Category> asked = new HashMap<>();
    private Instant readAt;
    private boolean expired = true;

    Categories(Source source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** Whether topics of category {@code id} may be shown to anyone. @throws Unknown when the forum cannot tell now */
    synchronized Access access(Long id) {
        if (id == null) {
            return Access.RESTRICTED;
        }
        refresh();
        Long next = id;
        for (int depth = 0; next != null && depth < 8; depth++) {
            Category c = find(next);
            if (c == null || c.readRestricted()) {
                return Access.RESTRICTED;
            }
            next = c.parentId();
        }
        return next == null ? Access.PUBLIC : Access.RESTRICTED;
    }

    /** The category, as the forum describes it, or empty. @throws Unknown when the forum cannot tell now */
    synchronized Optional<Category> get(Long id) {
        if (id == null) {
            return Optional.empty();
        }
        refresh();
        return Optional.ofNullable(find(id));
    }

    /**
     * The one category whose name or slug is {@code word} (ignoring case), as RSS feeds name them;
     * empty when none or several. @throws Unknown when the forum cannot tell now
     */
    synchronized Optional<Category> byName(String word) {
        if (word == null || word.isBlank()) {
            return Optional.empty();
        }
        refresh();
        List<Category> found = new ArrayList<>();
        for (Category c : site.values()) {
            if (word.strip().equalsIgnoreCase(c.name()) || word.strip().equalsIgnoreCase(c.slug())) {
                found.add(c);
            }
        }
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    /** A category changed on the forum: the next question reads the forum again. */
    synchronized void invalidate() {
        expired = true;
    }

    private void refresh() {
        Instant now = clock.instant();
        if (!expired && readAt != null && now.isBefore(readAt.plus(MAX_AGE))) {
            return;
        }
        try {
            Optional<JsonNode> doc = source.site();
            if (doc.isPresent() || readAt == null) {
                site = parseSite(doc.orElse(null));
            }
            asked.clear();
            readAt = now;
            expired = false;
        } catch (DiscourseClient.ForumUnavailable e) {
            if (readAt == null || now.isAfter(readAt.plus(GRACE))) {
                throw new Unknown("categories unknown: " + e.getMessage());
            }
        }
    }

    private Category find(long id) {
        Category c = site.get(id);
        if (c != null) {
            return c;
        }
        c = asked.get(id);
        if (c == null) {
            try {
                c = source.category(id).map(doc -> parse(doc.path("category"))).orElse(NONE);
            } catch (DiscourseClient.ForumUnavailable e) {
                throw new Unknown("category " + id + " unknown: " + e.getMessage());
            }
            asked.put(id, c == null ? NONE : c);
        }
        return c == null || c == NONE ? null : c;
    }

    private static Map<Long, Category> parseSite(JsonNode doc) {
        Map<Long, Category> out = new HashMap<>();
        if (doc == null) {
            return out;
        }
        for (JsonNode n : doc.path("categories")) {
            Category c = parse(n);
            if (c != null) {
                out.put(c.id(), c);
            }
        }
        return out;
    }

    /** A category object; null without ID. {@code read_restricted} missing counts as restricted. */
    private static Category parse(JsonNode n) {
        if (!n.path("id").canConvertToLong() || n.path("id").asLong() <= 0) {
            return null;
        }
        JsonNode restricted = n.get("read_restricted");
        JsonNode parent = n.get("parent_category_id");
        return new Category(n.path("id").asLong(), n.path("name").asText(null), n.path("slug").asText(null),
                restricted == null || !restricted.isBoolean() || restricted.asBoolean(),
                parent == null || !parent.canConvertToLong() || parent.isNull() ? null : parent.asLong());
    }
}
