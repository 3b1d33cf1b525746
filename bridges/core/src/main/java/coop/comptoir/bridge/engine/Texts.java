package coop.comptoir.bridge.engine;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the bridge says in rooms, in French (default) or English. */
final class Texts {
    private final boolean en;
    private final String network;
    private final ZoneId zone;

    Texts(String language, String networkName, ZoneId zone) {
        this.en = "en".equals(language);
        this.network = networkName.isEmpty() ? networkName
                : Character.toUpperCase(networkName.charAt(0)) + networkName.substring(1);
        this.zone = zone;
    }

    boolean english() {
        return en;
    }

    /** The network's name as shown to people ({@code Discord}). */
    String network() {
        return network;
    }

    String size(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        if (mb >= 1) {
            return en ? String.format(Locale.ENGLISH, "%.1f MB", mb) : String.format(Locale.FRENCH, "%.1f Mo", mb);
        }
        long kb = Math.max(1, Math.round(bytes / 1024.0));
        return en ? kb + " KB" : kb + " Ko";
    }

    /** "1 message", "1 200 messages" (French: "0 message" too). */
    String messages(long n) {
        return count(n) + (n > 1 || (en && n == 0) ? " messages" : " message");
    }

    String count(long n) {
        return en ? String.format(Locale.ENGLISH, "%,d", n) : String.format(Locale.FRENCH, "%,d", n).replace('\u202f', '\u00a0');
    }

