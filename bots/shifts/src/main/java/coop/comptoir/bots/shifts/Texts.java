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
import java.util.Locale;

/**
 * What members read: French (default) or English; in French, {@code tu} (default) or {@code vous}
 * as the coop chooses. Every message is a notice with a plain body and HTML where members are
 * pills; those with a Matrix ID are also in {@code m.mentions}.
 */
final class Texts {
    /**
     * Members named in a team reminder, each with a pill and a mention when their Matrix ID is
     * known; the others are counted ("et 12 autres"). Whoever edits the source may list anyone: this
     * bounds the pings of one message (and only members of the room are notified by a mention).
     */
    static final int LISTED = 20;

    private final boolean en;
    private final boolean vous;
    private final DateTimeFormatter day;
    private final DateTimeFormatter time;

    private Texts(boolean en, boolean vous) {
        this.en = en;
        this.vous = vous;
        this.day = DateTimeFormatter.ofPattern("EEEE d MMMM", en ? Locale.ENGLISH : Locale.FRENCH);
        this.time = DateTimeFormatter.ofPattern(en ? "H:mm" : "H'h'mm", en ? Locale.ENGLISH : Locale.FRENCH);
    }

    /** @param address {@code tu} or {@code vous} (French only; English has one "you") */
    static Texts of(String language, String address) {
        return new Texts("en".equals(language), "vous".equals(address));
    }

    /** "samedi 28 mars, 9h00–12h00" */
    String when(Shift s) {
        return day.format(s.start()) + ", " + time.format(s.start()) + "–" + time.format(s.end());
    }

    /** Within a sentence: "le samedi 28 mars, 9h00–12h00", "on Saturday 28 March, 9:00–12:00". */
    private String on(Shift s) {
        return (en ? "on " : "le ") + when(s);
    }

    /**
     * The reminder to a team's room, before a shift. It speaks to a group: in French the plural
     * {@code vous}, whatever the address chosen for one person.
     */
    OutgoingMessage teamReminder(Shift s, Duration late) {
        Body h = new Body();
        h.text(en ? "⏰ Reminder: shift " + quote(s.title()) + " " + on(s) + "."
                : "⏰ Rappel : service " + quote(s.title()) + " " + on(s) + ".");
        h.newline();
        if (s.members().isEmpty()) {
            h.text(en ? "Nobody has signed up yet." : "Personne n’est encore inscrit·e.");
        } else {
            h.text(en ? "Signed up: " : "Inscrit·es : ");
            List<Shift.Member> shown = s.members().subList(0, Math.min(LISTED, s.members().size()));
            h.members(shown);
            int others = s.members().size() - shown.size();
            if (others > 0) {
                h.text(en ? " and " + others + (others == 1 ? " other" : " others") : " et " + others + (others == 1 ? " autre" : " autres"));
            }
            h.text(".");
        }
        if (s.seatsMax() > 0) {
            h.text(" ");
            h.text(seats(s.seatsFree()));
        }
        h.newline();
        h.text(en ? "If you cannot come, please tell the team as soon as possible. Thank you!"
                : "Si vous ne pouvez pas venir, prévenez l’équipe au plus vite. Merci !");
        lateNote(h, late);
        return h.message();
    }

    private String seats(int free) {
        if (en) {
            return free == 0 ? "The team is complete." : free == 1 ? "1 seat is still free." : free + " seats are still free.";
        }
        return free == 0 ? "L’équipe est au complet." : free == 1 ? "Il reste 1 place libre." : "Il reste " + free + " places libres.";
    }

    /** The personal reminder, in a direct chat; how to opt out on its own line, last. */
    OutgoingMessage personalReminder(Shift s, String optOutCommand, Duration late) {
        Body h = new Body();
        if (en) {
            h.text("Hello! A little reminder: you are signed up for the shift " + quote(s.title()) + " " + on(s)
                    + ". Thank you, see you at the shop!");
        } else if (vous) {
            h.text("Bonjour ! Petit rappel : vous êtes inscrit·e au service " + quote(s.title()) + " " + on(s)
                    + ". Merci et à bientôt au magasin !");
        } else {
            h.text("Coucou ! Petit rappel : tu es inscrit·e au service " + quote(s.title()) + " " + on(s)
                    + ". Merci et à bientôt au magasin !");
        }
        lateNote(h, late);
        h.newline();
        h.text(en ? "(To stop these messages: !" + optOutCommand + " off)"
                : "(Pour ne plus recevoir ces messages : !" + optOutCommand + " off)");
        return h.message();
    }

