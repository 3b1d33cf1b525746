package coop.comptoir.internal.command;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.Message;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one command router all plugins share. Recognises {@code !name args} and the mention form
 * ({@code Comptoir: name args}, also with the user ID or localpart), checks permissions (config
 * admins, else the sender's power level in the room), and answers {@code !aide} / {@code !help}
 * itself from the registered help lines.
 *
 * <p>Unknown {@code !words} are ignored (other bots in the room may own them); an unknown command
 * addressed to the bot by name gets a short pointer to the help.
 */
public final class CommandRouterImpl {
    private static final Logger log = LoggerFactory.getLogger(CommandRouterImpl.class);

    private record Registered(String owner, Command command) {}

    private final String prefix;
    private final Set<UserId> admins;
    private final Locale defaultLocale;
    private final Catalogue texts;
    private final MatrixClient matrix;
    private final String botDisplayName;
    private final Map<String, Registered> byName = new ConcurrentHashMap<>();
    private final Map<String, Registered> ordered = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    public CommandRouterImpl(String prefix, Set<UserId> admins, String language, MatrixClient matrix, String botDisplayName) {
        this(prefix, admins, TextSettings.DEFAULT.withLanguage(language), matrix, botDisplayName);
    }

    /**
     * @param texts the language of the router's own answers (and of commands typed without a
     *              language of their own), the address and the coop's overrides
     * @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken
     */
    public CommandRouterImpl(String prefix, Set<UserId> admins, TextSettings texts, MatrixClient matrix, String botDisplayName) {
        this.prefix = prefix;
        this.admins = Set.copyOf(admins);
        this.texts = Catalogue.load(BUNDLE, CommandRouterImpl.class, texts);
        this.defaultLocale = texts.locale();
        this.matrix = matrix;
        this.botDisplayName = botDisplayName;
        register("core", Command.of("aide", this.texts.in("fr").text("help.help"), this.texts.in("en").text("help.help"),
                this::help).withAliases("help"));
    }

    /** The texts of Comptoir itself ({@code texts/runtime_*.properties}). */
    public static final String BUNDLE = "runtime";

    /** The router's texts in the language of an invocation's locale. */
    private Catalogue texts(Locale locale) {
        return texts.in(locale.getLanguage());
    }

    /** The router as seen by one plugin instance: what it registers belongs to {@code instanceId}. */
    public CommandRouter forInstance(String instanceId) {
        return new CommandRouter() {
            @Override
            public void register(Command command) {
                CommandRouterImpl.this.register(instanceId, command);
            }

            @Override
            public boolean registerShared(String group, Command command) {
                return CommandRouterImpl.this.registerShared(group, command);
            }

            @Override
            public boolean isKnownCommand(String body) {
                return CommandRouterImpl.this.isKnownCommand(body);
            }
        };
    }

    private static String ownerName(String owner) {
        return owner.startsWith(GROUP) ? "the group \"" + owner.substring(GROUP.length()) + "\""
                : "core".equals(owner) ? "Comptoir itself" : "instance \"" + owner + "\"";
    }

    private static final String GROUP = "group:";

    private synchronized void register(String owner, Command command) {
        List<String> names = new ArrayList<>();
        names.add(command.name());
        command.aliases().forEach(a -> names.add(a.toLowerCase(Locale.ROOT)));
        for (String n : names) {
            Registered existing = byName.get(n);
            if (existing != null) {
                throw new IllegalArgumentException("command " + prefix + n + " of " + ownerName(owner)
                        + " is already registered by " + ownerName(existing.owner)
                        + (existing.owner.equals(owner) ? "" : ": give one of them another name in its config section"));
            }
        }
        Registered r = new Registered(owner, command);
        names.forEach(n -> byName.put(n, r));
        ordered.put(command.name(), r);
    }

    private synchronized boolean registerShared(String group, Command command) {
        String owner = GROUP + group;
        Registered existing = byName.get(command.name());
        if (existing != null && existing.owner.equals(owner)) {
            return false;
        }
        register(owner, command);
        return true;
    }

    /** Removes the commands of an instance (not those of its groups: other members may serve them). */
    public synchronized void unregisterAll(String owner) {
        byName.values().removeIf(r -> r.owner.equals(owner));
        ordered.values().removeIf(r -> r.owner.equals(owner));
    }

    /** What a message asks, if it is a command: the name typed and the rest. */
    record Parsed(String name, String args, boolean addressed) {}

    Parsed parse(String body) {
        String text = stripReplyFallback(body).strip();
        boolean addressed = false;
        String rest = null;
        if (text.startsWith(prefix)) {
            rest = text.substring(prefix.length());
        } else {
            String lower = text.toLowerCase(Locale.ROOT);
            UserId bot = matrix.userId();
            for (String who : new String[] {bot.value(), botDisplayName, bot.localpart()}) {
                if (who == null || who.isEmpty()) {
                    continue;
                }
                String w = who.toLowerCase(Locale.ROOT);
                if (lower.startsWith(w) && lower.length() > w.length() && (lower.charAt(w.length()) == ':' || lower.charAt(w.length()) == ',')) {
                    rest = text.substring(w.length() + 1).strip();
                    if (rest.startsWith(prefix)) {
                        rest = rest.substring(prefix.length());
                    }
                    addressed = true;
                    break;
                }
            }
        }
        if (rest == null) {
            return null;
        }
        rest = rest.strip();
        if (rest.isEmpty() || Character.isWhitespace(rest.charAt(0)) && !addressed) {
            return null;
        }
        int space = indexOfWhitespace(rest);
        String name = (space < 0 ? rest : rest.substring(0, space)).toLowerCase(Locale.ROOT);
        String args = space < 0 ? "" : rest.substring(space).strip();
        return new Parsed(name, args, addressed);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Removes the "> quoted" lines a client puts before the text of a reply (older clients still do). */
    static String stripReplyFallback(String body) {
        if (!body.startsWith("> ")) {
            return body;
        }
        String[] lines = body.split("\n", -1);
        int i = 0;
        while (i < lines.length && lines[i].startsWith(">")) {
            i++;
        }
        if (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        return String.join("\n", Arrays.asList(lines).subList(i, lines.length));
    }

    /**
     * Quick test, run as soon as a message is stored: whether it may be a command (so that ordinary
     * chat costs no handler call). Must agree with {@link #onMessage}: it only skips what that ignores.
     */
    public boolean mightBeCommand(MatrixEvent event) {
        Message msg = event.message().orElse(null);
        return msg != null && !msg.isNotice() && parse(msg.body()) != null;
    }

    /** Whether {@code body} names a registered command, as {@link CommandRouter#isKnownCommand} says. */
    public boolean isKnownCommand(String body) {
        Parsed p = body == null ? null : parse(body);
        return p != null && byName.containsKey(p.name);
    }

    /** Handles one {@code m.room.message}; called by the dispatcher, in room order. */
    public void onMessage(MatrixEvent event) {
        Message msg = event.message().orElse(null);
        if (msg == null || msg.isNotice() || event.relation().map(r -> r.isEdit()).orElse(false)
                || matrix.userId().equals(event.sender())) {
            return;
        }
        Parsed p = parse(msg.body());
        if (p == null) {
            return;
        }
        Registered r = byName.get(p.name);
        Invocation inv = new Invocation(event, p, localeFor(p.name));
        if (r == null) {
            if (p.addressed) {
                inv.reply(texts(inv.locale()).text("command.unknown", "name", p.name, "prefix", prefix));
            }
            return;
        }
        if (!allowed(r.command, event)) {
            inv.reply(notAllowed(texts(inv.locale()), r.command.permission()));
            return;
        }
        try {
            r.command.handler().run(inv);
        } catch (Exception e) {
            log.error("Command {}{} of {} failed in {}", prefix, p.name, r.owner, event.roomId(), e);
            inv.reply(texts(inv.locale()).text("command.failed"));
        }
    }

    private Locale localeFor(String typed) {
        return "help".equals(typed) ? Locale.ENGLISH : "aide".equals(typed) ? Locale.FRENCH : defaultLocale;
    }

    private boolean allowed(Command c, MatrixEvent event) {
        return allowed(c.permission(), event);
    }

    private boolean allowed(Permission p, MatrixEvent event) {
        if (p.isEveryone() || admins.contains(event.sender())) {
            return true;
        }
        if (p.configuredAdminsOnly()) {
            return false;
        }
        return matrix.powerLevel(event.roomId(), event.sender()) >= p.minPowerLevel();
    }

    private void help(CommandInvocation inv) {
        Catalogue t = texts(inv.locale());
        boolean fr = !"en".equals(t.language());
        StringBuilder plain = new StringBuilder(t.text("help.title"));
        StringBuilder html = new StringBuilder("<p>" + escape(t.text("help.title")) + "</p><ul>");
        List<Registered> all;
        synchronized (ordered) {
            all = new ArrayList<>(ordered.values());
        }
        all.removeIf(r -> !r.command.permission().isEveryone() && !allowed(r.command, inv.event()));
        Map<String, Long> sameText = all.stream().collect(java.util.stream.Collectors.groupingBy(
                r -> helpText(r.command, fr), java.util.stream.Collectors.counting()));
        for (Registered r : all) {
            Command c = r.command;
            String names = prefix + c.name() + (c.aliases().isEmpty() ? "" : " (" + prefix + String.join(", " + prefix, c.aliases()) + ")");
            String text = helpText(c, fr);
            if (sameText.get(text) > 1 && !r.owner.startsWith(GROUP)) {
                text = text + " " + t.text("help.instance", "instance", r.owner);
            }
            plain.append("\n• ").append(names).append(" — ").append(text);
            html.append("<li><code>").append(escape(names)).append("</code> — ").append(escape(text)).append("</li>");
        }
        html.append("</ul>");
        inv.replyHtml(plain.toString(), html.toString());
    }

    /** The refusal for a command the sender may not run: Comptoir's admins, the room's admins (100) or moderators. */
    private static String notAllowed(Catalogue t, Permission p) {
        if (p.configuredAdminsOnly()) {
            return t.text("command.configured.admins");
        }
        return t.text(p.minPowerLevel() >= 100 ? "command.room.admins" : "command.room.moderators");
    }

    private static String helpText(Command c, boolean fr) {
        String text = fr || c.helpEn() == null ? c.helpFr() : c.helpEn();
        return text == null ? "" : text;
    }

    static String escape(String s) {
        return coop.comptoir.api.matrix.Html.escape(s);
    }

    /** A stable transaction ID per answer, so an answer re-sent after a crash is not doubled. */
    static String answerTxnId(String eventId, int n) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            return "cmd." + HexFormat.of().formatHex(h, 0, 16) + "." + n;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Invocation implements CommandInvocation {
        private final MatrixEvent event;
        private final Parsed parsed;
        private final Locale locale;
        private final AtomicInteger answers = new AtomicInteger();

        Invocation(MatrixEvent event, Parsed parsed, Locale locale) {
            this.event = event;
            this.parsed = parsed;
            this.locale = locale;
        }

        @Override
        public MatrixEvent event() {
            return event;
        }

        @Override
        public String name() {
            return parsed.name;
        }

        @Override
        public String argumentText() {
            return parsed.args;
        }

        @Override
        public List<String> arguments() {
            return parsed.args.isEmpty() ? List.of() : List.of(parsed.args.split("\\s+"));
        }

        @Override
        public Locale locale() {
            return locale;
        }

        @Override
        public boolean senderHas(Permission permission) {
            return allowed(permission, event);
        }

        @Override
        public void reply(String text) {
            send(OutgoingMessage.notice(text));
        }

        @Override
        public void replyHtml(String plain, String html) {
            send(OutgoingMessage.noticeHtml(plain, html));
        }

        private void send(OutgoingMessage m) {
            String eventId = event.eventId() == null ? "none" : event.eventId().value();
            matrix.send(event.roomId(), m.replyingTo(event.eventId()), answerTxnId(eventId, answers.getAndIncrement()));
        }
    }
}
