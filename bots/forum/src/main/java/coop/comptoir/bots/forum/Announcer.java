package coop.comptoir.bots.forum;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bots.forum.ForumStore.Announcement;
import coop.comptoir.bots.forum.ForumStore.TopicState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Announces topics in their rooms, edits and redacts the announcements, posts replies in threads.
 * Webhooks and polling both come here; what was announced is in the store, so a topic seen by both
 * is announced once. One instance's work is serialised (calls are {@code synchronized}).
 *
 * <p>Messages carry transaction IDs derived from the topic, the room and the content, so that a
 * send repeated after a crash is not doubled by the homeserver either.
 */
final class Announcer {
    /** What an announcement may take as JSON, in bytes: a homeserver refuses events over 65,536, and an edit carries it twice. */
    static final int MAX_MESSAGE_BYTES = 28_000;
    /** The longest topic address an announcement links to as it is. */
    static final int MAX_URL_CHARS = 2_000;

    private final MatrixClient matrix;
    private final ForumStore store;
    private final Routing routing;
    private final Texts texts;
    private final HtmlSanitizer sanitizer;
    private final String base;
    private final String instance;
    private final int catchUpLimit;
    private final Logger log;
    private final Map<String, RoomId> rooms = new ConcurrentHashMap<>();

    /** Convenience for a single call without the old-topic filter. */
    void topics(List<Discourse.Topic> topics, boolean allowNew, LongFunction<Discourse.Post> firstPost) {
        topics(topics, allowNew, firstPost, null);
    }

    Announcer(MatrixClient matrix, ForumStore store, Routing routing, Texts texts, String base, String instance,
              int catchUpLimit, Logger log) {
        this.matrix = matrix;
        this.store = store;
        this.routing = routing;
        this.texts = texts;
        this.sanitizer = new HtmlSanitizer(base + "/");
        this.base = base;
        this.instance = instance;
        this.catchUpLimit = catchUpLimit;
        this.log = log;
    }

    /**
     * New or changed topics (one from a webhook, a page from a poll). Topics a room has not had are
     * announced there, at most {@code catch_up_limit} per room (the most recent), the rest counted
     * in one summary; topics already announced are edited if their title changed, and withdrawn from
     * the rooms they no longer go to (moved to another category, a tag removed, made read-restricted).
     * A read-restricted category reaches only the rooms naming it ({@link Routing}). May block while
     * the forum is asked about a category; throws {@link Categories.Unknown} when it cannot tell.
     *
     * @param allowNew      false for edit events: a topic never announced is not announced now
     * @param firstPost     fetches a topic's first post for its excerpt when none is known yet (may return null)
     * @param notBefore     topics created before this (old topics bumped into a feed) are recorded, not
     *                      announced; null: no such filter
     */
    synchronized void topics(List<Discourse.Topic> topics, boolean allowNew, LongFunction<Discourse.Post> firstPost,
                             Instant notBefore) {
        topics(topics, allowNew, firstPost, notBefore, t -> {
            List<Routing.Target> targets = routing.targets(t.categoryId(), t.tags());
            Lazy<Set<RoomId>> matching = new Lazy<>(() -> resolve(routing.matchingRooms(t.categoryId(), t.tags())));
            return new Placement(targets, room -> matching.get().contains(room), true);
        });
    }

    /**
     * Items of an RSS/Atom feed, each already turned into a topic ({@link FeedEntry}). What the feed
     * tells is recorded first (its address when it is not a Discourse topic, its excerpt when none is
     * known), then the items go through the same path as polled topics: same store, same catch-up.
     * For Discourse topics (positive IDs) what webhooks and JSON polling said wins over the feed.
     */
    synchronized void feedItems(List<FeedEntry> entries, Function<FeedEntry, List<Routing.Target>> targets,
                                Instant notBefore) {
        Map<Long, FeedEntry> byId = new LinkedHashMap<>();
        Map<Long, String> knownCategory = new LinkedHashMap<>();
        List<Discourse.Topic> topics = new ArrayList<>();
        for (FeedEntry e : entries) {
            Discourse.Topic t = e.topic();
            if (!t.announceable() || byId.putIfAbsent(t.id(), e) != null) {
                continue;
            }
            TopicState known = store.topic(t.id()).orElse(null);
            if (known != null && t.id() > 0) {
                t = new Discourse.Topic(t.id(), or(known.title(), t.title()), or(known.slug(), t.slug()), t.categoryId(),
                        t.tags(), t.authorId(), or(known.author(), t.author()), false, true, t.createdAt());
                if (known.category() != null) {
                    knownCategory.put(t.id(), known.category());
                }
            }
            topics.add(t);
            boolean needsExcerpt = (known == null || known.excerptHtml() == null) && e.html() != null;
            boolean needsUrl = t.id() < 0 && (known == null || !e.url().equals(known.url()));
            if (needsExcerpt || needsUrl) {
                HtmlSanitizer.Safe ex = needsExcerpt ? sanitizer.excerpt(e.html(), HtmlSanitizer.EXCERPT_CHARS) : null;
                TopicState state = new TopicState(t.id(), null, null, null, null, ex == null ? null : ex.html(),
                        ex == null ? null : ex.text(), t.id() < 0 ? e.url() : null).over(known);
                store.saveTopic(state);
            }
        }
        topics(topics, true, null, notBefore, t -> {
            String label = knownCategory.get(t.id());
            List<Routing.Target> out = targets.apply(byId.get(t.id()));
            List<Routing.Target> labelled = label == null ? out
                    : out.stream().map(x -> new Routing.Target(x.room(), x.replies(), label)).toList();
            // A feed knows no tags, and names categories loosely: it edits where it would announce, withdraws nothing.
            Lazy<Set<RoomId>> rooms = new Lazy<>(() -> resolve(labelled.stream().map(Routing.Target::room).toList()));
            return new Placement(labelled, room -> rooms.get().contains(room), false);
        });
    }

