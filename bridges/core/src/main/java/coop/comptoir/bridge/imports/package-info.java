/**
 * History from export files: a DiscordChatExporter JSON export or a Slack workspace export zip
 * imported into a Matrix room, oldest first, each message sent by a ghost named as in the export
 * with its original time ({@code ?ts=}), replies and threads kept, attachments uploaded when the
 * export holds them.
 *
 * <p>Formats followed (public descriptions, read for this reader, nothing copied):
 * <ul>
 *   <li>{@link coop.comptoir.bridge.imports.DiscordJsonReader}: the JSON output of
 *       DiscordChatExporter (Tyrrrz/DiscordChatExporter, its Readme and wiki): top-level
 *       {@code guild}, {@code channel}, {@code messages[]} each with {@code id}, {@code type},
 *       {@code timestamp} (ISO-8601 with offset), {@code content}, {@code author} ({@code id},
 *       {@code name}, {@code nickname}), {@code attachments[]} ({@code url}, {@code fileName};
 *       a relative path when exported with {@code --media}) and {@code reference.messageId} for
 *       replies.</li>
 *   <li>{@link coop.comptoir.bridge.imports.SlackZipReader}: Slack's "Export your workspace data"
 *       help article (slack.com/help/articles/201658943) and the message object of the Slack Web
 *       API: {@code users.json}, {@code channels.json}, one folder per channel with one
 *       {@code YYYY-MM-DD.json} array per day; messages with {@code user}, {@code text},
 *       {@code ts} (seconds.micros, also the message's ID), {@code thread_ts} (thread root) and
 *       {@code files[]}. Slack's export only links files; a file is uploaded when the zip also
 *       holds it under {@code __uploads/<file id>/<name>} (the layout of the common file
 *       downloaders), else its name and link are written in the message.</li>
 * </ul>
 *
 * <p>Matrix only appends: imported messages carry their original time but appear after the room's
 * creation. Import into a fresh room before members are invited.
 */
package coop.comptoir.bridge.imports;