    String time(long epochMillis) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(en ? "yyyy-MM-dd HH:mm" : "dd/MM/yyyy HH:mm").withZone(zone);
        return f.format(Instant.ofEpochMilli(epochMillis));
    }

    String date(long epochMillis) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(en ? "yyyy-MM-dd" : "dd/MM/yyyy").withZone(zone);
        return f.format(Instant.ofEpochMilli(epochMillis));
    }

    // --- delivery -------------------------------------------------------------------------------

    String notSentToRemote(String reason) {
        return en ? "This message could not be sent to " + network + ": " + reason
                : "Ce message n'a pas pu être transmis sur " + network + " : " + reason;
    }

    String notSentToMatrix(String reason) {
        return en ? "A message from " + network + " could not be copied here: " + reason
                : "Un message de " + network + " n'a pas pu être copié ici : " + reason;
    }

    /** {@code size} is -1 when only "more than {@code max}" is known. */
    String fileTooBigForRemote(String file, long size, long max) {
        String s = size < 0 ? "" : " (" + size(size) + ")";
        return en ? "The file \"" + file + "\"" + s + " is too large for " + network + " (" + size(max)
                + " at most): only its name was sent there."
                : "Le fichier « " + file + " »" + s + " est trop lourd pour " + network + " (" + size(max)
                + " au plus) : seul son nom y a été transmis.";
    }

    /** What the remote side reads instead of a file it cannot take; {@code size} is -1 when unknown. */
    String fileNotCarriedRemote(String file, long size) {
        String s = size < 0 ? "" : size(size) + ", ";
        return en ? "📎 " + file + " (" + s + "too large to be copied from Matrix)"
                : "📎 " + file + " (" + s + "trop lourd pour être copié depuis Matrix)";
    }

    /** What Matrix reads instead of a remote file it cannot take. */
    /** A remote file shown as a link: {@code tooLarge} when over the homeserver's limit, else it could not be fetched. */
    String fileNotCarriedMatrix(String file, long size, String url, boolean tooLarge) {
        String s = size < 0 ? "" : " (" + size(size) + ")";
        if (tooLarge) {
            return en ? "📎 " + file + s + ", too large to be copied here: " + url
                    : "📎 " + file + s + ", trop lourd pour être copié ici : " + url;
        }
        return en ? "📎 " + file + s + ", could not be copied here: " + url
                : "📎 " + file + s + ", n'a pas pu être copié ici : " + url;
    }

    String filesNotCarried() {
        return en ? "Files are not carried to " + network + " by this bridge: only their names are sent."
                : "Les fichiers ne sont pas transmis sur " + network + " par ce pont : seul leur nom y est envoyé.";
    }

    String editsNotCarried() {
        return en ? "Edits are not carried to " + network + ": the first version stays there."
                : "Les modifications ne sont pas transmises sur " + network + " : la première version y reste.";
    }

    String deletionsNotCarried() {
        return en ? "Deletions are not carried to " + network + ": the message stays there."
                : "Les suppressions ne sont pas transmises sur " + network + " : le message y reste.";
    }

    /** Told under a Matrix message whose remote copy was deleted there, when the original is kept. */
    String deletedRemotely() {
        return en ? "This message was deleted on " + network + "; it stays visible here."
                : "Ce message a été supprimé sur " + network + " ; il reste visible ici.";
    }

    String encryptedNotCarried() {
        return en ? "Encrypted files cannot be carried to " + network + "."
                : "Les fichiers chiffrés ne peuvent pas être transmis sur " + network + ".";
    }

    // --- commands -------------------------------------------------------------------------------

    String help() {
        return en ? "bridge: link (link <network> <channel-id>), unlink, status, import"
                : "pont : relier (link <réseau> <id-du-salon>), délier (unlink), état (status), import";
    }

    String usage() {
        return en ? "Usage: !bridge link <network> <channel-id> | !bridge unlink | !bridge status | !bridge import"
                : "Utilisation : !bridge link <réseau> <id-du-salon> | !bridge unlink | !bridge status | !bridge import";
    }

    /** The refusal of link and import to anyone but Comptoir's configured administrators; says nothing of the channel. */
    String linkForConfiguredAdmins() {
        return en ? "Sorry: linking a room and importing a history are for Comptoir's administrators"
                + " (commands.admins in the configuration)."
                : "Désolé : relier un salon et importer un historique sont réservés aux administratrices et administrateurs"
                + " de Comptoir (commands.admins dans la configuration).";
    }

    String encryptedRoomNotLinked() {
        return en ? "This room is encrypted, and I cannot read encrypted messages yet: nothing written here would reach "
                + network + ". Create a room without encryption (turn off end-to-end encryption when creating it: it cannot"
                + " be turned off afterwards), invite me there and type !bridge link in it."
                : "Ce salon est chiffré, et je ne sais pas encore lire les messages chiffrés : rien de ce qui s'écrit ici"
                + " n'arriverait sur " + network + ". Créez un salon sans chiffrement (désactivez le chiffrement de bout en bout"
                + " à la création : on ne peut plus le retirer ensuite), invitez-moi et tapez-y !bridge link.";
    }

    String encryptedPortal() {
        return en ? "⚠ This room is encrypted: I cannot read encrypted messages yet, so nothing from here reaches " + network
                + " any more. Link an unencrypted room instead (!bridge unlink here, then !bridge link in the new room)."
                : "⚠ Ce salon est chiffré : je ne sais pas encore lire les messages chiffrés, donc plus rien d'ici n'arrive sur "
                + network + ". Reliez plutôt un salon sans chiffrement (!bridge unlink ici, puis !bridge link dans le nouveau salon).";
    }

    String linked(String channelName) {
        return en ? "Room linked to #" + channelName + " on " + network + "."
                : "Salon relié à #" + channelName + " sur " + network + ".";
    }

    String unknownChannel(String id) {
        return en ? "I cannot find the channel " + id + " on " + network + " (is the bot a member, and the ID right?)."
                : "Je ne trouve pas le salon " + id + " sur " + network + " (le bot y a-t-il accès, l'identifiant est-il juste ?).";
    }

    String roomAlreadyLinked(String channel) {
        return en ? "This room is already linked to " + network + " (channel " + channel + "). Unlink it first: !bridge unlink"
                : "Ce salon est déjà relié à " + network + " (salon " + channel + "). Déliez-le d'abord : !bridge unlink";
    }

    String channelAlreadyLinked(String channel) {
        return en ? "The " + network + " channel " + channel + " is already linked to another room."
                : "Le salon " + network + " " + channel + " est déjà relié à un autre salon.";
    }

    String unlinked() {
        return en ? "Room unlinked from " + network + ": nothing crosses any more."
                : "Salon délié de " + network + " : plus rien ne passe.";
    }

    String notLinked() {
        return en ? "This room is not linked to " + network + "." : "Ce salon n'est pas relié à " + network + ".";
    }

    String linkInConfig() {
        return en ? "This link is written in the configuration file: remove it there."
                : "Ce lien est écrit dans le fichier de configuration : c'est là qu'il faut le retirer.";
    }

    String lookupFailed(String reason) {
        return en ? network + " did not answer: " + reason + ". Try again later."
                : network + " n'a pas répondu : " + reason + ". Réessayez plus tard.";
    }

    String unknownNetwork(String given, String known) {
        return en ? "Unknown network \"" + given + "\". Available: " + known
                : "Réseau inconnu « " + given + " ». Disponible(s) : " + known;
    }

    String statusHeader(String channel, boolean connected, String detail) {
        String state = connected ? (en ? "connected" : "connecté") : (en ? "disconnected" : "déconnecté");
        String d = detail == null || detail.isBlank() ? "" : " (" + detail + ")";
        return en ? network + " channel " + channel + " — " + state + d
                : "Salon " + network + " " + channel + " — " + state + d;
    }

    String lastToRemote(String when) {
        return en ? "Last message to " + network + ": " + when : "Dernier message vers " + network + " : " + when;
    }

    String lastToMatrix(String when) {
        return en ? "Last message from " + network + ": " + when : "Dernier message depuis " + network + " : " + when;
    }

    String never() {
        return en ? "none yet" : "aucun pour l'instant";
    }

    String queues(int toRemote, int toMatrix) {
        return en ? "Waiting: " + toRemote + " to " + network + ", " + toMatrix + " to Matrix"
                : "En attente : " + toRemote + " vers " + network + ", " + toMatrix + " vers Matrix";
    }

    String lastError(String error, String when) {
        return en ? "Last error (" + when + "): " + error : "Dernière erreur (" + when + ") : " + error;
    }

    String noError() {
        return en ? "No error." : "Aucune erreur.";
    }

    String importNotSupported() {
        return en ? network + " does not let me read past messages: no import possible."
                : network + " ne me laisse pas lire les anciens messages : pas d'import possible.";
    }

    String importRunning() {
        return en ? "An import is already running in this room." : "Un import est déjà en cours dans ce salon.";
    }

    String importAlreadyDone(long count) {
        return en ? "The history was already imported (" + messages(count) + "); new messages cross live."
                : "L'historique a déjà été importé (" + messages(count) + ") ; les nouveaux messages passent en direct.";
    }

    String importResumed(long count) {
        return en ? "Import: resuming after " + messages(count) + "…" : "Import : je reprends après " + messages(count) + "…";
    }

    String importStatus(long count, boolean running) {
        return en ? "Import: " + messages(count) + " (" + (running ? "running" : "interrupted") + ")"
                : "Import : " + messages(count) + " (" + (running ? "en cours" : "interrompu") + ")";
    }

    String importStarted() {
        return en ? "Import: starting from the beginning of the " + network + " channel…"
                : "Import : je commence au début du salon " + network + "…";
    }

    String importProgress(long count, long lastTs) {
        return en ? "Import: " + messages(count) + " so far (up to " + date(lastTs) + ")…"
                : "Import : " + messages(count) + " jusqu'ici (jusqu'au " + date(lastTs) + ")…";
    }

    String importDone(long count) {
        return en ? "Import finished: " + messages(count) + " copied from " + network + "."
                : "Import terminé : " + messages(count) + (count > 1 ? " copiés" : " copié") + " depuis " + network + ".";
    }

    String importFailed(String reason) {
        return en ? "Import stopped: " + reason + ". Run !bridge import again to resume."
                : "Import interrompu : " + reason + ". Relancez !bridge import pour reprendre.";
    }
}