    /** The call for help in the volunteers room; edited as seats fill. */
    OutgoingMessage understaffed(Shift s) {
        int n = s.seatsFree();
        String what = quote(s.title());
        if (en) {
            return OutgoingMessage.notice("🙋 " + (n == 1 ? "1 person" : n + " people") + " missing " + on(s) + " (" + what
                    + "). Can you come? Sign up and tell the team!");
        }
        return OutgoingMessage.notice("🙋 Il manque " + (n == 1 ? "1 personne" : n + " personnes") + " " + on(s) + " (" + what
                + "). " + (vous ? "Vous pouvez venir ? Inscrivez-vous et prévenez l’équipe !"
                : "Tu peux venir ? Inscris-toi et préviens l’équipe !"));
    }

    /** The last state of the call for help once every seat is taken. */
    OutgoingMessage understaffedFull(Shift s) {
        return OutgoingMessage.notice(en ? "✅ Full, thank you! " + when(s) + " (" + quote(s.title()) + ")"
                : "✅ Complet, merci ! " + when(s) + " (" + quote(s.title()) + ")");
    }

    /** The call for help of a shift that was cancelled. */
    OutgoingMessage understaffedCancelled(String title, String when) {
        return OutgoingMessage.notice(en ? "❌ Shift cancelled: " + when + " (" + quote(title) + "). No help needed, thank you!"
                : "❌ Service annulé : " + when + " (" + quote(title) + "). Plus besoin de renfort, merci !");
    }

    private void lateNote(Body h, Duration late) {
        if (late == null) {
            return;
        }
        long min = Math.max(1, late.toSeconds() / 60);
        String amount = min < 120 ? min + " min" : (min / 60) + " h";
        h.text(en ? " (reminder sent " + amount + " late)" : " (rappel envoyé avec " + amount + " de retard)");
    }

    // ---- commands

    String optInHelp(String cmd) {
        return en ? "personal shift reminders by direct message: !" + cmd + " on or off"
                : "rappels de service personnels en message privé : !" + cmd + " on ou off";
    }

    String shiftsHelp() {
        return en ? "your next shifts and this week's letter (A, B, C, D)"
                : (vous ? "vos" : "tes") + " prochains services et la lettre de la semaine (A, B, C, D)";
    }

    String optedIn() {
        return en ? "Noted: I will send you your shift reminders by direct message. 🌱"
                : vous ? "C’est noté : je vous enverrai vos rappels de service en message privé. 🌱"
                : "C’est noté : je t’enverrai tes rappels de service en message privé. 🌱";
    }

    String optedOut(String cmd) {
        return en ? "Noted: no more reminders by direct message (!" + cmd + " on to get them again)."
                : "C’est noté : plus de rappels en message privé (!" + cmd + " on pour les réactiver).";
    }

    String optInStatus(boolean on, String cmd) {
        if (en) {
            return "Your personal reminders are " + (on ? "on" : "off") + ". Say !" + cmd + " on or !" + cmd + " off.";
        }
        return vous ? "Vos rappels personnels sont " + (on ? "activés" : "désactivés") + ". Écrivez !" + cmd + " on ou !" + cmd + " off."
                : "Tes rappels personnels sont " + (on ? "activés" : "désactivés") + ". Écris !" + cmd + " on ou !" + cmd + " off.";
    }

    /** First message of the direct chat where personal reminders go. */
    String directChatHello() {
        return en ? "Hello! This is where I will send your shift reminders. 🌱"
                : vous ? "Bonjour ! C’est ici que je vous enverrai vos rappels de service. 🌱"
                : "Coucou ! C’est ici que je t’enverrai tes rappels de service. 🌱";
    }

    String weekToday(char letter) {
        return en ? "This week is week " + letter + "." : "Nous sommes en semaine " + letter + ".";
    }

    String nextShiftsTitle() {
        return en ? "Your next shifts:" : vous ? "Vos prochains services :" : "Tes prochains services :";
    }

