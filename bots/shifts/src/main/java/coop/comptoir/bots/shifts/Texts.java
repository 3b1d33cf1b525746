package coop.comptoir.bots.shifts;

import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.Html;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bots.shifts.source.LeftOut;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;

/**
 * What members read: the {@value #BUNDLE} catalogue ({@code texts/shifts_*.properties}), in the
 * instance's language and address ({@code vous} unless the coop says {@code tu}). Every message is a notice with a plain body and HTML where members are
 * pills; those with a Matrix ID are also in {@code m.mentions}.
 */
final class Texts {
    /**
     * Members named in a team reminder, each with a pill and a mention when their Matrix ID is
     * known; the others are counted ("et 12 autres"). Whoever edits the source may list anyone: this
     * bounds the pings of one message (and only members of the room are notified by a mention).
     */
    static final int LISTED = 20;

    static final String BUNDLE = "shifts";

    private final Catalogue c;
    private final DateTimeFormatter day;
    private final DateTimeFormatter time;

    private Texts(Catalogue c) {
        this.c = c;
        this.day = DateTimeFormatter.ofPattern(c.text("format.day"), c.locale());
        this.time = DateTimeFormatter.ofPattern(c.text("format.time"), c.locale());
    }

    /**
     * @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken
     */
    static Texts of(TextSettings settings) {
        return new Texts(Catalogue.load(BUNDLE, Texts.class, settings));
    }

    /** Shipped texts, nothing overridden. @param address {@code tu} or {@code vous} */
    static Texts of(String language, String address) {
        return of(TextSettings.DEFAULT.withLanguage(language).withAddress(address));
    }

    /** The same texts in another language (a command typed as {@code !help}). */
    Texts in(String language) {
        return language.equals(c.language()) ? this : new Texts(c.in(language));
    }

    /** "samedi 28 mars, 9h00–12h00" */
    String when(Shift s) {
        return day.format(s.start()) + ", " + time.format(s.start()) + "–" + time.format(s.end());
    }

    /** Within a sentence: "le samedi 28 mars, 9h00–12h00", "on Saturday 28 March, 9:00–12:00". */
    private String on(Shift s) {
        return c.text("on", "when", when(s));
    }

    /**
     * The reminder to a team's room, before a shift. It speaks to a group: in French the plural
     * {@code vous}, whatever the address chosen for one person.
     */
    OutgoingMessage teamReminder(Shift s, Duration late) {
        Body h = new Body();
        h.text(c.text("team.reminder", "title", quote(s.title()), "on", on(s)));
        h.newline();
        if (s.members().isEmpty()) {
            h.text(c.text("team.nobody"));
        } else {
            h.text(c.text("team.signed.up") + " ");
            List<Shift.Member> shown = s.members().subList(0, Math.min(LISTED, s.members().size()));
            h.members(shown);
            int others = s.members().size() - shown.size();
            if (others > 0) {
                h.text(c.text("team.others", "n", others));
            }
            h.text(".");
        }
        if (s.seatsMax() > 0) {
            h.text(" ");
            h.text(c.text("team.seats", "free", s.seatsFree()));
        }
        h.newline();
        h.text(c.text("team.cannot.come"));
        lateNote(h, late);
        return h.message();
    }

    /** The personal reminder, in a direct chat; how to opt out on its own line, last. */
    OutgoingMessage personalReminder(Shift s, String optOutCommand, Duration late) {
        Body h = new Body();
        h.text(c.text("personal.reminder", "title", quote(s.title()), "on", on(s)));
        lateNote(h, late);
        h.newline();
        h.text(c.text("personal.opt.out", "command", optOutCommand));
        return h.message();
    }

    /** The call for help in the volunteers room; edited as seats fill. */
    OutgoingMessage understaffed(Shift s) {
        return OutgoingMessage.notice(c.text("understaffed", "n", s.seatsFree(), "on", on(s), "title", quote(s.title())));
    }

    /** The last state of the call for help once every seat is taken. */
    OutgoingMessage understaffedFull(Shift s) {
        return OutgoingMessage.notice(c.text("understaffed.full", "when", when(s), "title", quote(s.title())));
    }

    /** The call for help of a shift that was cancelled. */
    OutgoingMessage understaffedCancelled(String title, String when) {
        return OutgoingMessage.notice(c.text("understaffed.cancelled", "when", when, "title", quote(title)));
    }

