package coop.comptoir.api.command;

import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.List;
import java.util.Locale;

/** One use of a command: who, where, with what arguments; {@link #reply} answers in the room. */
public interface CommandInvocation {
    MatrixEvent event();

    default RoomId room() {
        return event().roomId();
    }

    default UserId sender() {
        return event().sender();
    }

    /** The name as typed (an alias maybe), lower case. */
    String name();

    /** Everything after the name, trimmed. */
    String argumentText();

    /**
     * Whether the sender holds {@code permission} here, by the router's rule (configured admins
     * always; {@link Permission#CONFIGURED_ADMINS} nobody else; otherwise the sender's power level in
     * this room). For a command whose sub-commands need more than the command itself. May block (it
     * may read the room's power levels). Implementations outside the router answer only
     * {@link Permission#EVERYONE}.
     */
    default boolean senderHas(Permission permission) {
        return permission.isEveryone();
    }

    /** The arguments split on white space. */
    List<String> arguments();

    /** The language the command was asked in (French for French names and aliases). */
    Locale locale();

    /** Answers in the room as a notice replying to the command; idempotent on the command's event. */
    void reply(String text);

    /** Same with HTML. */
    void replyHtml(String plain, String html);
}
