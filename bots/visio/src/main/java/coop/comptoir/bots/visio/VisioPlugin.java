package coop.comptoir.bots.visio;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.Html;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * A running visio instance: {@code !visio} answers in the room with the link of the room's meeting,
 * {@code !visio <topic>} with the link of a meeting of its own. Nothing runs between commands.
 */
final class VisioPlugin implements Plugin {
    /** A topic longer than this is cut (it is shown in the answer and names the meeting). */
    static final int TOPIC_MAX = 80;

    private final PluginContext context;
    private final VisioConfig config;
    private final VisioTexts texts;
    private final Meetings meetings;
    private final BigBlueButtonApi bigBlueButton;

    /** Creates the tables and registers the command. Blocks on the store. */
    VisioPlugin(PluginContext context, VisioConfig config, SecureRandom random) {
        this.context = context;
        this.config = config;
        this.texts = VisioTexts.of(config.language());
        this.meetings = new Meetings(context.database(), context.instanceId(), random);
        this.bigBlueButton = config.bigbluebutton() == null ? null
                : new BigBlueButtonApi(config.bigbluebutton(), context.http());
        meetings.migrate();
        String command = config.command();
        context.commands().register(new Command(command, config.commands().subList(1, config.commands().size()),
                VisioTexts.fill(VisioTexts.FR.help(), "command", command),
                VisioTexts.fill(VisioTexts.EN.help(), "command", command),
                Permission.EVERYONE, this::run));
    }

    /** Answers one {@code !visio [topic]}. Blocks on the homeserver, the store and (BigBlueButton) the video server. */
    private void run(CommandInvocation invocation) {
        RoomId room = invocation.room();
        String topic = topic(invocation.argumentText());
        String roomName = roomName(room);
        String meeting = meetings.nameFor(room, roomName, topic);
        String url;
        String note = null;
        if (bigBlueButton == null) {
            url = config.jitsiBase() + "/" + meeting;
        } else {
            String title = topic == null ? (roomName == null ? meeting : roomName) : topic;
            try {
                bigBlueButton.create(meeting, title);
            } catch (IOException e) {
                context.log().warn("BigBlueButton at {} did not create meeting {}: {}",
                        coop.comptoir.api.http.Addresses.origin(config.bigbluebutton().url()), meeting, e.getMessage());
                invocation.reply(texts.serverDown());
                return;
            }
            String who = displayName(room, invocation.sender());
            url = bigBlueButton.joinUrl(meeting, who);
            note = VisioTexts.fill(texts.personal(), "name", who, "command", invocation.name());
        }
        String plain = texts.announce(roomName, topic, url);
        String html = Html.escape(texts.announce(roomName, topic, "\u0000")).replace("\u0000", Html.link(url, url));
        if (note != null) {
            plain = plain + "\n" + note;
            html = html + "<br>" + Html.escape(note);
        }
        invocation.replyHtml(plain, html);
    }

    /** The topic typed after the command, on one line and cut to {@link #TOPIC_MAX}; null when none names a meeting. */
    static String topic(String argumentText) {
        String t = argumentText == null ? "" : argumentText.replaceAll("\\s+", " ").strip();
        if (t.length() > TOPIC_MAX) {
            t = t.substring(0, TOPIC_MAX).strip();
        }
        return Meetings.slug(t, 200).isEmpty() ? null : t;
    }

    /** The room's name ({@code m.room.name}), or null when it has none or it cannot be read. */
    private String roomName(RoomId room) {
        try {
            return context.matrix().getState(room, "m.room.name", "")
                    .map(c -> c.path("name").asText("").strip()).filter(n -> !n.isEmpty()).orElse(null);
        } catch (MatrixException e) {
            context.log().debug("No name for {}: {}", room, e.getMessage());
            return null;
        }
    }

    /** The sender's display name in the room, else their localpart. */
    private String displayName(RoomId room, UserId user) {
        try {
            return context.matrix().getState(room, "m.room.member", user.value())
                    .map(c -> c.path("displayname").asText("").strip()).filter(n -> !n.isEmpty())
                    .orElse(user.localpart());
        } catch (MatrixException e) {
            return user.localpart();
        }
    }
}