    /**
     * An item of an RSS/Atom feed as a topic. Items that are not Discourse topics get a negative ID
     * derived from their identity, so they never meet a Discourse topic ID in the store.
     */
    record FeedEntry(Discourse.Topic topic, String url, String category, String html) {}

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    /**
     * Where a topic goes now ({@code targets}, already limited to rooms that may show it), and which
     * rooms holding an announcement of it may keep it ({@code stays}): the others are withdrawn when
     * {@code withdrawOthers}, else only left unedited.
     */
    private record Placement(List<Routing.Target> targets, Predicate<RoomId> stays, boolean withdrawOthers) {}

    private void topics(List<Discourse.Topic> topics, boolean allowNew, LongFunction<Discourse.Post> firstPost,
                        Instant notBefore, Function<Discourse.Topic, Placement> placementOf) {
        Map<RoomId, List<Discourse.Topic>> pending = new LinkedHashMap<>();
        for (Discourse.Topic t : topics) {
            if (!t.announceable()) {
                // Unlisted or turned into a private message since: what was announced is withdrawn.
                if (t.privateMessage() || !t.visible()) {
                    destroyed(t.id());
                }
                continue;
            }
            Placement placement = placementOf.apply(t);
            List<Routing.Target> targets = placement.targets();
            List<Announcement> done = store.announcements(t.id());
            if (targets.isEmpty() && done.stream().allMatch(a -> a.event() == null)) {
                continue;
            }
            TopicState known = store.topic(t.id()).orElse(null);
            TopicState state = new TopicState(t.id(), t.title(), t.slug(), t.author(),
                    targets.isEmpty() ? null : targets.get(0).categoryLabel(), null, null).over(known);
            if (!state.equals(known)) {
                store.saveTopic(state);
            }
            editWhereChanged(state, done, placement.stays(), placement.withdrawOthers());
            for (Routing.Target target : targets) {
                RoomId room = room(target.room());
                if (allowNew && done.stream().noneMatch(a -> a.room().equals(room))) {
                    if (notBefore != null && t.createdAt().isBefore(notBefore)) {
                        store.saveAnnouncement(new Announcement(t.id(), room, null, null));
                    } else {
                        pending.computeIfAbsent(room, r -> new ArrayList<>()).add(t);
                    }
                }
            }
        }
        for (Map.Entry<RoomId, List<Discourse.Topic>> e : pending.entrySet()) {
            RoomId room = e.getKey();
            List<Discourse.Topic> list = new ArrayList<>(e.getValue());
            list.sort(Comparator.comparing(Discourse.Topic::createdAt).thenComparingLong(Discourse.Topic::id));
            int skipped = Math.max(0, list.size() - catchUpLimit);
            for (Discourse.Topic t : list.subList(skipped, list.size())) {
                announce(t.id(), room, firstPost);
            }
            if (skipped > 0) {
                List<Discourse.Topic> older = list.subList(0, skipped);
                summary(room, older);
            }
        }
    }

    /**
     * A first post was created or edited: its excerpt goes into the topic's announcements, in the
     * rooms that may still show its category; from the others, the announcement is withdrawn.
     * May block while the forum is asked about the category; throws {@link Categories.Unknown} when it cannot tell.
     */
    synchronized void firstPost(Discourse.Post p) {
        if (p.privateMessage()) {
            destroyed(p.topicId());
            return;
        }
        if (!p.announceable() || p.postNumber() != 1) {
            return;
        }
        HtmlSanitizer.Safe excerpt = sanitizer.excerpt(p.cooked(), HtmlSanitizer.EXCERPT_CHARS);
        TopicState known = store.topic(p.topicId()).orElse(null);
        TopicState state = new TopicState(p.topicId(), known == null ? p.topicTitle() : null,
                known == null ? p.topicSlug() : null, known == null ? p.username() : null,
                known == null ? routing.categoryLabel(p.categoryId()) : null, excerpt.html(), excerpt.text()).over(known);
        store.saveTopic(state);
        Lazy<Set<RoomId>> named = new Lazy<>(() -> resolve(routing.explicitRooms(p.categoryId())));
        Lazy<Boolean> open = new Lazy<>(() -> routing.isPublic(p.categoryId()));
        editWhereChanged(state, store.announcements(p.topicId()), room -> named.get().contains(room) || open.get(), true);
    }

