/**
 * Message text conversion between Matrix ({@code m.room.message} HTML) and Discord (markdown).
 *
 * <p>Everything here is a pure function of its inputs: no network, no store, no JDA type. The
 * connector looks up what it knows (ghosts, portals, roles, uploaded emoji) behind the two small
 * resolver interfaces and calls:
 * <ul>
 *   <li>{@link coop.comptoir.bridge.discord.format.MatrixToDiscord#convert(MatrixText)} for a
 *       Matrix message going to Discord, then {@link coop.comptoir.bridge.discord.format.DiscordText#split()}
 *       if the result is longer than Discord's 2000 characters;</li>
 *   <li>{@link coop.comptoir.bridge.discord.format.DiscordToMatrix#convert(String)} for a Discord
 *       message going to Matrix.</li>
 * </ul>
 *
 * <p>Both go through the engine's network-neutral model ({@link coop.comptoir.bridge.text}): the
 * Matrix side (HTML read with jsoup, HTML and body written, pills and {@code m.mentions}) lives
 * there; this package holds only the Discord side: {@code MarkdownParser} and
 * {@code DiscordReader} (markdown to the model), {@code DiscordWriter} (the model to markdown,
 * with {@link coop.comptoir.bridge.discord.format.DiscordMarkdown} escaping), the splitter, and
 * the two resolvers, seen by the engine as a {@link coop.comptoir.bridge.text.MentionDirectory}.
 *
 * <p>Common contract: the converters never throw on user input (any string, any HTML, any
 * markdown); they are immutable and thread-safe as long as the resolver they were given is. The
 * resolvers are called on the converting thread and must not block for long: they are meant to
 * read caches, not to make requests.
 *
 * <p>Mass pings are refused in both directions: Discord {@code @everyone}/{@code @here} are defused
 * in text and {@link coop.comptoir.bridge.discord.format.DiscordText#allowedMentionsParse()} is
 * empty; a Matrix message built from Discord never carries {@code m.mentions.room} and its literal
 * {@code @room} is defused.
 */
package coop.comptoir.bridge.discord.format;
