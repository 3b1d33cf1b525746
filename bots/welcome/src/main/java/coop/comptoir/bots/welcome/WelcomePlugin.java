package coop.comptoir.bots.welcome;

import coop.comptoir.api.matrix.Html;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.Membership;
import coop.comptoir.api.event.Message;
import coop.comptoir.api.event.Relation;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bots.welcome.JoinBatcher.Person;
import coop.comptoir.bots.welcome.Texts.Localized;
import coop.comptoir.bots.welcome.Texts.Topic;
import coop.comptoir.bots.welcome.WelcomeConfig.RoomConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * One welcome instance. Arrivals in the configured rooms are gathered for a few seconds
 * ({@link JoinBatcher}) and greeted in one message; who was greeted is remembered in the database,
 * so a re-join, a profile change or a restart never greets twice. Bridge ghosts and the bot are
 * never greeted. Messages in the rooms that name a FAQ keyword get the answer, once per cool-down.
 */
final class WelcomePlugin implements Plugin {
    private static final String GREET_JOB = "greet";

    /** A configured room, once its alias is resolved. */
    private record Room(RoomId id, RoomConfig config, Localized greeting, String language) {}

    private final PluginContext ctx;
    private final Logger log;
    private final WelcomeFactory.Settings settings;
    private final WelcomeConfig config;
    private final Memory memory;
    private final JoinBatcher batcher;
    private final Cooldown faqCooldown;
    private final AtomicReference<Texts> texts = new AtomicReference<>();
    /** Filled by {@link #start}; read by event filters, hence volatile and immutable. */
    private volatile Map<RoomId, Room> rooms = Map.of();
    private volatile RoomId space;

    WelcomePlugin(PluginContext ctx, WelcomeFactory.Settings settings) throws TextsFileLoader.BadTextsException {
        this.ctx = ctx;
        this.log = ctx.log();
        this.settings = settings;
        this.config = settings.config();
        this.texts.set(settings.texts() != null ? settings.texts()
                : TextsFileLoader.load(ctx.config().resolvePath(config.textsFile()), settings.configured(), settings.wording()));
        this.memory = new Memory(ctx.database(), ctx.instanceId());
        memory.migrate();
        Duration window = config.groupWindow();
        this.batcher = new JoinBatcher(ctx.clock(), window, window.multipliedBy(5));
        this.faqCooldown = new Cooldown(ctx.clock(), config.faqCooldown());

        ctx.scheduler().handler(GREET_JOB, (key, due, data) -> greet(RoomId.of(data.get("room")), due, data));
        ctx.events().on(EventTypes.ROOM_MEMBER, e -> rooms.containsKey(e.roomId()), this::onMember);
        ctx.events().on(EventTypes.ROOM_MESSAGE, this::isFaqCandidate, this::onMessage);
        registerCommands();
    }

    /** Registers the configured names; a clash with another instance stops start-up (check-config names both). */
    private void registerCommands() {
        WelcomeConfig.Commands names = config.commands();
        String faq = names.faq().isEmpty() ? "faq" : names.faq().get(0);
        Wording fr = settings.wording().in("fr");
        Wording en = settings.wording().in("en");
        register(names.faq(), (name, aliases) -> Command.of(name, fr.text("faq.help", "command", faq),
                en.text("faq.help", "command", faq), this::faqCommand).withAliases(aliases));
        register(names.rooms(), (name, aliases) -> Command.of(name, fr.text("rooms.help"), en.text("rooms.help"),
                this::roomsCommand).withAliases(aliases));
        register(names.reload(), (name, aliases) -> Command.of(name, fr.text("reload.help"), en.text("reload.help"),
                this::reloadCommand)
                .withAliases(aliases).withPermission(Permission.MODERATOR));
    }

    private void register(List<String> names, java.util.function.BiFunction<String, String[], Command> command) {
        if (!names.isEmpty()) {
            ctx.commands().register(command.apply(names.get(0), names.subList(1, names.size()).toArray(String[]::new)));
        }
    }

