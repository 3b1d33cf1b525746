package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.http.RouteOptions;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * One forum instance: a webhook route (push), polling jobs (pull), or both, feeding one
 * {@link Announcer}; and the command listing the last topics.
 */
final class ForumPlugin implements Plugin {
    static final String WEBHOOK_PATH = "/webhook";
    private static final String POLL = "poll";
    private static final String XML_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8";
    /** Longest wait between two polls of a failing forum. */
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(30);

    private final PluginContext ctx;
    private final ForumConfig config;
    private final Logger log;
    private final Routing routing;
    private final Announcer announcer;
    private final ForumStore store;
    private final DiscourseClient discourse;
    private final WebhookSignature signature;
    private final Categories categories;
    private final WebhookHandler webhooks;
    private final Texts texts;
    private final Map<Integer, Integer> failures = new ConcurrentHashMap<>();
    private final FeedTopics feedTopics;
    private volatile boolean closed;

    ForumPlugin(PluginContext ctx, ForumConfig config) {
        this.ctx = ctx;
        this.config = config;
        this.log = ctx.log();
        this.texts = Texts.of(ctx.texts().withLanguage(config.language()));
        this.discourse = new DiscourseClient(ctx.http(), config.base(), config.apiKey() == null ? null : config.apiKey().reveal(),
                config.apiUsername());
        if ("system".equalsIgnoreCase(config.apiUsername())) {
            log.warn("api_username is system, an administrator: the key reads every category. Prefer a member who reads "
                    + "only what may be announced");
        }
        this.categories = new Categories(new Categories.Source() {
            @Override
            public Optional<JsonNode> site() throws DiscourseClient.ForumUnavailable {
                return discourse.readFeed("/site.json");
            }

            @Override
            public Optional<JsonNode> category(long id) throws DiscourseClient.ForumUnavailable {
                return discourse.getIfVisible("/c/" + id + "/show.json");
            }
        }, ctx.clock());
        this.routing = new Routing(config.routes(), config.polling() == null ? List.of() : config.polling().feeds(),
                config.base(), categories);
        this.feedTopics = new FeedTopics(config.base());
        this.store = new ForumStore(ctx.database(), ctx.instanceId());
        this.announcer = new Announcer(ctx.matrix(), store, routing, texts,
                config.base(), ctx.instanceId(), config.catchUpLimit(), log);
        this.signature = config.webhook() == null ? null : new WebhookSignature(config.webhook().secret().reveal());
        this.webhooks = signature == null ? null
                : new WebhookHandler(signature, announcer, categories, store, discourse, ctx.clock(), log);
        if (signature != null) {
            // unsigned deliveries are refused before their body is read; Discourse payloads are a few KB
            ctx.routes().post(WEBHOOK_PATH, RouteOptions.defaults().withRequiredHeader("X-Discourse-Event-Signature")
                    .withMaxBodyBytes(RouteOptions.DEFAULT_MAX_BODY_BYTES), this::webhook);
            log.info("Discourse webhooks accepted at {}", ctx.routes().mountedPath(WEBHOOK_PATH));
        }
        if (config.polling() != null) {
            ctx.scheduler().handler(POLL, (key, due, data) -> poll(Integer.parseInt(data.get("feed"))));
        }
        if (!config.command().isEmpty()) {
            ctx.commands().register(Command.of(config.command(), texts.in("fr").commandHelp(), texts.in("en").commandHelp(), this::command));
        }
    }

    @Override
    public void start() {
        if (config.polling() == null) {
            return;
        }
        Instant now = ctx.clock().instant();
        for (int i = 0; i < config.polling().feeds().size(); i++) {
            schedule(i, now.plusSeconds(i));
        }
    }

    @Override
    public void close() {
        closed = true;
        if (config.polling() != null) {
            for (int i = 0; i < config.polling().feeds().size(); i++) {
                ctx.scheduler().cancel(POLL + "-" + i);
            }
        }
    }

    // --- push -------------------------------------------------------------------------------

    /** One webhook delivery: checked and handled by {@link WebhookHandler}. Blocks while rooms are written to. */
    RouteResponse webhook(RouteRequest req) throws IOException {
        return webhooks.handle(req);
    }

    // --- pull -------------------------------------------------------------------------------

    private void poll(int feedIndex) {
        if (closed) {
            return;
        }
        ForumConfig.Feed feed = config.polling().feeds().get(feedIndex);
        Duration interval = feed.interval();
        Duration next = interval;
        try {
            Instant now = ctx.clock().instant();
            if (feed.xml()) {
                pollXml(feed, now);
            } else {
                pollJson(feed, now);
            }
            Integer before = failures.remove(feedIndex);
            if (before != null) {
                log.info("Forum reachable again ({}), after {} failed attempt(s)", feed.path(), before);
            }
        } catch (DiscourseClient.ForumUnavailable | FeedParser.NotAFeed | Categories.Unknown e) {
            int n = failures.merge(feedIndex, 1, Integer::sum);
            if (n == 1) {
                log.warn("Forum unavailable: {}{}; retrying with growing delays until it answers",
                        e instanceof DiscourseClient.ForumUnavailable ? "" : feed.path() + ": ", e.getMessage());
            }
            long factor = 1L << Math.min(n - 1, 10);
            next = interval.multipliedBy(factor);
            if (next.compareTo(MAX_BACKOFF) > 0) {
                next = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
            }
        } catch (RuntimeException e) {
            log.error("Poll of {} failed; retrying at the next interval", feed.path(), e);
        } finally {
            if (!closed) {
                schedule(feedIndex, ctx.clock().instant().plus(next));
            }
        }
    }