    /**
     * A reply: posted in the thread of the topic's announcement, in rooms whose route wants replies
     * and may show the topic's category. May block; throws {@link Categories.Unknown} like {@link #firstPost}.
     */
    synchronized void reply(Discourse.Post p) {
        if (p.privateMessage()) {
            destroyed(p.topicId());
            return;
        }
        if (!p.announceable() || p.postNumber() <= 1) {
            return;
        }
        List<Announcement> done = store.announcements(p.topicId());
        for (Routing.Target target : routing.targets(p.categoryId(), List.of())) {
            if (!target.replies()) {
                continue;
            }
            RoomId room = room(target.room());
            Announcement root = done.stream().filter(a -> a.room().equals(room) && a.event() != null).findFirst().orElse(null);
            if (root == null || store.replied(p.id(), room)) {
                continue;
            }
            HtmlSanitizer.Safe body = sanitizer.excerpt(p.cooked(), HtmlSanitizer.EXCERPT_CHARS);
            String who = p.username() == null ? "?" : HtmlSanitizer.shorten(p.username(), HtmlSanitizer.MAX_NAME_CHARS);
            String html = "<p><b>" + HtmlSanitizer.escape(who) + "</b> " + texts.replies() + "</p>" + body.html();
            String plain = who + " " + texts.replies() + "\n" + body.text();
            EventId ev = matrix.send(room, OutgoingMessage.noticeHtml(plain, html).inThread(root.event()),
                    txn("p" + p.id(), room, ""));
            store.saveReply(p.id(), room, ev);
        }
    }

    /** A topic was deleted (or hidden): its announcements are redacted. */
    synchronized void destroyed(long topicId) {
        for (Announcement a : store.announcements(topicId)) {
            if (a.event() != null) {
                withdraw(a, "deleted or hidden");
            }
        }
    }

    /**
     * A reply was deleted on the forum: what was posted of it is redacted. Its rows stay, so it is
     * never posted again; a repeated call repeats the same redaction (same transaction ID).
     */
    synchronized void replyDestroyed(long postId) {
        for (Map.Entry<RoomId, EventId> e : store.replies(postId).entrySet()) {
            matrix.redact(e.getKey(), e.getValue(), null, txn("p" + postId + "-del", e.getKey(), ""));
            log.info("Redacted reply {} in {} (deleted on the forum)", postId, e.getKey());
        }
    }

    /** Redacts one announcement; the room keeps a row without event, so the topic is not announced there again. */
    private void withdraw(Announcement a, String why) {
        matrix.redact(a.room(), a.event(), null, txn("t" + a.topicId() + "-del", a.room(), ""));
        store.saveAnnouncement(new Announcement(a.topicId(), a.room(), null, null));
        log.info("Withdrew the announcement of topic {} in {} ({})", a.topicId(), a.room(), why);
    }

    /**
     * Whether topics of this category may be shown in {@code room}: a route or feed names the category
     * for that room, or everyone may read it. May block; throws {@link Categories.Unknown} when the forum cannot tell.
     */
    boolean visibleIn(Long categoryId, RoomId room) {
        return resolve(routing.explicitRooms(categoryId)).contains(room) || routing.isPublic(categoryId);
    }