    @Override
    public void start() {
        Map<RoomId, Room> resolved = new LinkedHashMap<>();
        for (int i = 0; i < config.rooms().size(); i++) {
            RoomConfig rc = config.rooms().get(i);
            try {
                RoomId id = resolve(rc.room().value());
                join(id);
                resolved.put(id, new Room(id, rc, settings.roomGreetings().get(i),
                        rc.language() != null ? rc.language() : settings.wording().language()));
            } catch (MatrixException e) {
                log.warn("Room {} is left out: {}", rc.room(), e.getMessage());
            }
        }
        rooms = Map.copyOf(resolved);
        if (config.space() != null) {
            try {
                space = resolve(config.space().value());
            } catch (MatrixException e) {
                log.warn("Space {} not found, !salons lists the public directory instead: {}", config.space(), e.getMessage());
            }
        }
        log.info("Welcoming newcomers in {} room(s), {} FAQ topic(s)", rooms.size(), texts.get().faq().size());
    }

    private RoomId resolve(String address) {
        return address.startsWith("#") ? ctx.matrix().resolveAlias(RoomAlias.of(address)) : RoomId.of(address);
    }

    private void join(RoomId room) {
        try {
            ctx.matrix().join(room.value());
        } catch (MatrixException e) {
            log.warn("Could not join {} (invite the bot there): {}", room, e.getMessage());
        }
    }

    // ---- greetings ------------------------------------------------------------------------------

    /** Whether the user is never greeted: the bot, bridge ghosts, configured patterns. */
    boolean isIgnored(UserId user) {
        if (user.equals(ctx.botUserId()) || user.localpart().startsWith("_")) {
            return true;
        }
        return settings.ignoreUsers().stream().anyMatch(p -> p.matcher(user.value()).matches());
    }

    private void onMember(MatrixEvent event) {
        Membership m = event.membership().orElse(null);
        if (m == null || !m.isJoin() || m.isProfileChange()) {
            return;
        }
        RoomId room = event.roomId();
        UserId user = m.target();
        if (isIgnored(user) || batcher.isPending(room, user) || memory.wasGreeted(room, user)) {
            return;
        }
        String name = m.displayName() == null || m.displayName().isBlank() ? user.value() : m.displayName();
        JoinBatcher.Added added = batcher.add(room, new Person(user, name));
        ctx.scheduler().once(GREET_JOB + ":" + room.value(), GREET_JOB, added.due(), jobData(room, added.people()));
    }

    /**
     * The job carries the whole batch, so that whichever process fires it (clustered scheduler on
     * PostgreSQL, or after a restart) can greet; the batch in memory is used when it is here.
     */
    static Map<String, String> jobData(RoomId room, List<Person> people) {
        return Map.of("room", room.value(),
                "users", people.stream().map(p -> p.id().value()).collect(Collectors.joining("\n")),
                "names", people.stream().map(p -> p.displayName().replaceAll("[\\r\\n]+", " ")).collect(Collectors.joining("\n")));
    }