    private void pollJson(ForumConfig.Feed feed, Instant now) throws DiscourseClient.ForumUnavailable {
        var page = discourse.readFeed(feed.path());
        if (page.isPresent()) {
            Instant baseline = store.baseline(feed.path()).orElse(null);
            try {
                announcer.topics(Discourse.topicList(page.get()), true, this::firstPostOrNull, baseline);
            } catch (Categories.Unknown e) {
                // Not kept as "seen": what could not be decided is decided at the next read, not skipped by a 304.
                discourse.forget(feed.path());
                throw e;
            }
            if (baseline == null) {
                store.setBaseline(feed.path(), now);
            }
        }
    }

    private void pollXml(ForumConfig.Feed feed, Instant now) throws DiscourseClient.ForumUnavailable, FeedParser.NotAFeed {
        var page = discourse.readConditional(feed.path(), XML_ACCEPT);
        if (page.isEmpty()) {
            return;
        }
        String feedUrl = feed.url().startsWith("/") ? config.base() + feed.url() : feed.url();
        List<FeedParser.Item> items;
        try {
            items = FeedParser.parse(page.get(), feed.format(), feedUrl);
        } catch (FeedParser.NotAFeed e) {
            // Not kept as "seen": the same broken answer must not become a quiet 304 next time.
            discourse.forget(feed.path());
            throw e;
        }
        List<Announcer.FeedEntry> entries = new ArrayList<>();
        for (FeedParser.Item item : items) {
            Announcer.FeedEntry e = feedTopics.entry(item, now);
            if (e != null) {
                entries.add(e);
            }
        }
        Instant baseline = store.baseline(feed.path()).orElse(null);
        try {
            announcer.feedItems(entries, e -> routing.feedTargets(feed, e.category()), baseline);
        } catch (Categories.Unknown e) {
            discourse.forget(feed.path());
            throw e;
        }
        if (baseline == null) {
            store.setBaseline(feed.path(), now);
        }
    }

    private Discourse.Post firstPostOrNull(long topicId) {
        try {
            return Discourse.firstPost(discourse.get("/t/" + topicId + ".json"));
        } catch (DiscourseClient.ForumUnavailable e) {
            log.debug("No excerpt for topic {}: {}", topicId, e.getMessage());
            return null;
        }
    }

    private void schedule(int feedIndex, Instant when) {
        ctx.scheduler().once(POLL + "-" + feedIndex, POLL, when, Map.of("feed", Integer.toString(feedIndex)));
    }

    // --- command ----------------------------------------------------------------------------

    /**
     * {@code !forum [category]}: the last topics, of the categories this room may see (public ones,
     * and those a route or feed names for this room). A category this room may not see is answered
     * as unknown, and left out of the list of known ones.
     */
    private void command(CommandInvocation inv) {
        Texts t = inv.locale().getLanguage().equals("en") ? texts.in("en") : texts;
        try {
            listTopics(inv, t);
        } catch (Categories.Unknown e) {
            log.warn("Command {}: {}", inv.name(), e.getMessage());
            inv.reply(t.forumDown());
        }
    }

    private void listTopics(CommandInvocation inv, Texts t) {
        String path = "/latest.json";
        Long category = null;
        if (!inv.argumentText().isEmpty()) {
            ForumConfig.Route r = routing.byName(inv.argumentText());
            if (r == null || !announcer.visibleIn(r.categoryId(), inv.room())) {
                List<String> known = routing.categoryRoutes().stream().filter(x -> announcer.visibleIn(x.categoryId(), inv.room()))
                        .map(x -> x.categorySlug() != null ? x.categorySlug() : String.valueOf(x.categoryId())).distinct().toList();
                inv.reply(t.unknownCategory(inv.argumentText(), known));
                return;
            }
            category = r.categoryId();
            if (r.categorySlug() != null) {
                path = "/c/" + r.categorySlug() + "/" + r.categoryId() + ".json";
            }
        }
        List<Discourse.Topic> topics;
        try {
            topics = Discourse.topicList(discourse.get(path));
        } catch (DiscourseClient.ForumUnavailable e) {
            log.warn("Command {}: forum unavailable: {}", inv.name(), e.getMessage());
            inv.reply(t.forumDown());
            return;
        }
        Long wanted = category;
        List<Discourse.Topic> shown = topics.stream().filter(Discourse.Topic::announceable)
                .filter(x -> wanted == null || wanted.equals(x.categoryId()))
                .filter(x -> announcer.visibleIn(x.categoryId(), inv.room())).limit(5).toList();
        if (shown.isEmpty()) {
            inv.reply(t.noTopics());
            return;
        }
        StringBuilder html = new StringBuilder("<p><b>").append(t.lastTopics()).append("</b></p><ul>");
        StringBuilder plain = new StringBuilder(t.lastTopics()).append('\n');
        for (Discourse.Topic x : shown) {
            String url = config.base() + "/t/" + x.slug() + "/" + x.id();
            html.append("<li><a href=\"").append(HtmlSanitizer.escape(url)).append("\">")
                    .append(HtmlSanitizer.escape(x.title())).append("</a></li>");
            plain.append("• ").append(x.title()).append(" — ").append(url).append('\n');
        }
        inv.replyHtml(plain.toString().trim(), html.append("</ul>").toString());
    }
}