    /** @param horizon how far ahead shifts are read (at least an hour) */
    String noShifts(Duration horizon) {
        String within = within(horizon);
        return en ? "I cannot find you in any shift in " + within + "."
                : (vous ? "Je ne vous trouve" : "Je ne te trouve") + " inscrit·e à aucun service dans " + within + ".";
    }

    /** "the next 14 days", "les 14 prochains jours", "la prochaine heure". */
    private String within(Duration horizon) {
        long days = horizon.toDays();
        long hours = Math.max(1, horizon.toHours());
        return en
                ? (days >= 2 ? "the next " + days + " days" : hours == 1 ? "the next hour" : "the next " + hours + " hours")
                : (days >= 2 ? "les " + days + " prochains jours" : hours == 1 ? "la prochaine heure" : "les " + hours + " prochaines heures");
    }

    String shiftLine(Shift s, char letter) {
        return when(s) + " — " + s.title() + (en ? " (week " : " (semaine ") + letter + ")";
    }

    // ---- admins

    String sourceDown(String source, String reason) {
        return en ? "⚠️ Shift source unavailable (" + source + "): " + reason
                + ". I keep the last known schedule and will tell you when it works again."
                : "⚠️ Source des services indisponible (" + source + ") : " + reason
                + ". Je garde le dernier planning connu et vous préviendrai quand elle fonctionnera de nouveau.";
    }

    /** The reason given to the admins for an error that is not the source's own (details only in the log). */
    String unexpectedError() {
        return en ? "unexpected error (see the log)" : "erreur inattendue (voir le journal)";
    }

    String sourceBack(String source) {
        return en ? "✅ Shift source working again (" + source + ")." : "✅ La source des services fonctionne de nouveau (" + source + ").";
    }

    /** One problem of the schedule, a line of {@link #problems}. */
    String leftOut(LeftOut l, Duration horizon, ZonedDateTime until) {
        String within = within(horizon);
        return switch (l.kind()) {
            case RECURS_TOO_OFTEN -> en
                    ? "• " + l.subject() + ": recurs more than " + l.limit() + " times in " + within
                    + " (or too densely to be computed): ignored. Please check its recurrence rule (RRULE)."
                    : "• " + l.subject() + " : se répète plus de " + l.limit() + " fois dans " + within
                    + " (ou trop serré pour être calculé) : ignoré. Merci de vérifier sa répétition (RRULE).";
            case TOO_MANY_SHIFTS -> en
                    ? "• more than " + l.limit() + " shifts in " + within + ": I only follow those starting before "
                    + day.format(until) + ", " + time.format(until) + "."
                    : "• plus de " + l.limit() + " services dans " + within + " : je ne suis que ceux qui commencent avant le "
                    + day.format(until) + ", " + time.format(until) + ".";
            case TOO_MANY_MEMBERS -> en
                    ? "• " + l.subject() + ": more than " + l.limit() + " members; only the first " + l.limit() + " are kept."
                    : "• " + l.subject() + " : plus de " + l.limit() + " participant·es ; seul·es les " + l.limit()
                    + " premier·es sont gardé·es.";
        };
    }

    /** A line of {@link #problems}: shifts of a team without a room get no team reminder. */
    String teamWithoutRoom(String team) {
        String t = team.isEmpty() ? (en ? "(none)" : "(aucune)") : quote(team);
        return en ? "• team " + t + ": not under teams, and no default_room: its shifts get no team reminder."
                : "• équipe " + t + " : absente de teams et pas de default_room : ses services n’ont pas de rappel d’équipe.";
    }

    String moreLeftOut(int n) {
        return en ? "• and " + n + " more (see the log)." : "• et " + n + " de plus (voir le journal).";
    }

    /** To the admins: what of the schedule needs a look; told once per problem. */
    String problems(String source, List<String> lines) {
        return (en ? "⚠️ Shift schedule (" + source + "), please check:\n"
                : "⚠️ Planning des services (" + source + "), à vérifier :\n") + String.join("\n", lines)
                + (en ? "\nThe rest of the schedule is followed as usual." : "\nLe reste du planning est suivi normalement.");
    }

    private String quote(String s) {
        return en ? "“" + s + "”" : "« " + s + " »";
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