    static List<Person> peopleOf(Map<String, String> data) {
        String users = data.getOrDefault("users", "");
        if (users.isEmpty()) {
            return List.of();
        }
        String[] ids = users.split("\n");
        String[] names = data.getOrDefault("names", "").split("\n", -1);
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            people.add(new Person(UserId.of(ids[i]), i < names.length && !names[i].isBlank() ? names[i] : ids[i]));
        }
        return people;
    }

    /** Greets the room's waiting newcomers, if their batch is due. Called by the scheduler. */
    private void greet(RoomId roomId, Instant due, Map<String, String> data) {
        Room room = rooms.get(roomId);
        List<Person> batch;
        if (batcher.dueAt(roomId) != null) {
            batch = batcher.takeIfDueBy(roomId, due);
            if (batch.isEmpty()) {
                return; // more arrivals moved the batch: the job they scheduled will greet
            }
        } else {
            batch = peopleOf(data);
        }
        List<Person> people = batch.stream().filter(p -> !memory.wasGreeted(roomId, p.id())).toList();
        if (room == null || people.isEmpty()) {
            return;
        }
        Localized template = room.greeting() != null ? room.greeting() : texts.get().greeting();
        Template.Rendered text = template.in(room.language()).render(values(people, room.language()));
        List<UserId> ids = people.stream().map(Person::id).toList();
        OutgoingMessage message = OutgoingMessage.noticeHtml(text.plain(), text.html())
                .mentioning(ids.toArray(UserId[]::new));
        ctx.matrix().send(roomId, message, "welcome-" + stableId(roomId.value(), ids));
        memory.markGreeted(roomId, ids, ctx.clock().instant());
        log.info("Greeted {} newcomer(s) in {}", ids.size(), roomId);
        if (room.config().directMessage()) {
            people.forEach(p -> sendGuide(p, room.language()));
        }
    }

    private void sendGuide(Person person, String language) {
        if (memory.guideSent(person.id())) {
            return;
        }
        try {
            // Not encrypted, so that Comptoir reads what the newcomer answers there (!faq, !salons).
            RoomId dm = ctx.matrix().createDirectChat(person.id());
            Template.Rendered guide = texts.get().directMessage().in(language).render(values(List.of(person), language));
            ctx.matrix().send(dm, OutgoingMessage.noticeHtml(guide.plain(), guide.html()),
                    "welcome-guide-" + stableId(person.id().value()));
            memory.markGuideSent(person.id(), dm, ctx.clock().instant());
        } catch (MatrixException e) {
            log.warn("Could not send the guide to {}: {}", person.id(), e.getMessage());
        }
    }

    /** The values of the placeholders for these people in this language. */
    Template.Values values(List<Person> people, String language) {
        Wording words = settings.wording().in("en".equals(language) ? "en" : "fr");
        return new Template.Values() {
            @Override
            public String plain(String placeholder) {
                return switch (placeholder) {
                    case "name" -> words.names(people.stream().map(Person::displayName).toList());
                    case "coop" -> config.coop();
                    case "wiki" -> config.wiki();
                    case "forum" -> config.forum();
                    case "rooms" -> roomLinks().stream().map(Link::label).collect(Collectors.joining(", "));
                    default -> throw new IllegalStateException("unchecked placeholder " + placeholder);
                };
            }

            @Override
            public String html(String placeholder) {
                return switch (placeholder) {
                    case "name" -> words.names(people.stream().map(p -> Html.pill(p.id(), p.displayName())).toList());
                    case "coop" -> Html.escape(config.coop());
                    case "wiki" -> Html.link(config.wiki(), config.wiki());
                    case "forum" -> Html.link(config.forum(), config.forum());
                    case "rooms" -> roomLinks().stream().map(l -> Html.link(l.href(), l.label())).collect(Collectors.joining(", "));
                    default -> throw new IllegalStateException("unchecked placeholder " + placeholder);
                };
            }
        };
    }

    private record Link(String href, String label) {}

    /** What {@code {rooms}} points to: the space when there is one, else the configured rooms. */
    private List<Link> roomLinks() {
        if (config.space() != null) {
            return List.of(new Link(Html.matrixTo(config.space().value()), config.space().value()));
        }
        return config.rooms().stream().map(r -> new Link(Html.matrixTo(r.room().value()), r.room().value())).toList();
    }

    /** « A », « A et B », « A, B et C » (or "and"). */
    private static String stableId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String stableId(String room, List<UserId> users) {
        List<String> parts = new ArrayList<>();
        parts.add(room);
        users.stream().map(UserId::value).sorted().forEach(parts::add);
        return stableId(parts.toArray(String[]::new));
    }

    // ---- FAQ ------------------------------------------------------------------------------------

    private boolean isFaqCandidate(MatrixEvent event) {
        Room room = rooms.get(event.roomId());
        if (room == null || !room.config().faq()) {
            return false;
        }
        Message m = event.message().orElse(null);
        return m != null && !m.isNotice() && m.newContent().isEmpty() && !m.body().startsWith("!");
    }

    private void onMessage(MatrixEvent event) {
        if (event.sender() == null || isIgnored(event.sender())) {
            return;
        }
        Room room = rooms.get(event.roomId());
        List<Topic> found = FaqMatcher.match(texts.get().faq(), event.message().map(Message::body).orElse(""));
        for (Topic topic : found) {
            if (!faqCooldown.tryAcquire(event.roomId().value() + "\n" + topic.name().toLowerCase(Locale.ROOT))) {
                log.debug("FAQ topic {} answered recently in {}", topic.name(), event.roomId());
                continue;
            }
            Template.Rendered answer = topic.answer().in(room.language())
                    .render(values(List.of(new Person(event.sender(), event.sender().value())), room.language()));
            OutgoingMessage reply = OutgoingMessage.noticeHtml(answer.plain(), answer.html()).replyingTo(event.eventId());
            // A question asked in a thread is answered in that thread.
            var thread = event.relation().filter(Relation::isThread).map(Relation::eventId);
            if (thread.isPresent()) {
                reply = reply.inThread(thread.get());
            }
            ctx.matrix().send(event.roomId(), reply, "welcome-faq-" + stableId(event.eventId().value(), topic.name()));
        }
    }

    // ---- commands -------------------------------------------------------------------------------

    private static boolean french(CommandInvocation inv) {
        return switch (inv.name()) {
            case "salons", "recharger" -> true;
            case "rooms", "reload" -> false;
            default -> inv.locale().getLanguage().equals("fr");
        };
    }

    /** The plugin's words in the language of the command as typed. */
    private Wording words(CommandInvocation inv) {
        return settings.wording().in(french(inv) ? "fr" : "en");
    }

    private void faqCommand(CommandInvocation inv) {
        boolean fr = french(inv);
        String language = fr ? "fr" : "en";
        List<Topic> topics = texts.get().faq();
        if (topics.isEmpty()) {
            inv.reply(words(inv).text("faq.none"));
            return;
        }
        String asked = inv.argumentText();
        if (!asked.isBlank()) {
            String key = FaqMatcher.normalize(asked);
            Topic topic = topics.stream().filter(t -> FaqMatcher.normalize(t.name()).equals(key)).findFirst()
                    .or(() -> FaqMatcher.match(topics, asked).stream().findFirst())
                    .orElse(null);
            if (topic != null) {
                Template.Rendered a = topic.answer().in(language)
                        .render(values(List.of(new Person(inv.sender(), inv.sender().value())), language));
                inv.replyHtml(a.plain(), a.html());
                return;
            }
        }
        String intro = asked.isBlank() ? words(inv).text("faq.intro", "command", inv.name()) : words(inv).text("faq.unknown");
        StringBuilder plain = new StringBuilder(intro);
        StringBuilder html = new StringBuilder("<p>").append(Html.escape(intro)).append("</p><ul>");
        for (Topic t : topics) {
            String words = String.join(", ", t.keywords());
            plain.append("\n• ").append(t.name()).append(" (").append(words).append(")");
            html.append("<li><b>").append(Html.escape(t.name())).append("</b> (").append(Html.escape(words)).append(")</li>");
        }
        inv.replyHtml(plain.toString(), html.append("</ul>").toString());
    }

    private void roomsCommand(CommandInvocation inv) {
        try {
            Template.Rendered list = RoomDirectory.render(RoomDirectory.fetch(ctx.matrix(), space), words(inv));
            inv.replyHtml(list.plain(), list.html());
        } catch (MatrixException e) {
            log.warn("Could not list the rooms: {}", e.getMessage());
            inv.reply(words(inv).text("rooms.down"));
        }
    }

    private void reloadCommand(CommandInvocation inv) {
        if (config.textsFile() == null) {
            inv.reply(words(inv).text("reload.in.config"));
            return;
        }
        try {
            Texts fresh = TextsFileLoader.load(ctx.config().resolvePath(config.textsFile()), settings.configured(), settings.wording());
            texts.set(fresh);
            log.info("Texts reloaded from {} by {}", config.textsFile(), inv.sender());
            inv.reply(words(inv).text("reload.done", "n", String.valueOf(fresh.faq().size())));
        } catch (TextsFileLoader.BadTextsException e) {
            log.warn("Texts not reloaded: {}", e.getMessage());
            inv.reply(words(inv).text("reload.failed") + "\n" + e.getMessage());
        }
    }
}
