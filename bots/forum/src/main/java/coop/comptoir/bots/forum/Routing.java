package coop.comptoir.bots.forum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which rooms a topic goes to, from its category and tags. */
final class Routing {
    /** A room a topic goes to; {@code replies}: also its replies, in a thread. */
    record Target(String room, boolean replies, String categoryLabel) {}

    private final List<ForumConfig.Route> routes;

    Routing(List<ForumConfig.Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** The rooms for a topic, each once (replies if any matching route wants them), in config order. */
    List<Target> targets(Long categoryId, List<String> tags) {
        Map<String, Target> byRoom = new LinkedHashMap<>();
        for (ForumConfig.Route r : routes) {
            if (!matches(r, categoryId, tags)) {
                continue;
            }
            for (String room : r.rooms()) {
                Target old = byRoom.get(room);
                String label = old != null && old.categoryLabel() != null ? old.categoryLabel() : r.label();
                byRoom.put(room, new Target(room, r.replies() || old != null && old.replies(), label));
            }
        }
        return new ArrayList<>(byRoom.values());
    }

    /**
     * The rooms for an item of an RSS/Atom feed: the feed's own rooms (shown with the item's category
     * name), then, if the feed says so, the rooms of the routes whose category name or slug is the
     * item's category (ignoring case). Tags play no part: feeds do not carry them.
     */
    List<Target> feedTargets(ForumConfig.Feed feed, String category) {
        Map<String, Target> byRoom = new LinkedHashMap<>();
        for (String room : feed.rooms()) {
            byRoom.putIfAbsent(room, new Target(room, false, category));
        }
        if (feed.routeByCategory() && category != null) {
            for (ForumConfig.Route r : routes) {
                if (category.equalsIgnoreCase(r.categoryName()) || category.equalsIgnoreCase(r.categorySlug())) {
                    for (String room : r.rooms()) {
                        byRoom.putIfAbsent(room, new Target(room, false, r.label()));
                    }
                }
            }
        }
        return new ArrayList<>(byRoom.values());
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

    private static boolean matches(ForumConfig.Route r, Long categoryId, List<String> tags) {
        if (r.categoryId() != null && !r.categoryId().equals(categoryId)) {
            return false;
        }
        return r.tags().isEmpty() || tags.stream().anyMatch(r.tags()::contains);
    }
}
