package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.text.Catalogue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * "Where the move stands": {@code !migration} answers with a summary per bridged channel, and
 * {@code !migration page} sends the admin who asks a one-time link, by direct message, to the
 * migration page served under {@code /_comptoir/plugins/<instance>/page/}. The link opens a
 * session (an HttpOnly, SameSite=Strict cookie, Secure over https) and shows the page; used once,
 * it is refused. Without a session the page answers 403 with how to get in. The commands are for
 * Comptoir's admins (the router checks it before they get here).
 */
final class Dashboard {
    static final String ROUTE = "/page";
    static final String COOKIE = "comptoir_migration";
    /** Names shown per channel in the room's summary. */
    static final int SUMMARY_NAMES = 3;

    private final PluginContext ctx;
    private final Catalogue texts;
    private final Optional<URI> publicAddress;
    private final MoveActivity activity;
    private final DashboardLogins logins;
    private final String mounted;

    /** Registers the page's route; call from the factory's {@code create}. */
    Dashboard(PluginContext ctx, Catalogue texts, Optional<URI> publicAddress) {
        this.ctx = ctx;
        this.texts = texts;
        this.publicAddress = publicAddress;
        this.activity = new MoveActivity(ctx.database());
        this.logins = new DashboardLogins(ctx.database(), ctx.clock());
        this.mounted = ctx.routes().mountedPath(ROUTE);
        ctx.routes().getUnder(ROUTE, this::serve);
    }

    /** The numbers of every portal, now. Blocks on the database. */
    List<MoveStats.Channel> stats() {
        Instant now = ctx.clock().instant();
        return MoveStats.compute(activity.portals(), activity.messagesSince(MoveStats.since(now)), activity.linked(), now);
    }

    /** {@code !migration}: one paragraph per bridged channel. */
    void summary(CommandInvocation inv, Catalogue t) {
        List<MoveStats.Channel> channels = stats();
        if (channels.isEmpty()) {
            inv.reply(t.text("summary.none"));
            return;
        }
        Map<UserId, String> names = new HashMap<>();
        StringBuilder sb = new StringBuilder(t.text("summary.header", "days", MoveStats.WINDOW.toDays()));
        for (MoveStats.Channel c : channels) {
            String network = network(c.portal());
            List<String> still = c.stillOld().stream().limit(SUMMARY_NAMES).map(u -> name(c.portal().room(), u, names)).toList();
            sb.append('\n').append(t.text("summary.channel", "channel", label(c.portal().room()), "network", network,
                    "matrix", c.matrixPeople(), "old", c.oldPeople(), "percent", c.matrixPercent(),
                    "messages", c.matrixMessages() + c.oldMessages()));
            if (c.moved() > 0) {
                sb.append(' ').append(t.text("summary.moved", "network", network, "count", c.moved()));
            }
            if (!c.stillOld().isEmpty()) {
                sb.append(' ').append(t.text("summary.still.old", "network", network, "count", c.stillOld().size(),
                        "names", String.join(", ", still) + (c.stillOld().size() > SUMMARY_NAMES ? "…" : "")));
            }
        }
        sb.append('\n').append(t.text("summary.footer"));
        inv.reply(sb.toString());
    }

    /** {@code !migration page}: a one-time link in a direct chat with the admin who asked. */
    void sendLink(CommandInvocation inv, Catalogue t) {
        if (publicAddress.isEmpty()) {
            inv.reply(t.text("page.no.address"));
            return;
        }
        UserId admin = inv.sender();
        String token = logins.newLink(admin);
        String link = publicAddress.get().toString().replaceAll("/+$", "") + mounted + "/login/" + token;
        try {
            RoomId dm = directChat(admin);
            // a notice: clients do not preview links in notices, so no preview fetcher uses the link up
            ctx.matrix().send(dm, OutgoingMessage.notice(texts.text("page.link", "link", link, "minutes", DashboardLogins.LINK_MINUTES)),
                    "migration-page-" + DashboardLogins.hash(token).substring(0, 32));
            inv.reply(t.text("page.sent"));
            ctx.log().info("Sent a one-time link to the migration page to {}", admin);
        } catch (MatrixException e) {
            ctx.log().warn("Could not send the migration page's link to {}: {}", admin, e.getMessage());
            inv.reply(t.text("page.not.sent"));
        }
    }

