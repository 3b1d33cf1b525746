package coop.comptoir.bridge.engine;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The Matrix side of account linking, for everyone: {@code !link} (alias {@code !lier}) sends the
 * person a one-time code in a direct message (valid {@link AccountLinks#CODE_VALIDITY}) and lists
 * their links; {@code !link digest on|off} ({@code résumé oui|non}) turns the digest of what they
 * missed on and off; {@code !unlink} ({@code !délier}) removes their links. The code is typed on
 * the old network ({@link AccountLinks#remoteCommand}), on any bridge: codes are not tied to one.
 * Like {@code !bridge}, the commands belong to the bridges' group and find the live engines in a
 * hub shared by the runtime's bridge instances.
 */
final class LinkCommand {
    static final String NAME = "link";
    static final String UNLINK = "unlink";
    static final List<String> ALIASES = List.of("lier");
    static final List<String> UNLINK_ALIASES = List.of("délier", "delier");
    private static final String HUB = BridgeCommand.GROUP + ".link";

    private static final Pattern COMMAND = Pattern.compile("^\\s*[^\\p{L}\\p{N}\\s](link|lier|unlink|délier|delier)(\\s|$)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private final List<Engine> engines = new CopyOnWriteArrayList<>();

    private LinkCommand() {}

    /** The command names and aliases, for the factory's declaration. */
    static List<String> names() {
        List<String> out = new ArrayList<>();
        out.add(NAME);
        out.addAll(ALIASES);
        out.add(UNLINK);
        out.addAll(UNLINK_ALIASES);
        return out;
    }

    /** Whether a Matrix message is one of these commands (not carried to the other side). */
    static boolean isCommand(String body) {
        return COMMAND.matcher(body).find();
    }

    static void register(PluginContext ctx, Engine engine) {
        LinkCommand hub = ctx.shared(HUB, LinkCommand.class, LinkCommand::new);
        ctx.commands().registerShared(BridgeCommand.GROUP, new Command(NAME, ALIASES, text(ctx, "fr", "help"), text(ctx, "en", "help"),
                Permission.EVERYONE, hub::link));
        ctx.commands().registerShared(BridgeCommand.GROUP, new Command(UNLINK, UNLINK_ALIASES, text(ctx, "fr", "help.unlink"),
                text(ctx, "en", "help.unlink"), Permission.EVERYONE, hub::unlink));
        hub.engines.add(engine);
    }

    private static String text(PluginContext ctx, String language, String key) {
        return coop.comptoir.api.text.Catalogue.load(AccountLinks.BUNDLE, LinkCommand.class, ctx.texts().withLanguage(language))
                .text(key);
    }

    static void unregister(PluginContext ctx, Engine engine) {
        ctx.shared(HUB, LinkCommand.class, LinkCommand::new).engines.remove(engine);
    }

    private void link(CommandInvocation inv) {
        if (engines.isEmpty()) {
            return;
        }
        Engine first = engines.get(0);
        AccountLinks a = first.accounts;
        List<String> args = inv.arguments();
        String sub = args.isEmpty() ? "" : args.get(0).toLowerCase(Locale.ROOT);
        UserId user = inv.sender();
        switch (sub) {
            case "" -> code(inv, first);
            case "digest", "résumé", "resume" -> {
                String v = args.size() > 1 ? args.get(1).toLowerCase(Locale.ROOT) : "";
                boolean on = v.equals("on") || v.equals("oui") || v.equals("yes");
                boolean off = v.equals("off") || v.equals("non") || v.equals("no");
                if (!on && !off) {
                    inv.reply(a.t("usage"));
                    return;
                }
                long next = first.clock.millis() + first.settings.digestEvery().toMillis();
                if (a.table().setDigest(user, on, next) == 0) {
                    inv.reply(a.t("digest.needs.link"));
                    return;
                }
                engines.forEach(e -> e.accounts.reload());
                inv.reply(a.t(on ? "digest.on" : "digest.off"));
            }
            default -> inv.reply(a.t("usage"));
        }
    }

    /** {@code !link}: a new code by direct message, with the person's links. */
    private void code(CommandInvocation inv, Engine first) {
        AccountLinks a = first.accounts;
        UserId user = inv.sender();
        long now = first.clock.millis();
        String code = a.table().newCode(user, now, now + AccountLinks.CODE_VALIDITY.toMillis());
        List<String> links = new ArrayList<>();
        boolean digest = false;
        for (Engine e : engines) {
            links.addAll(e.accounts.describe(user));
            digest |= e.accounts.digestOn(user);
        }
        String networks = String.join(" / ", engines.stream().map(e -> e.texts.network()).distinct().toList());
        String text = a.t("code", "code", code, "minutes", AccountLinks.CODE_VALIDITY.toMinutes(), "networks", networks) + "\n"
                + (links.isEmpty() ? a.t("links.none") : a.t("links.some", "links", String.join(", ", links), "digest",
                digest ? "on" : "off"));
        try {
            // a bridged room is never taken for a direct chat, even with only the two of them in it
            boolean bridged = engines.stream().anyMatch(e -> e.portals.isPortal(inv.room()));
            RoomId dm = directChat(first.bot, a.table(), user, bridged ? null : inv.room());
            first.bot.send(dm, OutgoingMessage.notice(text), Txn.of("link", "code", AccountTable.hash(code)));
            if (!dm.equals(inv.room())) {
                inv.reply(a.t("code.sent"));
            }
            first.log.info("Sent {} a code to link an account", user);
        } catch (MatrixException ex) {
            first.log.warn("Could not send {} a code to link an account: {}", user, ex.getMessage());
            inv.reply(a.t("code.not.sent"));
        }
    }

    private void unlink(CommandInvocation inv) {
        if (engines.isEmpty()) {
            return;
        }
        Engine first = engines.get(0);
        int removed = first.accounts.table().unlinkAll(inv.sender());
        engines.forEach(e -> e.accounts.reload());
        if (removed > 0) {
            first.log.info("{} removed {} account link(s)", inv.sender(), removed);
        }
        inv.reply(first.accounts.t("unlinked", "count", removed));
    }

    /** The bot's direct chat with {@code user}: the one known if they are still in it, else a new one. May block. */
    static RoomId directChat(MatrixClient bot, AccountTable table, UserId user) {
        return directChat(bot, table, user, null);
    }

    /**
     * Same, taking {@code here} when it is a room of only the bot and {@code user} (the command was
     * typed in a direct chat): the answer goes there.
     */
    private static RoomId directChat(MatrixClient bot, AccountTable table, UserId user, RoomId here) {
        if (here != null) {
            try {
                List<UserId> members = bot.joinedMembers(here);
                if (members.size() == 2 && members.contains(user) && members.contains(bot.userId())) {
                    table.putDirectChat(user, here);
                    return here;
                }
            } catch (MatrixException ignored) {
                // not readable: a direct chat is found or made below
            }
        }
        Optional<RoomId> known = table.directChat(user);
        if (known.isPresent() && stillThere(bot, known.get(), user)) {
            return known.get();
        }
        RoomId created = bot.createDirectChat(user);
        table.putDirectChat(user, created);
        return created;
    }

    private static boolean stillThere(MatrixClient bot, RoomId dm, UserId user) {
        try {
            String membership = bot.getState(dm, "m.room.member", user.value()).map(m -> m.path("membership").asText(""))
                    .orElse(bot.joinedMembers(dm).contains(user) ? "join" : "");
            return membership.equals("join") || membership.equals("invite");
        } catch (MatrixException e) {
            return false;
        }
    }
}