    private void lateNote(Body h, Duration late) {
        if (late == null) {
            return;
        }
        long min = Math.max(1, late.toSeconds() / 60);
        String amount = min < 120 ? min + " min" : (min / 60) + " h";
        h.text(" " + c.text("late", "amount", amount));
    }

    // ---- commands

    String optInHelp(String cmd) {
        return c.text("help.opt.in", "command", cmd);
    }

    String shiftsHelp() {
        return c.text("help.shifts");
    }

    String optedIn() {
        return c.text("opted.in");
    }

    String optedOut(String cmd) {
        return c.text("opted.out", "command", cmd);
    }

    String optInStatus(boolean on, String cmd) {
        return c.text("opt.in.status", "state", on ? "on" : "off", "command", cmd);
    }

    /** First message of the direct chat where personal reminders go. */
    String directChatHello() {
        return c.text("direct.hello");
    }

    String weekToday(char letter) {
        return c.text("week.today", "letter", String.valueOf(letter));
    }

    String nextShiftsTitle() {
        return c.text("next.title");
    }

    /** @param horizon how far ahead shifts are read (at least an hour) */
    String noShifts(Duration horizon) {
        return c.text("no.shifts", "within", within(horizon));
    }

    /** "the next 14 days", "les 14 prochains jours", "la prochaine heure". */
    private String within(Duration horizon) {
        long days = horizon.toDays();
        long hours = Math.max(1, horizon.toHours());
        return days >= 2 ? c.text("within.days", "days", String.valueOf(days)) : c.text("within.hours", "hours", hours);
    }

    String shiftLine(Shift s, char letter) {
        return c.text("shift.line", "when", when(s), "title", s.title(), "letter", String.valueOf(letter));
    }

    // ---- admins

    String sourceDown(String source, String reason) {
        return c.text("source.down", "source", source, "reason", reason);
    }

    /** The reason given to the admins for an error that is not the source's own (details only in the log). */
    String unexpectedError() {
        return c.text("unexpected.error");
    }

    String sourceBack(String source) {
        return c.text("source.back", "source", source);
    }

    /** One problem of the schedule, a line of {@link #problems}. */
    String leftOut(LeftOut l, Duration horizon, ZonedDateTime until) {
        String within = within(horizon);
        String limit = String.valueOf(l.limit());
        return switch (l.kind()) {
            case RECURS_TOO_OFTEN -> c.text("left.out.recurs", "subject", l.subject(), "limit", limit, "within", within);
            case TOO_MANY_SHIFTS -> c.text("left.out.shifts", "limit", limit, "within", within,
                    "until", day.format(until) + ", " + time.format(until));
            case TOO_MANY_MEMBERS -> c.text("left.out.members", "subject", l.subject(), "limit", limit);
        };
    }

    /** A line of {@link #problems}: shifts of a team without a room get no team reminder. */
    String teamWithoutRoom(String team) {
        return c.text("team.without.room", "team", team.isEmpty() ? c.text("team.none") : quote(team));
    }

    String moreLeftOut(int n) {
        return c.text("more.left.out", "n", String.valueOf(n));
    }

    /** To the admins: what of the schedule needs a look; told once per problem. */
    String problems(String source, List<String> lines) {
        return c.text("problems.title", "source", source) + "\n" + String.join("\n", lines) + "\n" + c.text("problems.end");
    }

    private String quote(String s) {
        return c.text("quote", "text", s);
    }

    /** Builds the plain and HTML bodies side by side. */
    private static final class Body {
        private final StringBuilder plain = new StringBuilder();
        private final StringBuilder html = new StringBuilder();
        private final List<UserId> mentions = new ArrayList<>();

        void text(String s) {
            plain.append(s);
            html.append(Html.escape(s));
        }

        void newline() {
            plain.append('\n');
            html.append("<br>");
        }

        void members(List<Shift.Member> members) {
            for (int i = 0; i < members.size(); i++) {
                Shift.Member m = members.get(i);
                if (i > 0) {
                    text(", ");
                }
                plain.append(m.displayName());
                if (m.matrixId().isPresent()) {
                    UserId id = m.matrixId().get();
                    html.append(Html.pill(id, m.displayName()));
                    if (!mentions.contains(id)) {
                        mentions.add(id);
                    }
                } else {
                    html.append(Html.escape(m.displayName()));
                }
            }
        }

        OutgoingMessage message() {
            OutgoingMessage m = OutgoingMessage.noticeHtml(plain.toString(), html.toString());
            return mentions.isEmpty() ? m : m.mentioning(mentions.toArray(UserId[]::new));
        }
    }
}
