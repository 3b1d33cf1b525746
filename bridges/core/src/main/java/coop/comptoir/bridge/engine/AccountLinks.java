package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.ModerationCapable;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.engine.AccountTable.Link;
import coop.comptoir.bridge.engine.AccountTable.Missed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linked accounts, as one bridge instance sees them. A remote user who writes {@code !link CODE}
 * (a code the Matrix user got with {@code !link}, {@link LinkCommand}) in a bridged channel is
 * linked to that Matrix user: the message is removed on the old side when the network lets the bot
 * ({@link ModerationCapable}) and never crosses to Matrix, and both sides are told. From then on:
 * <ul>
 * <li>the ghost shows the Matrix user's display name (through the ghost name template) and avatar,
 * kept in step when they change them ({@link #shownAs}, {@link #profileChanged});</li>
 * <li>the migration statistics count the person as moved ({@code bridge_account.ghost_id});</li>
 * <li>with {@code !link digest on}, the messages of the old side that mention them or answer them
 * are listed in a direct message every {@code link_digest_every} ({@link #tick}), nothing when
 * nothing happened.</li>
 * </ul>
 * A remote user gets {@value #MAX_FAILURES} wrong codes per hour, then is refused until the hour is
 * over. Remote commands are handled in the portal's queue to Matrix, so each is handled once and in
 * order, also after a catch-up.
 */
final class AccountLinks {
    static final Duration CODE_VALIDITY = Duration.ofMinutes(10);
    static final int MAX_FAILURES = 5;
    static final Duration FAILURE_WINDOW = Duration.ofHours(1);
    /** Kept this long, a Matrix profile is read again (a member event of the person reads it at once). */
    static final Duration PROFILE_TTL = Duration.ofMinutes(10);
    /** Entries of one digest at most; the rest are counted. */
    static final int DIGEST_ITEMS = 20;
    static final int EXCERPT = 140;
    static final String BUNDLE = "bridge_link";

    private static final Pattern REMOTE = Pattern.compile("^\\s*!(link|lier|unlink|délier|delier)(?:\\s+(.*?))?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);

    /** A linked person as their ghost shows them. */
    record Shown(String name, Optional<MxcUri> avatar) {}

    private record CachedProfile(Shown shown, long readAt) {}

    private final Engine e;
    private final AccountTable table;
    final Catalogue texts;
    private final Map<RemoteUserId, Link> byRemote = new ConcurrentHashMap<>();
    private final Map<UserId, CachedProfile> profiles = new ConcurrentHashMap<>();

    AccountLinks(Engine engine) {
        this.e = engine;
        this.table = new AccountTable(engine.ctx.database());
        this.texts = Catalogue.load(BUNDLE, AccountLinks.class, engine.ctx.texts().withLanguage(engine.settings.language()));
        reload();
    }

    AccountTable table() {
        return table;
    }

    /** Reads this instance's links again (after a link or an unlink made from any bridge). */
    void reload() {
        Map<RemoteUserId, Link> now = new ConcurrentHashMap<>();
        table.ofInstance(e.instance).forEach(l -> now.put(l.remote(), l));
        byRemote.keySet().retainAll(now.keySet());
        byRemote.putAll(now);
    }

    boolean isLinkedMatrixUser(UserId user) {
        return byRemote.values().stream().anyMatch(l -> l.matrixUser().equals(user));
    }

    /** Whether a remote message is a {@code !link} or {@code !unlink} command: handled here, never bridged. */
    static boolean isRemoteCommand(RemoteEvent.Message m) {
        return m.attachments().isEmpty() && REMOTE.matcher(m.content().body()).matches();
    }

    // --- the ghost's profile --------------------------------------------------------------------

    /** The Matrix name and avatar the ghost of {@code remote} shows, when linked; may read the profile (blocks). */
    Optional<Shown> shownAs(RemoteUserId remote) {
        Link l = byRemote.get(remote);
        if (l == null) {
            return Optional.empty();
        }
        CachedProfile cached = profiles.get(l.matrixUser());
        long now = e.clock.millis();
        if (cached != null && now - cached.readAt() < PROFILE_TTL.toMillis()) {
            return Optional.of(cached.shown());
        }
        Shown read = readProfile(l.matrixUser()).orElse(cached != null ? cached.shown() : new Shown(l.matrixUser().localpart(),
                Optional.empty()));
        profiles.put(l.matrixUser(), new CachedProfile(read, now));
        return Optional.of(read);
    }

    private Optional<Shown> readProfile(UserId user) {
        try {
            JsonNode p = e.bot.request("GET", "/_matrix/client/v3/profile/" + URLEncoder.encode(user.value(), StandardCharsets.UTF_8)
                    .replace("+", "%20"), null);
            String name = p.path("displayname").asText("");
            String avatar = p.path("avatar_url").asText("");
            Optional<MxcUri> mxc = Optional.empty();
            if (avatar.startsWith("mxc://")) {
                try {
                    mxc = Optional.of(MxcUri.parse(avatar));
                } catch (IllegalArgumentException ignored) {
                    // shown without
                }
            }
            return Optional.of(new Shown(name.isBlank() ? user.localpart() : name, mxc));
        } catch (RuntimeException ex) {
            e.log.debug("Profile of {} not read: {}", user, ex.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A member event of {@code user} (they may have changed their name or avatar): their ghosts take
     * the new profile now, off the caller's thread.
     */
    void profileChanged(UserId user) {
        if (!isLinkedMatrixUser(user)) {
            return;
        }
        profiles.remove(user);
        try {
            e.exec().execute(() -> {
                for (Link l : List.copyOf(byRemote.values())) {
                    if (l.matrixUser().equals(user)) {
                        try {
                            e.ghosts.ensureProfile(new RemoteUser(l.remote(), l.remoteName() == null ? "" : l.remoteName(),
                                    Optional.empty()));
                        } catch (RuntimeException ex) {
                            e.log.info("The ghost of {} keeps its profile until its next message: {}", l.remote(), ex.getMessage());
                        }
                    }
                }
            });
        } catch (RejectedExecutionException ignored) {
            // stopping
        }
    }

    // --- remote commands ------------------------------------------------------------------------

    /**
     * Handles {@code !link CODE}, {@code !link} and {@code !unlink} written on the old side (from the
     * portal's queue: retried when it throws). Blocks on the network, the database and Matrix.
     */
    void remoteCommand(RoomId room, RemoteEvent.Message m) {
        Matcher mt = REMOTE.matcher(m.content().body());
        if (!mt.matches()) {
            return;
        }
        remove(m);
        String verb = mt.group(1).toLowerCase(Locale.ROOT);
        String arg = mt.group(2) == null ? "" : mt.group(2).strip();
        RemoteUser who = m.sender();
        if (!verb.equals("link") && !verb.equals("lier")) {
            Optional<Link> was = table.of(e.instance, who.id());
            if (was.isPresent() && table.unlink(e.instance, who.id())) {
                reload();
                e.log.info("{} user {} unlinked from {}", e.texts.network(), who.id(), was.get().matrixUser());
                say(m, t("remote.unlinked", "name", who.displayName()));
                dm(was.get().matrixUser(), t("matrix.unlinked.remote", "name", who.displayName()), Txn.of(e.instance, "unlinked", m.id()));
            } else {
                say(m, t("remote.not.linked", "name", who.displayName()));
            }
            return;
        }
        Optional<String> code = AccountTable.normalise(arg);
        if (arg.isEmpty()) {
            say(m, t("remote.how"));
            return;
        }
        Optional<Link> existing = table.of(e.instance, who.id());
        if (existing.isPresent() && existing.get().proofMessage().equals(m.id().value())) {
            confirm(m, existing.get()); // handled before a crash or a failed notice: told again, not refused
            return;
        }
        long now = e.clock.millis();
        long windowStart = now - FAILURE_WINDOW.toMillis();
        if (table.failures(e.instance, who.id(), windowStart) >= MAX_FAILURES) {
            e.log.info("A code from {} user {} refused: too many failed attempts", e.texts.network(), who.id());
            say(m, t("remote.too.many", "name", who.displayName()));
            return;
        }
        Optional<Link> linked = code.flatMap(c -> table.redeem(c, e.instance, who.id(), e.ghostIds.ghostOf(who.id()),
                who.displayName(), m.id().value(), now));
        if (linked.isEmpty()) {
            int failures = table.failed(e.instance, who.id(), now, windowStart);
            e.log.info("A wrong or expired code from {} user {} ({} failure(s) this hour)", e.texts.network(), who.id(), failures);
            say(m, t("remote.wrong.code", "name", who.displayName(), "left", Math.max(0, MAX_FAILURES - failures)));
            return;
        }
        reload();
        profiles.remove(linked.get().matrixUser());
        e.log.info("{} user {} linked to {}", e.texts.network(), who.id(), linked.get().matrixUser());
        confirm(m, linked.get());
    }

    private void confirm(RemoteEvent.Message m, Link l) {
        say(m, t("remote.linked", "name", m.sender().displayName(), "matrix", l.matrixUser().value()));
        dm(l.matrixUser(), t("matrix.linked", "name", m.sender().displayName()), Txn.of(e.instance, "linked", m.id()));
        try {
            e.ghosts.ensureProfile(m.sender()); // the new name and avatar at once
        } catch (RuntimeException ex) {
            e.log.info("The ghost of {} takes its Matrix profile with its next message: {}", m.sender().id(), ex.getMessage());
        }
    }

    private void remove(RemoteEvent.Message m) {
        if (!(e.connector instanceof ModerationCapable mod)) {
            return;
        }
        try {
            if (!mod.removeUserMessage(m.channel(), m.id())) {
                e.log.info("A !link message could not be removed in {}: the bot lacks the rights there", m.channel());
            }
        } catch (BridgeException | RuntimeException ex) {
            e.log.info("A !link message was not removed in {}: {}", m.channel(), ex.getMessage());
        }
    }

    /** Tells the old side, in the bot's name, when the network lets it. */
    private void say(RemoteEvent.Message m, String text) {
        if (!(e.connector instanceof NoticeCapable notices)) {
            return;
        }
        try {
            notices.postNotice(m.channel(), text);
        } catch (BridgeException | RuntimeException ex) {
            e.log.warn("The account-linking answer was not posted in {}: {}", m.channel(), ex.getMessage());
        }
    }

    private void dm(UserId user, String text, String txn) {
        RoomId room = LinkCommand.directChat(e.bot, table, user);
        e.bot.send(room, OutgoingMessage.notice(text), txn);
    }

    String t(String key, Object... args) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "network";
        all[args.length + 1] = e.texts.network();
        return texts.text(key, all);
    }

    // --- the digest -----------------------------------------------------------------------------

    /**
     * A remote message crossed to Matrix as {@code event}: remembered for the digest of each linked
     * person (digest on) it mentions or answers, but not its own author. Blocks on the database.
     */
    void delivered(RoomId room, EventId event, RemoteEvent.Message m) {
        Set<UserId> concerned = new LinkedHashSet<>();
        for (UserId mentioned : m.content().mentions()) {
            e.ghostIds.remoteUserOf(mentioned).map(byRemote::get).ifPresent(l -> concerned.add(l.matrixUser()));
            if (isLinkedMatrixUser(mentioned)) {
                concerned.add(mentioned);
            }
        }
        m.replyTo().ifPresent(target -> e.links.byRemote(target).stream().filter(l -> l.part() == 0).findFirst().ifPresent(l -> {
            Optional<RemoteUserId> remote = e.ghostIds.remoteUserOf(l.sender());
            if (remote.isPresent()) {
                Link linked = byRemote.get(remote.get());
                if (linked != null) {
                    concerned.add(linked.matrixUser());
                }
            } else if (isLinkedMatrixUser(l.sender())) {
                concerned.add(l.sender());
            }
        }));
        Link author = byRemote.get(m.sender().id());
        if (author != null) {
            concerned.remove(author.matrixUser());
        }
        for (UserId user : concerned) {
            boolean wants = byRemote.values().stream().anyMatch(l -> l.matrixUser().equals(user) && l.digest());
            if (wants) {
                table.noteMissed(e.instance, user, new Missed(room, event, m.sender().displayName(), excerpt(m.content().body()),
                        m.timestamp().toEpochMilli()));
            }
        }
    }

    static String excerpt(String body) {
        String s = body.replaceAll("\\s+", " ").strip();
        if (s.length() <= EXCERPT) {
            return s;
        }
        int end = EXCERPT;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing() + "…";
    }

    /** Starts the digest rounds ({@link #tick}) on the engine's pool. */
    void start(ScheduledExecutorService exec) {
        long every = Math.min(e.settings.digestEvery().toMillis(), Duration.ofMinutes(1).toMillis());
        exec.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException ex) {
                e.log.warn("Digest round failed; trying again at the next one: {}", ex.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Sends every digest due: one direct message per person with something in it, none otherwise. Blocks. */
    void tick() {
        long now = e.clock.millis();
        long next = now + e.settings.digestEvery().toMillis();
        for (Link l : table.digestsDue(e.instance, now)) {
            List<Missed> missed = table.missed(e.instance, l.matrixUser());
            if (!missed.isEmpty()) {
                dm(l.matrixUser(), digest(missed), Txn.of(e.instance, "digest", l.matrixUser(), l.digestNext()));
                e.log.info("Sent {} a digest of {} message(s) missed on {}", l.matrixUser(), missed.size(), e.texts.network());
            }
            table.digestDone(e.instance, l.matrixUser(), missed, next);
        }
    }

    private String digest(List<Missed> missed) {
        StringBuilder sb = new StringBuilder(t("digest.header", "count", missed.size()));
        Map<RoomId, String> names = new ConcurrentHashMap<>();
        for (Missed m : missed.subList(0, Math.min(DIGEST_ITEMS, missed.size()))) {
            String room = names.computeIfAbsent(m.room(), this::roomName);
            String link = "https://matrix.to/#/" + m.room().value() + "/" + m.event().value() + "?via=" + e.ctx.serverName();
            sb.append('\n').append(t("digest.item", "author", m.author(), "room", room, "excerpt", m.excerpt(), "link", link));
        }
        if (missed.size() > DIGEST_ITEMS) {
            sb.append('\n').append(t("digest.more", "count", missed.size() - DIGEST_ITEMS));
        }
        return sb.toString();
    }

    private String roomName(RoomId room) {
        try {
            return e.bot.getState(room, "m.room.name", "").map(n -> n.path("name").asText("")).filter(n -> !n.isBlank())
                    .orElse(room.value());
        } catch (RuntimeException ex) {
            return room.value();
        }
    }

    /** The links shown to their Matrix user: network and remote name. */
    List<String> describe(UserId user) {
        List<String> out = new ArrayList<>();
        for (Link l : byRemote.values()) {
            if (l.matrixUser().equals(user)) {
                out.add(t("link.item", "name", l.remoteName() == null ? l.remote().value() : l.remoteName()));
            }
        }
        return out;
    }

    boolean digestOn(UserId user) {
        return byRemote.values().stream().anyMatch(l -> l.matrixUser().equals(user) && l.digest());
    }
}
