/**
 * Message text as a network-neutral tree, and its Matrix side: read from and written to Matrix HTML
 * here, once, so that each connector only maps its own markup.
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link coop.comptoir.bridge.text.RichText} / {@link coop.comptoir.bridge.text.RichNode}: an
 *       immutable tree of inline nodes (text, line breaks, bold, italic, underline, strike,
 *       spoiler, inline code, links, user / room / everyone mentions, emoji) and blocks
 *       (paragraphs, quotes, headings, small print, code blocks, lists, table rows, rules).</li>
 *   <li>{@link coop.comptoir.bridge.text.MatrixHtmlReader}: a Matrix {@code formatted_body} to a
 *       tree (jsoup, an allow-list of tags, unsafe links and scripts dropped); or
 *       {@code readContent(content)} for the engine's {@code MatrixContent} (HTML, or the plain body when there is none).</li>
 *   <li>{@link coop.comptoir.bridge.text.MatrixHtmlWriter}: a tree to {@code body},
 *       {@code formatted_body} and {@code m.mentions.user_ids}
 *       ({@link coop.comptoir.bridge.text.MatrixMarkup}).</li>
 *   <li>{@link coop.comptoir.bridge.text.MentionDirectory}: what the connector knows of users,
 *       channels and emoji (read from caches; every method has a "knows nothing" default).</li>
 * </ul>
 *
 * <h2>Writing a connector's mapping</h2>
 * A connector writes two small classes, one per direction, and no HTML:
 * <ol>
 *   <li><b>Remote markup to the tree.</b> Parse your markup (by hand, no backtracking regex over
 *       the whole message) and build nodes. Keep what the user typed literal: escapes become plain
 *       {@code Text}. Mentions: put the remote ID in {@code UserMention.remote(id)} and
 *       {@code RoomMention.remote(id)}; the Matrix writer asks the directory for the ghost (or the
 *       relayed Matrix user) and its name, makes the pill and fills {@code m.mentions}; an unknown
 *       ID stays text ({@code @id}). Mass mentions ({@code @all}, {@code @here}, {@code @everyone})
 *       become {@code EveryoneMention}: Matrix never gets {@code @room} from a bridged message.
 *       Custom emoji: {@code new Emoji(":name:", mxcUriOrNull, yourSpelling)}; without an
 *       {@code mxc://} copy the writer shows {@code :name:}. Things Matrix has no node for
 *       (dates, roles, slash commands) are written out as {@code Text} by your reader.</li>
 *   <li><b>The tree to remote markup.</b> Walk the tree and write your syntax, escaping every
 *       {@code Text} so it shows literally. A {@code UserMention} read from Matrix carries the
 *       Matrix user, the remote ID when the user is one of your ghosts (from
 *       {@link coop.comptoir.bridge.text.MentionDirectory#remoteUser}) and the name to show;
 *       ping only the users the Matrix event lists in {@code m.mentions} (or all pills when it has
 *       no {@code m.mentions}), and write the others as inert text. Defuse every
 *       {@code EveryoneMention} and any literal mass mention in text. What your network cannot show
 *       degrades to its text: nested quotes flatten, headings beyond your levels clamp, table rows
 *       become cells joined by {@code |}, an unknown node is skipped.</li>
 * </ol>
 *
 * <p>Rocket.Chat, for instance: {@code *bold*} is {@code Styled(BOLD)}, {@code _italic_}
 * {@code Styled(ITALIC)}, {@code ~strike~} {@code Styled(STRIKE)}, {@code `code`} and
 * {@code ```lang} blocks {@code InlineCode} / {@code CodeBlock}, {@code > } lines a
 * {@code Quote}, {@code @username} {@code UserMention.remote("username")}, {@code @all} and
 * {@code @here} {@code EveryoneMention}, {@code :shortcode:} an {@code Emoji} (unicode when the
 * shortcode names one, else custom). Rocket.Chat has no underline or spoiler: write their
 * content plainly. The Discord mapping ({@code coop.comptoir.bridge.discord.format.DiscordReader}
 * and {@code DiscordWriter}) is a worked example.
 *
 * <h2>Contract</h2>
 * Readers and writers never throw on user input (any string, any HTML) and are thread-safe as
 * long as the directory is; they make no I/O. The directory is called on the converting thread;
 * an exception or a null from it counts as "unknown". Property: for the trees Matrix HTML can
 * express, writing to HTML and reading back gives the same tree (see the round-trip tests).
 */
package coop.comptoir.bridge.text;
