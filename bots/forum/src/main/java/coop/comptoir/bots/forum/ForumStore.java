package coop.comptoir.bots.forum;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT title, slug, author, category, excerpt_html, excerpt_text, url FROM forum_topic WHERE instance = ? AND topic_id = ?")) {
                ps.setString(1, instance);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new TopicState(id, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), rs.getString(7)))
                            : Optional.<TopicState>empty();
                }
            }
        });
    }

    void saveTopic(TopicState t) {
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM forum_topic WHERE instance = ? AND topic_id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO forum_topic (instance, topic_id, title, slug, author, "
                         + "category, excerpt_html, excerpt_text, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, instance);
                del.setLong(2, t.topicId());
                del.executeUpdate();
                ins.setString(1, instance);
                ins.setLong(2, t.topicId());
                ins.setString(3, t.title());
                ins.setString(4, t.slug());
                ins.setString(5, t.author());
                ins.setString(6, t.category());
                ins.setString(7, t.excerptHtml());
                ins.setString(8, t.excerptText());
                ins.setString(9, t.url());
                ins.executeUpdate();
            }
            return null;
        });
    }

    List<Announcement> announcements(long topicId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT room_id, event_id, rendered FROM forum_announcement WHERE instance = ? AND topic_id = ?")) {
                ps.setString(1, instance);
                ps.setLong(2, topicId);
                List<Announcement> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String ev = rs.getString(2);
                        out.add(new Announcement(topicId, RoomId.of(rs.getString(1)), ev == null ? null : EventId.of(ev),
                                rs.getString(3)));
                    }
                }
                return out;
            }
        });
    }

    boolean announced(long topicId, RoomId room) {
        return announcements(topicId).stream().anyMatch(a -> a.room().equals(room));
    }

    /** Records (or updates) a room's announcement. */
    void saveAnnouncement(Announcement a) {
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM forum_announcement WHERE instance = ? AND topic_id = ? AND room_id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO forum_announcement (instance, topic_id, room_id, "
                         + "event_id, rendered) VALUES (?, ?, ?, ?, ?)")) {
                del.setString(1, instance);
                del.setLong(2, a.topicId());
                del.setString(3, a.room().value());
                del.executeUpdate();
                ins.setString(1, instance);
                ins.setLong(2, a.topicId());
                ins.setString(3, a.room().value());
                ins.setString(4, a.event() == null ? null : a.event().value());
                ins.setString(5, a.rendered());
                ins.executeUpdate();
            }
            return null;
        });
    }

    /**
     * When this instance first read the forum: topics created before then that show up later
     * (bumped by a reply) are old news, recorded without being announced. Empty until the feed's first poll.
     */
    Optional<Instant> baseline(String feed) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM forum_state WHERE instance = ? AND name = ?")) {
                ps.setString(1, instance);
                ps.setString(2, "baseline " + feed);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.parse(rs.getString(1))) : Optional.<Instant>empty();
                }
            }
        });
    }

    void setBaseline(String feed, Instant when) {
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM forum_state WHERE instance = ? AND name = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO forum_state (instance, name, value) VALUES (?, ?, ?)")) {
                del.setString(1, instance);
                del.setString(2, "baseline " + feed);
                del.executeUpdate();
                ins.setString(1, instance);
                ins.setString(2, "baseline " + feed);
                ins.setString(3, when.toString());
                ins.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Whether a webhook delivery was handled already: same {@code X-Discourse-Event-Id} (null: none
     * given), or same body (its SHA-256, hex), within the retention.
     */
    boolean delivered(String deliveryId, String digest) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM forum_delivery WHERE instance = ? AND (digest = ?"
                    + (deliveryId == null ? ")" : " OR delivery_id = ?)"))) {
                ps.setString(1, instance);
                ps.setString(2, digest);
                if (deliveryId != null) {
                    ps.setString(3, deliveryId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Records a handled delivery, and forgets those received before {@code forgetBefore}. */
    void saveDelivery(String deliveryId, String digest, Instant at, Instant forgetBefore) {
        db.inTransaction(c -> {
            try (PreparedStatement old = c.prepareStatement("DELETE FROM forum_delivery WHERE instance = ? AND (received_at < ? OR digest = ?)");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO forum_delivery (instance, digest, delivery_id, received_at) VALUES (?, ?, ?, ?)")) {
                old.setString(1, instance);
                old.setLong(2, forgetBefore.toEpochMilli());
                old.setString(3, digest);
                old.executeUpdate();
                ins.setString(1, instance);
                ins.setString(2, digest);
                ins.setString(3, deliveryId);
                ins.setLong(4, at.toEpochMilli());
                ins.executeUpdate();
            }
            return null;
        });
    }

    boolean replied(long postId, RoomId room) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM forum_reply WHERE instance = ? AND post_id = ? AND room_id = ?")) {
                ps.setString(1, instance);
                ps.setLong(2, postId);
                ps.setString(3, room.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The events a reply was posted as, by room. */
    java.util.Map<RoomId, EventId> replies(long postId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT room_id, event_id FROM forum_reply WHERE instance = ? AND post_id = ?")) {
                ps.setString(1, instance);
                ps.setLong(2, postId);
                java.util.Map<RoomId, EventId> out = new java.util.LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(RoomId.of(rs.getString(1)), EventId.of(rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    void saveReply(long postId, RoomId room, EventId event) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO forum_reply (instance, post_id, room_id, event_id) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, instance);
                ps.setLong(2, postId);
                ps.setString(3, room.value());
                ps.setString(4, event.value());
                return ps.executeUpdate();
            }
        });
    }
}
