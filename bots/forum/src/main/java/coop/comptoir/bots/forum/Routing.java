package coop.comptoir.bots.forum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which rooms a topic goes to, from its category and tags, and which rooms may show it at all.
 *
 * <p>A read-restricted category (staff, bureau…) is shown only in the rooms of a route naming it by
 * {@code category_id}, or of a feed of that category ({@code /c/…/<id>.rss}): a route without
 * {@code category_id} (all categories, or a tag) and the other feeds take only the categories
 * everyone may read ({@link Categories}). The forum is asked only when a room that does not name
 * the category is concerned; questions may then block, or throw {@link Categories.Unknown}.
 */
final class Routing {
    /** A room a topic goes to; {@code replies}: also its replies, in a thread. */
    record Target(String room, boolean replies, String categoryLabel) {}

    private static final Pattern CATEGORY_FEED = Pattern.compile("/c/(?:[^/?#]+/)*(\\d{1,18})(?:/l/[^/?#]+)?\\.rss");

    private final List<ForumConfig.Route> routes;
    private final List<ForumConfig.Feed> feeds;
    private final String base;
    private final Categories categories;

    /**
     * @param feeds      the RSS/Atom feeds (their rooms may show topics too)
     * @param base       the forum's address without trailing slash, to tell its feeds from other sites'
     * @param categories which categories everyone may read
     */
    Routing(List<ForumConfig.Route> routes, List<ForumConfig.Feed> feeds, String base, Categories categories) {
        this.routes = List.copyOf(routes);
        this.feeds = feeds.stream().filter(ForumConfig.Feed::xml).toList();
        this.base = base;
        this.categories = categories;
    }

    /**
     * The rooms for a topic, each once (replies if any matching route wants them), in config order.
     * Routes without {@code category_id} take it only if its category is public.
     */
    List<Target> targets(Long categoryId, List<String> tags) {
        Map<String, Target> byRoom = new LinkedHashMap<>();
        Boolean open = null;
        for (ForumConfig.Route r : routes) {
            if (!matches(r, categoryId, tags)) {
                continue;
            }
            if (r.categoryId() == null) {
                if (open == null) {
                    open = isPublic(categoryId);
                }
                if (!open) {
                    continue;
                }
            }
            for (String room : r.roomAddresses()) {
                Target old = byRoom.get(room);
                String label = old != null && old.categoryLabel() != null ? old.categoryLabel() : r.label();
                byRoom.put(room, new Target(room, r.replies() || old != null && old.replies(), label));
            }
        }
        return new ArrayList<>(byRoom.values());
    }

    /**
     * Every room that may still carry a topic of this category and these tags: those of
     * {@link #targets}, of feeds of its category, and when the category is public, of the other
     * feeds (and of the routes a feed may reach by category name). An announcement elsewhere is withdrawn.
     */
    Set<String> matchingRooms(Long categoryId, List<String> tags) {
        Set<String> out = new LinkedHashSet<>();
        targets(categoryId, tags).forEach(t -> out.add(t.room()));
        Boolean open = null;
        for (ForumConfig.Feed f : feeds) {
            if (categoryId != null && categoryId.equals(feedCategory(f))) {
                out.addAll(f.roomAddresses());
                continue;
            }
            if (open == null) {
                open = isPublic(categoryId);
            }
            if (open) {
                out.addAll(f.roomAddresses());
                if (f.routeByCategory()) {
                    routes.forEach(r -> out.addAll(r.roomAddresses()));
                }
            }
        }
        return out;
    }

    /** Whether a topic of this category may be shown in {@code room} (a configured room reference). */
    boolean visibleIn(Long categoryId, String room) {
        return explicitRooms(categoryId).contains(room) || isPublic(categoryId);
    }

    /** The rooms that name this category: of routes with its {@code category_id}, of feeds of it. */
    Set<String> explicitRooms(Long categoryId) {
        Set<String> out = new LinkedHashSet<>();
        if (categoryId == null) {
            return out;
        }
        for (ForumConfig.Route r : routes) {
            if (categoryId.equals(r.categoryId())) {
                out.addAll(r.roomAddresses());
            }
        }
        for (ForumConfig.Feed f : feeds) {
            if (categoryId.equals(feedCategory(f))) {
                out.addAll(f.roomAddresses());
            }
        }
        return out;
    }

