package coop.comptoir.bots.forum;

import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One forum instance's config section. Keys are snake_case in YAML ({@code catch_up_limit}).
 *
 * @param url           the Discourse base URL, e.g. {@code https://forum.example.coop}
 * @param apiKey        sent as {@code Api-Key} to the forum (optional; public categories need none); only over
 *                      https, or to this machine
 * @param apiUsername   sent as {@code Api-Username} with the key; none by default (a single-user key acts as
 *                      its user). Never defaults to an administrator.
 * @param webhook       push mode: Discourse calls Comptoir (optional)
 * @param polling       pull mode: Comptoir reads {@code /latest.json} or category feeds (optional)
 * @param catchUpLimit  at most this many announcements per room at once, then one summary (default 5)
 * @param language      {@code fr} or {@code en}; null: the top-level {@code language:}
 * @param command       name of the command listing the last topics (default {@code forum}; empty: none)
 * @param routes        which categories (and tags) go to which rooms
 */
public record ForumConfig(String url, Secret apiKey, String apiUsername, Webhook webhook, Polling polling,
                          Integer catchUpLimit, String language, String command, List<Route> routes) {

    public ForumConfig {
        apiUsername = apiUsername == null || apiUsername.isBlank() ? null : apiUsername;
        catchUpLimit = catchUpLimit == null ? 5 : catchUpLimit;
        command = command == null ? "forum" : command;
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** @param secret the secret typed in Discourse's webhook form; signs every delivery */
    public record Webhook(Secret secret) {}

    /** @param feeds what to read, each on its own interval; none given: {@code /latest.json} every 5 minutes */
    public record Polling(List<Feed> feeds) {
        public Polling {
            feeds = feeds == null || feeds.isEmpty() ? List.of(new Feed(null, null, null, null, null, null, null, null)) : List.copyOf(feeds);
        }
    }

    /**
     * A feed: {@code /latest.json}, or {@code /c/{slug}/{id}.json} when a category is given; or, with
     * {@code url} (and {@code format}), an RSS 2.0 or Atom feed, e.g. Discourse's {@code /latest.rss}.
     *
     * @param interval        how often to read it (default {@code 5m}, at least {@code 5s})
     * @param intervalSeconds the former spelling of {@code interval}, in seconds: still read, with a warning
     * @param format          {@code rss}, {@code atom} or {@code auto} (from the XML root; the default when a url is given)
     * @param url             the RSS/Atom feed: a path on the forum ({@code /latest.rss}) or a full address
     * @param rooms           where the feed's items are announced (RSS categories are names, not IDs)
     * @param routeByCategory also send items to the routes whose {@code category_name} or {@code category_slug}
     *                        is the item's category (default false)
     */
    public record Feed(Long categoryId, String categorySlug, Duration interval, @Deprecated Integer intervalSeconds, String format,
                       String url, List<RoomRef> rooms, Boolean routeByCategory) {
        public Feed {
            if (interval == null) {
                interval = intervalSeconds == null ? Duration.ofMinutes(5) : Duration.ofSeconds(intervalSeconds);
            }
            format = format == null ? (url == null ? null : "auto") : format.toLowerCase(java.util.Locale.ROOT);
            rooms = rooms == null ? List.of() : List.copyOf(rooms);
            routeByCategory = routeByCategory != null && routeByCategory;
        }

        /** The rooms as written. */
        List<String> roomAddresses() {
            return rooms.stream().map(RoomRef::value).toList();
        }

        /** An RSS or Atom feed rather than Discourse's JSON. */
        boolean xml() {
            return format != null;
        }

        /** What is read: a path on the forum or a full address; also the feed's key in the store. */
        String path() {
            if (xml()) {
                return url;
            }
            return categoryId == null ? "/latest.json" : "/c/" + categorySlug + "/" + categoryId + ".json";
        }
    }

    /**
     * A route: topics of a category (all categories when {@code category_id} is absent), optionally
     * only with one of {@code tags}, are announced in every room of {@code rooms}. Without
     * {@code category_id}, only categories everyone may read: a read-restricted one needs a route naming it.
     *
     * @param categorySlug  the category's slug, used by the {@code !forum} command
     * @param categoryName  shown in announcements (default: the slug)
     * @param rooms         room IDs ({@code !abc:server}) or aliases ({@code #annonces:server})
     * @param replies       also post replies, in a thread under the topic's announcement (default false)
     */
    public record Route(Long categoryId, String categorySlug, String categoryName, List<String> tags,
                        List<RoomRef> rooms, Boolean replies) {
        public Route {
            tags = tags == null ? List.of() : tags.stream().map(String::toLowerCase).toList();
            rooms = rooms == null ? List.of() : List.copyOf(rooms);
            replies = replies != null && replies;
        }

        /** The rooms as written. */
        List<String> roomAddresses() {
            return rooms.stream().map(RoomRef::value).toList();
        }

        /** What to show as the category, or null. */
        String label() {
            return categoryName != null ? categoryName : categorySlug;
        }
    }

    /** Adds every problem to {@code p}, whose path is the section's. */
    @SuppressWarnings("deprecation")
    void check(Problems p) {
        boolean keyed = apiKey != null;
        if (url == null || url.isBlank()) {
            p.add("url", "missing (the forum's address, e.g. https://forum.example.coop)");
        } else {
            try {
                URI u = URI.create(url);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    p.add("url", "must be an http(s) address");
                } else if (keyed && !DiscourseClient.keySafeTo(u)) {
                    p.add("url", "must be an https address when api_key is set (the key "
                            + "would cross the network in clear); http is accepted for this machine only");
                }
            } catch (IllegalArgumentException e) {
                p.add("url", "not a valid address");
            }
        }
        if (keyed && !DiscourseClient.headerSafe(apiKey.reveal())) {
            p.add("api_key", "has a character not allowed in an HTTP header (a line break or "
                    + "a non-ASCII character?)");
        }
        if (apiUsername != null && !DiscourseClient.headerSafe(apiUsername)) {
            p.add("api_username", "has a character not allowed in an HTTP header");
        }
        if (webhook == null && polling == null) {
            p.add(null, "enable webhook, polling, or both");
        }
        if (webhook != null && (webhook.secret() == null || webhook.secret().length() < 12)) {
            p.add("webhook.secret", "missing or shorter than 12 characters");
        }
        if (polling != null) {
            for (int i = 0; i < polling.feeds().size(); i++) {
                Feed f = polling.feeds().get(i);
                Problems fp = p.at("polling").at("feeds").at(i);
                String interval = "interval";
                if (f.intervalSeconds() != null) {
                    fp.deprecated("interval_seconds", "interval", "interval: " + f.intervalSeconds() + "s");
                    interval = "interval_seconds";
                }
                if (f.interval().compareTo(Duration.ofSeconds(5)) < 0) {
                    fp.add(interval, "must be at least 5s");
                }
                if (f.xml()) {
                    feedProblems(f, fp);
                    continue;
                }
                if (!f.rooms().isEmpty()) {
                    fp.add("rooms", "only for rss/atom feeds (JSON feeds follow the routes)");
                }
                if ((f.categoryId() == null) != (f.categorySlug() == null)) {
                    fp.add(null, "a category feed needs both category_id and category_slug");
                } else if (f.categorySlug() != null && !f.categorySlug().matches("[A-Za-z0-9_-]+")) {
                    fp.add("category_slug", "letters, digits, - and _ only");
                }
            }
        }
        if (catchUpLimit < 1) {
            p.add("catch_up_limit", "must be at least 1");
        }
        if (language != null && !coop.comptoir.api.text.Catalogue.speaks(Texts.BUNDLE, language, ForumConfig.class)) {
            p.add("language", "fr or en (default: the top-level language)");
        }
        if (!command.isEmpty() && !command.matches("[a-z0-9][a-z0-9_-]*")) {
            p.add("command", "lower-case letters, digits, - or _");
        }
        if (routes.isEmpty()) {
            p.add("routes", "at least one route is needed");
        }
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            Problems rp = p.at("routes").at(i);
            if (r.rooms().isEmpty()) {
                rp.add("rooms", "at least one room is needed");
            }
            for (int j = 0; j < r.rooms().size(); j++) {
                if (r.rooms().get(j) == null) {
                    rp.at("rooms").at(j).add(null, "empty: expected " + RoomRef.HOW);
                }
            }
            if (r.categorySlug() != null && !r.categorySlug().matches("[A-Za-z0-9_-]+")) {
                rp.add("category_slug", "letters, digits, - and _ only");
            }
        }
    }

    private static void feedProblems(Feed f, Problems fp) {
        if (!List.of("rss", "atom", "auto").contains(f.format())) {
            fp.add("format", "rss, atom or auto");
        }
        if (f.url() == null || f.url().isBlank()) {
            fp.add("url", "missing (e.g. /latest.rss, or a full address)");
        } else if (!f.url().startsWith("/")) {
            try {
                URI u = URI.create(f.url());
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    fp.add("url", "a path on the forum (/latest.rss) or an http(s) address");
                }
            } catch (IllegalArgumentException e) {
                fp.add("url", "not a valid address");
            }
        }
        if (f.categoryId() != null || f.categorySlug() != null) {
            fp.add(null, "category_id and category_slug are for JSON feeds; give the category's feed url");
        }
        if (f.rooms().isEmpty() && !f.routeByCategory()) {
            fp.add("rooms", "an rss/atom feed needs rooms (or route_by_category: true)");
        }
        for (int j = 0; j < f.rooms().size(); j++) {
            if (f.rooms().get(j) == null) {
                fp.at("rooms").at(j).add(null, "empty: expected " + RoomRef.HOW);
            }
        }
    }

    /** The base URL without a trailing slash. */
    String base() {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
