package coop.comptoir.bots.forum;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the forum plugin remembers, per instance: the last known state of each topic (to edit its
 * announcements), which topic went to which room as which event (a topic counted in a catch-up
 * summary, or withdrawn, has a row without event), which replies were posted, and which webhook
 * deliveries were handled (for a bounded time).
 */
final class ForumStore {
    private static final String TABLE_SQL = """
            CREATE TABLE forum_topic (
              instance TEXT NOT NULL,
              topic_id BIGINT NOT NULL,
              title TEXT,
              slug TEXT,
              author TEXT,
              category TEXT,
              excerpt_html TEXT,
              excerpt_text TEXT,
              PRIMARY KEY (instance, topic_id)
            );
            CREATE TABLE forum_announcement (
              instance TEXT NOT NULL,
              topic_id BIGINT NOT NULL,
              room_id TEXT NOT NULL,
              event_id TEXT,
              rendered TEXT,
              PRIMARY KEY (instance, topic_id, room_id)
            );
            CREATE TABLE forum_reply (
              instance TEXT NOT NULL,
              post_id BIGINT NOT NULL,
              room_id TEXT NOT NULL,
              event_id TEXT NOT NULL,
              PRIMARY KEY (instance, post_id, room_id)
            )""";

    private static final String STATE_SQL = """
            CREATE TABLE forum_state (
              instance TEXT NOT NULL,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              PRIMARY KEY (instance, name)
            )""";

    private static final String DELIVERY_SQL = """
            CREATE TABLE forum_delivery (
              instance TEXT NOT NULL,
              digest TEXT NOT NULL,
              delivery_id TEXT,
              received_at BIGINT NOT NULL,
              PRIMARY KEY (instance, digest)
            );
            CREATE INDEX forum_delivery_id ON forum_delivery (instance, delivery_id)""";

    /** A topic as last seen, merged from every source. */
    record TopicState(long topicId, String title, String slug, String author, String category, String excerptHtml,
                      String excerptText, String url) {
        /** A Discourse topic, whose address is made from its slug and ID. */
        TopicState(long topicId, String title, String slug, String author, String category, String excerptHtml,
                   String excerptText) {
            this(topicId, title, slug, author, category, excerptHtml, excerptText, null);
        }

        /** Fills what {@code this} lacks from {@code older}. */
        TopicState over(TopicState older) {
            if (older == null) {
                return this;
            }
            return new TopicState(topicId, or(title, older.title), or(slug, older.slug), or(author, older.author),
                    or(category, older.category), or(excerptHtml, older.excerptHtml), or(excerptText, older.excerptText), or(url, older.url));
        }

        private static String or(String a, String b) {
            return a != null ? a : b;
        }
    }

    /** One room's announcement of a topic; {@code event} is null when only counted in a summary or redacted. */
    record Announcement(long topicId, RoomId room, EventId event, String rendered) {}

    private final Database db;
    private final String instance;

    ForumStore(Database db, String instance) {
        this.db = db;
        this.instance = instance;
        db.migrate("forum", List.of(Migration.both(1, "topics, announcements, replies", TABLE_SQL),
                Migration.both(2, "polling baseline", STATE_SQL),
                Migration.both(3, "address of feed items that are not Discourse topics",
                        "ALTER TABLE forum_topic ADD COLUMN url TEXT"),
                Migration.both(4, "webhook deliveries already handled", DELIVERY_SQL)));
    }