    /** Every configured room reference. */
    Set<String> allRooms() {
        Set<String> out = new LinkedHashSet<>();
        routes.forEach(r -> out.addAll(r.roomAddresses()));
        feeds.forEach(f -> out.addAll(f.roomAddresses()));
        return out;
    }

    /** Whether everyone may read this category; asks the forum. @throws Categories.Unknown when it cannot tell */
    boolean isPublic(Long categoryId) {
        return categories.access(categoryId) == Categories.Access.PUBLIC;
    }

    /**
     * The rooms for an item of an RSS/Atom feed: the feed's own rooms (shown with the item's category
     * name), then, if the feed says so, the rooms of the routes whose category name or slug is the
     * item's category (ignoring case). Tags play no part: feeds do not carry them.
     *
     * <p>For a feed of this forum, the item's category is found by name; a room that does not name
     * it gets the item only if the category is public. The rooms of a feed of one category
     * ({@code /c/…/<id>.rss}) get all its items: the feed names the category.
     */
    List<Target> feedTargets(ForumConfig.Feed feed, String category) {
        Map<String, Target> byRoom = new LinkedHashMap<>();
        for (String room : feed.roomAddresses()) {
            byRoom.putIfAbsent(room, new Target(room, false, category));
        }
        if (feed.routeByCategory() && category != null) {
            for (ForumConfig.Route r : routes) {
                if (category.equalsIgnoreCase(r.categoryName()) || category.equalsIgnoreCase(r.categorySlug())) {
                    for (String room : r.roomAddresses()) {
                        byRoom.putIfAbsent(room, new Target(room, false, r.label()));
                    }
                }
            }
        }
        if (!onForum(feed) || byRoom.isEmpty()) {
            return new ArrayList<>(byRoom.values());
        }
        boolean ownFeed = feedCategory(feed) != null;
        Long itemCategory = null;
        Set<String> named = null;
        Boolean open = null;
        List<Target> out = new ArrayList<>();
        for (Target t : byRoom.values()) {
            boolean allowed = ownFeed && feed.roomAddresses().contains(t.room());
            if (!allowed) {
                if (named == null) {
                    itemCategory = categories.byName(category).map(Categories.Category::id).orElse(null);
                    named = explicitRooms(itemCategory);
                }
                allowed = named.contains(t.room());
            }
            if (!allowed) {
                if (open == null) {
                    open = isPublic(itemCategory);
                }
                allowed = open;
            }
            if (allowed) {
                out.add(t);
            }
        }
        return out;
    }

    /** The category's display name from any route naming it, or null. */
    String categoryLabel(Long categoryId) {
        for (ForumConfig.Route r : routes) {
            if (r.categoryId() != null && r.categoryId().equals(categoryId) && r.label() != null) {
                return r.label();
            }
        }
        return null;
    }

    /** The route whose slug, name or ID is {@code word} (case-insensitive), for the command. */
    ForumConfig.Route byName(String word) {
        for (ForumConfig.Route r : routes) {
            if (r.categoryId() == null) {
                continue;
            }
            if (word.equalsIgnoreCase(r.categorySlug()) || word.equalsIgnoreCase(r.categoryName())
                    || word.equals(String.valueOf(r.categoryId()))) {
                return r;
            }
        }
        return null;
    }

    /** The routes naming a category, for the command. */
    List<ForumConfig.Route> categoryRoutes() {
        return routes.stream().filter(r -> r.categoryId() != null).toList();
    }

    /** Whether the feed is read from this forum (a path, or an address under the forum's). */
    boolean onForum(ForumConfig.Feed feed) {
        return feed.url().startsWith("/") || feed.url().startsWith(base + "/");
    }

    /** The category of a feed of one category of this forum ({@code /c/slug/<id>.rss}), or null. */
    Long feedCategory(ForumConfig.Feed feed) {
        if (!onForum(feed)) {
            return null;
        }
        String path = feed.url().startsWith("/") ? feed.url() : feed.url().substring(base.length());
        int q = path.indexOf('?');
        Matcher m = CATEGORY_FEED.matcher(q < 0 ? path : path.substring(0, q));
        return m.matches() ? Long.parseLong(m.group(1)) : null;
    }

    private static boolean matches(ForumConfig.Route r, Long categoryId, List<String> tags) {
        if (r.categoryId() != null && !r.categoryId().equals(categoryId)) {
            return false;
        }
        return r.tags().isEmpty() || tags.stream().anyMatch(r.tags()::contains);
    }
}
