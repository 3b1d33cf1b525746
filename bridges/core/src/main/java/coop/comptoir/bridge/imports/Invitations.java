package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RunningBridge;
import coop.comptoir.bridge.api.StructureCapable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * {@code !migration invite}: in each bridged channel of the old network (or the one named), a short
 * message in the bot's name with the link of the channel's Matrix room and the coop's Element
 * address — at most once per channel per period, remembered in the database. Blocks (one post per
 * channel); call it from a worker thread.
 */
final class Invitations {
    /** One bridged channel that may be invited. */
    record Target(RunningBridge bridge, RemoteChannelId channel, String name, RoomId room) {}

    private final MatrixClient matrix;
    private final MigrationTables tables;
    private final String server;
    private final Clock clock;
    private final Logger log;

    Invitations(MatrixClient matrix, MigrationTables tables, String server, Clock clock, Logger log) {
        this.matrix = matrix;
        this.tables = tables;
        this.server = server;
        this.clock = clock;
        this.log = log;
    }

    /**
     * The bridged channels of every bridge that can post in its own name, by name within each bridge,
     * with their names when the network tells them. May block.
     */
    static List<Target> targets(List<RunningBridge> bridges) {
        List<Target> out = new ArrayList<>();
        for (RunningBridge b : bridges) {
            if (!(b.connector() instanceof NoticeCapable)) {
                continue;
            }
            Map<String, String> names = new LinkedHashMap<>();
            if (b.connector() instanceof StructureCapable s) {
                try {
                    s.structure().channels().forEach(c -> names.put(c.id().value(), c.name()));
                } catch (BridgeException e) {
                    // names unknown: the IDs are shown
                }
            }
            List<Target> mine = new ArrayList<>();
            b.portals().forEach((room, channel) -> mine.add(new Target(b, channel,
                    names.getOrDefault(channel.value(), channel.value()), room)));
            mine.sort(java.util.Comparator.comparing(Target::name, String.CASE_INSENSITIVE_ORDER));
            out.addAll(mine);
        }
        return out;
    }

    /** The targets {@code wanted} names: a channel name (with or without {@code #}) or ID; all when null. */
    static List<Target> select(List<Target> all, String wanted) {
        if (wanted == null) {
            return all;
        }
        String w = wanted.replaceFirst("^#", "");
        return all.stream().filter(t -> t.channel().value().equals(w) || t.name().equalsIgnoreCase(w)).toList();
    }

    /** The matrix.to link of a room: its canonical alias when it has one, else its ID with the server to join through. */
    String link(RoomId room) {
        Optional<String> alias;
        try {
            alias = matrix.getState(room, "m.room.canonical_alias", "").map(c -> c.path("alias").asText("")).filter(a -> !a.isBlank());
        } catch (RuntimeException e) {
            alias = Optional.empty();
        }
        return alias.map(a -> "https://matrix.to/#/" + a).orElse("https://matrix.to/#/" + room.value() + "?via=" + server);
    }

    /**
     * Posts the invitation in each target not invited within {@code every}, and says what was done.
     *
     * @param posting the texts of the message posted on the old network (the coop's language and address)
     * @param answer  the texts of the answer to the admin
     */
    String invite(List<Target> targets, Duration every, String element, Catalogue posting, Catalogue answer) {
        List<String> posted = new ArrayList<>();
        List<String> recent = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Instant now = clock.instant();
        DateTimeFormatter day = DateTimeFormatter.ofPattern(answer.text("invite.format.day"), answer.locale()).withZone(ZoneId.systemDefault());
        for (Target t : targets) {
            String instance = t.bridge().instanceId();
            Optional<Long> last = tables.lastInvite(instance, t.channel().value());
            if (last.isPresent() && now.toEpochMilli() - last.get() < every.toMillis()) {
                recent.add(answer.text("invite.recent.one", "channel", t.name(),
                        "next", day.format(Instant.ofEpochMilli(last.get()).plus(every))));
                continue;
            }
            String text = posting.text("invite.message", "link", link(t.room()), "element", element,
                    "network", t.bridge().connector().displayName());
            try {
                var id = ((NoticeCapable) t.bridge().connector()).postNotice(t.channel(), text);
                tables.putInvite(instance, t.channel().value(), now.toEpochMilli(), id.value());
                posted.add("#" + t.name());
                log.info("Invitation posted in {} ({})", t.channel(), instance);
            } catch (BridgeException | RuntimeException e) {
                failed.add(answer.text("invite.failed.one", "channel", t.name(), "error", String.valueOf(e.getMessage())));
                log.warn("Invitation not posted in {}: {}", t.channel(), e.getMessage());
            }
        }
        List<String> lines = new ArrayList<>();
        if (!posted.isEmpty()) {
            lines.add(answer.text("invite.posted", "count", posted.size(), "channels", String.join(", ", posted)));
        }
        if (!recent.isEmpty()) {
            lines.add(answer.text("invite.recent", "count", recent.size(), "every", formatEvery(every, answer),
                    "channels", String.join(", ", recent)));
        }
        lines.addAll(failed);
        return String.join("\n", lines);
    }

    private static String formatEvery(Duration every, Catalogue t) {
        long days = every.toDays();
        return days >= 1 && every.equals(Duration.ofDays(days)) ? t.text("invite.days", "n", days)
                : coop.comptoir.api.config.ConfigDurations.format(every);
    }
}
