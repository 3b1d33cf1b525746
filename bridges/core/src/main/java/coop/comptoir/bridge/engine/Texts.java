package coop.comptoir.bridge.engine;

import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the bridge says in rooms: the {@value #BUNDLE} catalogue ({@code texts/bridge_*.properties}). */
final class Texts {
    static final String BUNDLE = "bridge";

    private final Catalogue c;
    private final boolean en;
    private final String network;
    private final ZoneId zone;

    /**
     * @throws coop.comptoir.api.plugin.ConfigException when the language has no texts or an override is broken
     */
    Texts(TextSettings settings, String networkName, ZoneId zone) {
        this(Catalogue.load(BUNDLE, Texts.class, settings), networkName, zone);
    }

    /** Shipped texts in {@code language}. */
    Texts(String language, String networkName, ZoneId zone) {
        this(TextSettings.DEFAULT.withLanguage(language), networkName, zone);
    }

    private Texts(Catalogue c, String networkName, ZoneId zone) {
        this.c = c;
        this.en = "en".equals(c.language());
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

    private String t(String key, Object... args) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "network";
        all[args.length + 1] = network;
        return c.text(key, all);
    }

    String size(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        if (mb >= 1) {
            return c.text("size.mb", "mb", String.format(c.locale(), "%.1f", mb));
        }
        long kb = Math.max(1, Math.round(bytes / 1024.0));
        return c.text("size.kb", "kb", String.valueOf(kb));
    }

    /** "1 message", "1 200 messages" (French: "0 message" too). */
    String messages(long n) {
        return c.text("messages", "n", n, "count", count(n));
    }

    String count(long n) {
        return String.format(c.locale(), "%,d", n).replace('\u202f', '\u00a0');
    }

    String time(long epochMillis) {
        return DateTimeFormatter.ofPattern(c.text("format.time")).withZone(zone).format(Instant.ofEpochMilli(epochMillis));
    }

    String date(long epochMillis) {
        return DateTimeFormatter.ofPattern(c.text("format.date")).withZone(zone).format(Instant.ofEpochMilli(epochMillis));
    }

    // --- delivery -------------------------------------------------------------------------------

    String notSentToRemote(String reason) {
        return t("not.sent.to.remote", "reason", reason);
    }

    String notSentToMatrix(String reason) {
        return t("not.sent.to.matrix", "reason", reason);
    }

    /** {@code size} is -1 when only "more than {@code max}" is known. */
    String fileTooBigForRemote(String file, long size, long max) {
        return t("file.too.big.for.remote", "file", file, "size", size < 0 ? "" : " (" + size(size) + ")", "max", size(max));
    }

    /** What the remote side reads instead of a file it cannot take; {@code size} is -1 when unknown. */
    String fileNotCarriedRemote(String file, long size) {
        return t("file.not.carried.remote", "file", file, "size", size < 0 ? "" : size(size) + ", ");
    }

    /** A remote file shown as a link: {@code tooLarge} when over the homeserver's limit, else it could not be fetched. */
    String fileNotCarriedMatrix(String file, long size, String url, boolean tooLarge) {
        return t(tooLarge ? "file.not.carried.matrix.too.large" : "file.not.carried.matrix", "file", file,
                "size", size < 0 ? "" : " (" + size(size) + ")", "url", url);
    }

    /** The line ending a remote message cut to fit one Matrix event: how much of it is shown. */
    String cutForMatrix(long shown, long total) {
        return t("text.cut.for.matrix", "shown", count(shown), "total", count(total));
    }

    String filesNotCarried() {
        return t("files.not.carried");
    }

    String editsNotCarried() {
        return t("edits.not.carried");
    }

    String deletionsNotCarried() {
        return t("deletions.not.carried");
    }

    /** Told under a Matrix message whose remote copy was deleted there, when the original is kept. */
    String deletedRemotely() {
        return t("deleted.remotely");
    }

    String encryptedNotCarried() {
        return t("encrypted.not.carried");
    }

    // --- commands -------------------------------------------------------------------------------

    String help() {
        return t("help");
    }

    String usage() {
        return t("usage");
    }

    /** The refusal of link and import to anyone but Comptoir's configured administrators; says nothing of the channel. */
    String linkForConfiguredAdmins() {
        return t("link.for.configured.admins");
    }

    String encryptedRoomNotLinked() {
        return t("encrypted.room.not.linked");
    }

    String encryptedPortal() {
        return t("encrypted.portal");
    }

    String otherSideNotEncrypted() {
        return t("encrypted.other.side");
    }

    String linked(String channelName) {
        return t("linked", "channel", channelName);
    }

    String unknownChannel(String id) {
        return t("unknown.channel", "id", id);
    }

    String roomAlreadyLinked(String channel) {
        return t("room.already.linked", "channel", channel);
    }

    String channelAlreadyLinked(String channel) {
        return t("channel.already.linked", "channel", channel);
    }

    String unlinked() {
        return t("unlinked");
    }

    String notLinked() {
        return t("not.linked");
    }

    // --- sub-channels (discussions) -----------------------------------------------------------------

    /** The notice in the parent room; {@code room} is the new room's name and link (plain text or HTML). */
    String subChannelOpened(String room) {
        return t("discussion.opened", "room", room);
    }

    String subChannelTopic() {
        return t("discussion.topic");
    }

    String subChannelsNotSupported() {
        return t("discussion.not.supported");
    }

    String subChannelUsage() {
        return t("discussion.usage");
    }

    String subChannelCreated(String name) {
        return t("discussion.created", "name", name);
    }

    String subChannelFailed(String reason) {
        return t("discussion.failed", "reason", reason);
    }

    /** For {@code !bridge status}: the discussions existing before the link, not bridged yet. */
    String subChannelsWaiting(int count, String names) {
        return t("discussions.waiting", "n", count, "names", names);
    }

    String subChannelsBrought(int count) {
        return t("discussions.brought", "n", count);
    }

    String linkInConfig() {
        return t("link.in.config");
    }

    String lookupFailed(String reason) {
        return t("lookup.failed", "reason", reason);
    }

    String unknownNetwork(String given, String known) {
        return t("unknown.network", "given", given, "known", known);
    }

    String statusHeader(String channel, boolean connected, String detail) {
        return t("status.header", "channel", channel, "connected", connected ? "yes" : "no",
                "detail", detail == null || detail.isBlank() ? "" : " (" + detail + ")");
    }

    String lastToRemote(String when) {
        return t("last.to.remote", "when", when);
    }

    String lastToMatrix(String when) {
        return t("last.to.matrix", "when", when);
    }

    String never() {
        return t("never");
    }

    String queues(int toRemote, int toMatrix) {
        return t("queues", "toRemote", String.valueOf(toRemote), "toMatrix", String.valueOf(toMatrix));
    }

    String lastError(String error, String when) {
        return t("last.error", "error", error, "when", when);
    }

    String noError() {
        return t("no.error");
    }

    String importNotSupported() {
        return t("import.not.supported");
    }

    String importRunning() {
        return t("import.running");
    }

    String importAlreadyDone(long count) {
        return t("import.already.done", "messages", messages(count));
    }

    String importResumed(long count) {
        return t("import.resumed", "messages", messages(count));
    }

    String importStatus(long count, boolean running) {
        return t("import.status", "messages", messages(count), "running", running ? "yes" : "no");
    }

    String importStarted() {
        return t("import.started");
    }

    String importProgress(long count, long lastTs) {
        return t("import.progress", "messages", messages(count), "date", date(lastTs));
    }

    String importDone(long count) {
        return t("import.done", "messages", messages(count), "n", count);
    }

    String importFailed(String reason) {
        return t("import.failed", "reason", reason);
    }

    // --- retirement -----------------------------------------------------------------------------

    String retireOfferImport() {
        return t("retire.offer.import");
    }

    String retireImportRunning() {
        return t("retire.import.running");
    }

    /** The final notice posted on the old side (the coop's address, tu or vous). */
    String retireNotice(String link, String end) {
        return t("retire.notice", "link", link, "end", end);
    }

    /** The reply on the old side to someone who wrote there during the grace period. */
    String retireMoved(String link) {
        return t("retire.moved", "link", link);
    }

    String retireStarted(String end) {
        return t("retire.started", "end", end);
    }

    String retireStartedNoNotice(String end) {
        return t("retire.started.no.notice", "end", end);
    }

    String retireNoticeFailed(String reason, String end) {
        return t("retire.notice.failed", "reason", reason, "end", end);
    }

    String retireAlready(String end) {
        return t("retire.already", "end", end);
    }

    String retireCancelled() {
        return t("retire.cancelled");
    }

    String retireNotRetiring() {
        return t("retire.not.retiring");
    }

    String retireStatus(String end) {
        return t("retire.status", "end", end);
    }

    String retireClosed(String channel) {
        return t("retire.closed", "channel", channel);
    }

    // --- remote channels changed ----------------------------------------------------------------

    /** Posted in a portal's room when its remote channel was deleted. */
    String channelDeleted(String channel) {
        return t("channel.deleted", "channel", channel);
    }

    String channelArchived(String channel) {
        return t("channel.archived", "channel", channel);
    }
}