    Optional<TopicState> topic(long id) {
        return db.withHandle(h -> h.select("SELECT title, slug, author, category, excerpt_html, excerpt_text, url FROM forum_topic "
                        + "WHERE instance = ? AND topic_id = ?", instance, id)
                .map((rs, ctx) -> new TopicState(id, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7)))
                .findFirst());
    }

    void saveTopic(TopicState t) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM forum_topic WHERE instance = ? AND topic_id = ?", instance, t.topicId());
            return h.execute("INSERT INTO forum_topic (instance, topic_id, title, slug, author, category, excerpt_html, "
                            + "excerpt_text, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    instance, t.topicId(), t.title(), t.slug(), t.author(), t.category(), t.excerptHtml(), t.excerptText(), t.url());
        });
    }

    List<Announcement> announcements(long topicId) {
        return db.withHandle(h -> h.select("SELECT room_id, event_id, rendered FROM forum_announcement "
                        + "WHERE instance = ? AND topic_id = ?", instance, topicId)
                .map((rs, ctx) -> {
                    String ev = rs.getString(2);
                    return new Announcement(topicId, RoomId.of(rs.getString(1)), ev == null ? null : EventId.of(ev), rs.getString(3));
                })
                .list());
    }

    boolean announced(long topicId, RoomId room) {
        return announcements(topicId).stream().anyMatch(a -> a.room().equals(room));
    }

    /** Records (or updates) a room's announcement. */
    void saveAnnouncement(Announcement a) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM forum_announcement WHERE instance = ? AND topic_id = ? AND room_id = ?",
                    instance, a.topicId(), a.room().value());
            return h.execute("INSERT INTO forum_announcement (instance, topic_id, room_id, event_id, rendered) VALUES (?, ?, ?, ?, ?)",
                    instance, a.topicId(), a.room().value(), a.event() == null ? null : a.event().value(), a.rendered());
        });
    }

    /**
     * When this instance first read the forum: topics created before then that show up later
     * (bumped by a reply) are old news, recorded without being announced. Empty until the feed's first poll.
     */
    Optional<Instant> baseline(String feed) {
        return db.withHandle(h -> h.select("SELECT value FROM forum_state WHERE instance = ? AND name = ?", instance, "baseline " + feed)
                .map((rs, ctx) -> Instant.parse(rs.getString(1))).findFirst());
    }

    void setBaseline(String feed, Instant when) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM forum_state WHERE instance = ? AND name = ?", instance, "baseline " + feed);
            return h.execute("INSERT INTO forum_state (instance, name, value) VALUES (?, ?, ?)", instance, "baseline " + feed,
                    when.toString());
        });
    }

    /**
     * Whether a webhook delivery was handled already: same {@code X-Discourse-Event-Id} (null: none
     * given), or same body (its SHA-256, hex), within the retention.
     */
    boolean delivered(String deliveryId, String digest) {
        return db.withHandle(h -> (deliveryId == null
                ? h.select("SELECT 1 FROM forum_delivery WHERE instance = ? AND digest = ?", instance, digest)
                : h.select("SELECT 1 FROM forum_delivery WHERE instance = ? AND (digest = ? OR delivery_id = ?)",
                        instance, digest, deliveryId))
                .mapTo(Integer.class).findFirst().isPresent());
    }

    /** Records a handled delivery, and forgets those received before {@code forgetBefore}. */
    void saveDelivery(String deliveryId, String digest, Instant at, Instant forgetBefore) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM forum_delivery WHERE instance = ? AND (received_at < ? OR digest = ?)",
                    instance, forgetBefore.toEpochMilli(), digest);
            return h.execute("INSERT INTO forum_delivery (instance, digest, delivery_id, received_at) VALUES (?, ?, ?, ?)",
                    instance, digest, deliveryId, at.toEpochMilli());
        });
    }

    boolean replied(long postId, RoomId room) {
        return db.withHandle(h -> h.select("SELECT 1 FROM forum_reply WHERE instance = ? AND post_id = ? AND room_id = ?",
                instance, postId, room.value()).mapTo(Integer.class).findFirst().isPresent());
    }

    /** The events a reply was posted as, by room. */
    Map<RoomId, EventId> replies(long postId) {
        Map<RoomId, EventId> out = new LinkedHashMap<>();
        db.withHandle(h -> h.select("SELECT room_id, event_id FROM forum_reply WHERE instance = ? AND post_id = ?", instance, postId)
                .map((rs, ctx) -> Map.entry(RoomId.of(rs.getString(1)), EventId.of(rs.getString(2)))).list())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    void saveReply(long postId, RoomId room, EventId event) {
        db.withHandle(h -> h.execute("INSERT INTO forum_reply (instance, post_id, room_id, event_id) VALUES (?, ?, ?, ?)",
                instance, postId, room.value(), event.value()));
    }
}
