package coop.comptoir.internal.encryption;

/** What Comptoir says in an encrypted room, French first. Plain text: it must read well everywhere. */
final class NoticeTexts {
    private NoticeTexts() {}

    /**
     * The one notice of an encrypted room.
     *
     * @param language {@code commands.language}: {@code en}, else French
     * @param prefix   {@code commands.prefix}, to name the help command as members type it
     */
    static String notice(String language, String prefix) {
        return "en".equals(language)
                ? "Hello! This room is end-to-end encrypted. I can still post reminders and announcements here, "
                        + "but I cannot read encrypted messages yet, so commands such as " + prefix + "help get no answer "
                        + "here. To talk to me, use an unencrypted room."
                : "Bonjour ! Ce salon est chiffré de bout en bout. J'y publie volontiers rappels et annonces, "
                        + "mais je ne sais pas encore lire les messages chiffrés : ici, les commandes comme " + prefix
                        + "aide restent sans réponse. Pour me parler, utilisez un salon non chiffré.";
    }
}
