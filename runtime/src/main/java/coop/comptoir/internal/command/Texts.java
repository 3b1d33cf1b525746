package coop.comptoir.internal.command;

import java.util.Locale;

/** The router's own answers, French first. */
final class Texts {
    private Texts() {}

    static String unknown(Locale l, String prefix, String name) {
        return l == Locale.ENGLISH
                ? "I don't know \"" + name + "\". Type " + prefix + "help to see what I can do."
                : "Je ne connais pas « " + name + " ». Tapez " + prefix + "aide pour voir ce que je sais faire.";
    }

    /** The refusal for a command the sender may not run: Comptoir's admins, the room's admins (100) or moderators. */
    static String notAllowed(Locale l, coop.comptoir.api.command.Permission p) {
        if (p.configuredAdminsOnly()) {
            return configuredAdminsOnly(l);
        }
        if (p.minPowerLevel() >= 100) {
            return l == Locale.ENGLISH
                    ? "Sorry, this command is for the room's administrators (power level 100)."
                    : "Désolé, cette commande est réservée aux administratrices et administrateurs du salon (niveau 100).";
        }
        return l == Locale.ENGLISH
                ? "Sorry, this command is for the room's moderators."
                : "Désolé, cette commande est réservée aux modératrices et modérateurs du salon.";
    }

    static String failed(Locale l) {
        return l == Locale.ENGLISH
                ? "Oops, something went wrong. The tech team can find the details in the logs."
                : "Oups, quelque chose s'est mal passé. L'équipe technique trouvera les détails dans les journaux.";
    }

    /** The refusal for what only Comptoir's configured administrators ({@code commands.admins}) may do. */
    static String configuredAdminsOnly(Locale l) {
        return l == Locale.ENGLISH
                ? "Sorry, this is for Comptoir's administrators (commands.admins in the configuration)."
                : "Désolé, c'est réservé aux administratrices et administrateurs de Comptoir (commands.admins dans la configuration).";
    }
}