    private RoomId directChat(UserId admin) {
        Optional<RoomId> known = logins.directChat(admin);
        if (known.isPresent() && stillThere(known.get(), admin)) {
            return known.get();
        }
        RoomId created = ctx.matrix().createDirectChat(admin);
        logins.putDirectChat(admin, created);
        return created;
    }

    /** Whether the admin is still invited to, or in, the direct chat made earlier (they may have left it). */
    private boolean stillThere(RoomId dm, UserId admin) {
        try {
            String membership = ctx.matrix().getState(dm, "m.room.member", admin.value()).map(m -> m.path("membership").asText(""))
                    .orElse(ctx.matrix().joinedMembers(dm).contains(admin) ? "join" : "");
            return membership.equals("join") || membership.equals("invite");
        } catch (MatrixException e) {
            return false;
        }
    }

    /** GET under the route: {@code /login/<token>} or {@code /view}. */
    RouteResponse serve(RouteRequest req) {
        String rest = req.path().startsWith(mounted) ? req.path().substring(mounted.length()) : "";
        if (rest.startsWith("/login/")) {
            Optional<String> session = logins.useLink(rest.substring("/login/".length()));
            if (session.isEmpty()) {
                return html(403, DashboardPage.refused(texts, "page.link.refused"));
            }
            String cookie = COOKIE + "=" + session.get() + "; Path=" + mounted + "; Max-Age=" + DashboardLogins.SESSION_HOURS * 3600
                    + "; HttpOnly; SameSite=Strict" + (secure() ? "; Secure" : "");
            return html(200, page()).withHeader("Set-Cookie", cookie);
        }
        if (rest.equals("/view")) {
            Optional<UserId> user = cookie(req).flatMap(logins::sessionUser);
            return user.isPresent() ? html(200, page()) : html(403, DashboardPage.refused(texts, "page.no.session"));
        }
        return html(404, DashboardPage.refused(texts, "page.not.found"));
    }

    private boolean secure() {
        return publicAddress.map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(false);
    }

    private String page() {
        Map<UserId, String> names = new HashMap<>();
        List<DashboardPage.View> views = new ArrayList<>();
        for (MoveStats.Channel c : stats()) {
            views.add(new DashboardPage.View(label(c.portal().room()), network(c.portal()), c,
                    c.stillOld().stream().limit(DashboardPage.NAMES).map(u -> name(c.portal().room(), u, names)).toList()));
        }
        String date = DateTimeFormatter.ofPattern(texts.text("page.date.format"), texts.locale())
                .format(ctx.clock().instant().atZone(ZoneId.systemDefault()));
        return DashboardPage.render(texts, date, views);
    }

    private static RouteResponse html(int status, String body) {
        return new RouteResponse(status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8))
                .withHeader("Cache-Control", "no-store")
                .withHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                        + "form-action 'none'; frame-ancestors 'none'")
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer");
    }

    static Optional<String> cookie(RouteRequest req) {
        return req.headers().getOrDefault("cookie", List.of()).stream()
                .flatMap(h -> java.util.Arrays.stream(h.split(";")))
                .map(String::strip)
                .filter(c -> c.startsWith(COOKIE + "="))
                .map(c -> c.substring(COOKIE.length() + 1))
                .findFirst();
    }

    /** The old network's name as people read it: the bridge instance, capitalised ({@code Discord}). */
    private static String network(MoveStats.Portal p) {
        String s = p.instance();
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** The room's name, else its ID. */
    private String label(RoomId room) {
        try {
            return ctx.matrix().getState(room, "m.room.name", "").map(n -> n.path("name").asText(""))
                    .filter(n -> !n.isBlank()).orElse(room.value());
        } catch (MatrixException e) {
            return room.value();
        }
    }

    /** A person's display name in the room, else the localpart of their ID. */
    private String name(RoomId room, UserId user, Map<UserId, String> cache) {
        return cache.computeIfAbsent(user, u -> {
            try {
                return ctx.matrix().getState(room, "m.room.member", u.value()).map(m -> m.path("displayname").asText(""))
                        .filter(n -> !n.isBlank()).orElse(u.localpart());
            } catch (MatrixException e) {
                return u.localpart();
            }
        });
    }
}