    /** The message announcing a topic. */
    OutgoingMessage render(TopicState s) {
        String url = topicUrl(s);
        String title = s.title() == null ? "#" + s.topicId() : HtmlSanitizer.shorten(s.title(), HtmlSanitizer.MAX_NAME_CHARS);
        StringBuilder html = new StringBuilder("<p><b>").append(texts.newTopic()).append("</b> <a href=\"")
                .append(HtmlSanitizer.escape(url)).append("\">").append(HtmlSanitizer.escape(title)).append("</a>");
        StringBuilder plain = new StringBuilder(texts.newTopic()).append(' ').append(title);
        String meta = meta(s);
        if (!meta.isEmpty()) {
            html.append("<br><i>").append(HtmlSanitizer.escape(meta)).append("</i>");
            plain.append('\n').append(meta);
        }
        html.append("</p>");
        plain.append('\n').append(url);
        if (s.excerptHtml() != null && !s.excerptHtml().isBlank()) {
            html.append("<blockquote>").append(s.excerptHtml()).append("</blockquote>");
            plain.append("\n\n").append(s.excerptText().lines().map(l -> "> " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
        return OutgoingMessage.noticeHtml(plain.toString(), html.toString());
    }

    String topicUrl(TopicState s) {
        if (s.url() != null && s.url().length() <= MAX_URL_CHARS) {
            return s.url();
        }
        // Discourse finds a topic by its number whatever the slug: a slug out of all measure is left out
        boolean slugFits = s.slug() != null && s.slug().length() <= MAX_URL_CHARS / 2;
        return base + "/t/" + (slugFits ? s.slug() : "-") + "/" + s.topicId();
    }

    private String meta(TopicState s) {
        List<String> parts = new ArrayList<>();
        if (s.author() != null) {
            parts.add(texts.by() + " " + HtmlSanitizer.shorten(s.author(), HtmlSanitizer.MAX_NAME_CHARS));
        }
        if (s.category() != null) {
            parts.add(texts.in() + " " + HtmlSanitizer.shorten(s.category(), HtmlSanitizer.MAX_NAME_CHARS));
        }
        return String.join(", ", parts);
    }

    private void announce(long topicId, RoomId room, LongFunction<Discourse.Post> firstPost) {
        TopicState state = store.topic(topicId).orElseThrow();
        if (state.excerptHtml() == null && firstPost != null) {
            Discourse.Post p = firstPost.apply(topicId);
            if (p != null && p.announceable()) {
                HtmlSanitizer.Safe ex = sanitizer.excerpt(p.cooked(), HtmlSanitizer.EXCERPT_CHARS);
                state = new TopicState(topicId, null, null, null, null, ex.html(), ex.text()).over(state);
                store.saveTopic(state);
            }
        }
        OutgoingMessage m = render(state);
        EventId ev = matrix.send(room, m, txn("t" + topicId, room, ""));
        store.saveAnnouncement(new Announcement(topicId, room, ev, m.htmlBody()));
        log.info("Announced topic {} in {}", topicId, room);
    }

    private void summary(RoomId room, List<Discourse.Topic> older) {
        String text = texts.more(older.size());
        String url = base + "/latest";
        String html = "<p>" + HtmlSanitizer.escape(text) + " — <a href=\"" + HtmlSanitizer.escape(url) + "\">"
                + texts.seeForum() + "</a></p>";
        long newest = older.get(older.size() - 1).id();
        matrix.send(room, OutgoingMessage.noticeHtml(text + " — " + url, html), txn("s" + newest + "-" + older.size(), room, ""));
        for (Discourse.Topic t : older) {
            store.saveAnnouncement(new Announcement(t.id(), room, null, null));
        }
        log.info("Catch-up in {}: {} older topic(s) summed up in one message", room, older.size());
    }

    /**
     * Edits the announcements whose room may keep the topic ({@code stays}) and whose text changed;
     * the others are withdrawn when {@code withdrawOthers}, else left as they are (never edited).
     */
    private void editWhereChanged(TopicState state, List<Announcement> done, Predicate<RoomId> stays, boolean withdrawOthers) {
        OutgoingMessage m = null;
        for (Announcement a : done) {
            if (a.event() == null) {
                continue;
            }
            if (!stays.test(a.room())) {
                if (withdrawOthers) {
                    withdraw(a, "no longer routed there");
                }
                continue;
            }
            if (m == null) {
                m = render(state);
            }
            if (!m.htmlBody().equals(a.rendered())) {
                matrix.edit(a.room(), a.event(), m, txn("t" + state.topicId() + "-e", a.room(), m.htmlBody()));
                store.saveAnnouncement(new Announcement(a.topicId(), a.room(), a.event(), m.htmlBody()));
                log.info("Edited the announcement of topic {} in {}", state.topicId(), a.room());
            }
        }
    }

    private RoomId room(String ref) {
        return rooms.computeIfAbsent(ref, matrix::join);
    }

    /** The rooms behind configured references (joined, as for an announcement). */
    private Set<RoomId> resolve(java.util.Collection<String> refs) {
        Set<RoomId> out = new HashSet<>();
        for (String ref : refs) {
            out.add(room(ref));
        }
        return out;
    }

    /** A value computed once, on first use (the forum is asked only when needed). */
    private static final class Lazy<T> implements Supplier<T> {
        private Supplier<T> compute;
        private T value;

        Lazy(Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public T get() {
            if (compute != null) {
                value = compute.get();
                compute = null;
            }
            return value;
        }
    }

    private String txn(String what, RoomId room, String content) {
        return "forum-" + instance + "-" + what + "-" + Integer.toHexString(room.value().hashCode())
                + (content.isEmpty() ? "" : "-" + Integer.toHexString(content.hashCode()));
    }
}
