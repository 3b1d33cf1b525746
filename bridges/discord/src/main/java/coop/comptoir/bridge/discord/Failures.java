package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.exceptions.MissingAccessException;
import net.dv8tion.jda.api.exceptions.PermissionException;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.ErrorResponse;

/**
 * JDA's failures as the engine understands them: retry later (Discord down, slow, rate-limiting)
 * or never (forbidden, gone, too big). Messages are plain and never hold a token or a URL with one.
 */
final class Failures {
    private Failures() {}

    /** @param what what was being done, for the message ("posting in #general") */
    static BridgeException map(Throwable t, String what) {
        return map(t, what, false);
    }

    /**
     * @param what   what was being done, for the English message ("posting in #general")
     * @param french whether the main failures people can fix (a permission, a size, a channel) are
     *               told in French: the engine shows the message in the room
     */
    static BridgeException map(Throwable t, String what, boolean french) {
        Throwable e = unwrap(t);
        if (e instanceof ErrorResponseException er) {
            return fromResponse(er, what, french);
        }
        if (e instanceof RateLimitedException rl) {
            return BridgeException.retryable("Discord is rate-limiting " + what,
                    Duration.ofMillis(Math.max(0, rl.getRetryAfter())), null);
        }
        if (e instanceof InsufficientPermissionException ip) {
            return BridgeException.permanent(french
                    ? "il manque au bot la permission « " + ip.getPermission().getName() + " » sur Discord"
                    : "the bot lacks the " + ip.getPermission().getName() + " permission on Discord for " + what, null);
        }
        if (e instanceof MissingAccessException || e instanceof PermissionException) {
            return BridgeException.permanent(french ? "le bot ne peut pas voir ou utiliser ce salon Discord"
                    : "the bot cannot see or use the Discord channel for " + what, null);
        }
        if (e instanceof IOException || e instanceof TimeoutException || e instanceof CancellationException
                || e instanceof RejectedExecutionException || e instanceof java.io.UncheckedIOException) {
            return BridgeException.retryable("Discord could not be reached for " + what, null, null);
        }
        if (e instanceof IllegalArgumentException && tooLong(e.getMessage())) {
            return BridgeException.permanent(text(french, Text.TOO_LONG) + (french ? "" : ": " + what), null);
        }
        if (e instanceof IllegalArgumentException) {
            // JDA's own checks before any request (content too long, bad emoji, …): sending again won't help.
            return BridgeException.permanent("Discord would refuse " + what + ": " + safe(e.getMessage()), null);
        }
        if (e instanceof InterruptedException) {
            return BridgeException.retryable("interrupted while " + what, null, null);
        }
        // Anything else is a bug or a state that sending again will not change: retrying it forever
        // would hold every later message of the room behind it.
        return BridgeException.permanent("unexpected failure " + what + " (" + e.getClass().getSimpleName() + ")", null);
    }

    static BridgeException fromResponse(ErrorResponseException er, String what) {
        return fromResponse(er, what, false);
    }

    static BridgeException fromResponse(ErrorResponseException er, String what, boolean french) {
        int status = er.getResponse() == null ? -1 : er.getResponse().code;
        if (er.isServerError() || status >= 500 || status == -1 || er.getErrorResponse() == ErrorResponse.SERVER_ERROR) {
            return BridgeException.retryable("Discord is unavailable (" + (status > 0 ? "HTTP " + status : "no answer")
                    + ") for " + what, null, null);
        }
        if (status == 429) {
            long after = er.getResponse().retryAfter;
            return BridgeException.retryable("Discord is rate-limiting " + what, after > 0 ? Duration.ofMillis(after) : null, null);
        }
        ErrorResponse r = er.getErrorResponse();
        Text known = switch (r) {
            case UNKNOWN_CHANNEL -> Text.UNKNOWN_CHANNEL;
            case MISSING_ACCESS -> Text.MISSING_ACCESS;
            case MISSING_PERMISSIONS -> Text.MISSING_PERMISSION;
            case REQUEST_ENTITY_TOO_LARGE, FILE_UPLOAD_MAX_SIZE_EXCEEDED -> Text.FILE_TOO_LARGE;
            case INVALID_FORM_BODY -> tooLong(er.getMessage()) ? Text.TOO_LONG : null;
            default -> null;
        };
        if (known != null) {
            return BridgeException.permanent(text(french, known) + (french ? "" : ": " + what), null);
        }
        String reason = switch (r) {
            case UNKNOWN_MESSAGE -> "the Discord message no longer exists";
            case UNKNOWN_WEBHOOK -> "the bridge's webhook was deleted on Discord";
            case MAX_WEBHOOKS -> "the Discord channel already has the most webhooks it may have";
            case THREAD_LOCKED, ILLEGAL_OPERATION_ARCHIVED_THREAD -> "the Discord thread is locked or archived";
            default -> "Discord refused it (" + status + ", " + safe(er.getMeaning()) + ")";
        };
        return BridgeException.permanent(reason + ": " + what, null);
    }

    /** The failures people can fix or understand, told in their language. */
    enum Text {
        MISSING_PERMISSION("the bot lacks a permission on Discord (it needs View Channel, Send Messages, "
                + "Manage Webhooks, Read Message History, Add Reactions, Create Public Threads)",
                "il manque une permission au bot sur Discord (il lui faut : Voir le salon, Envoyer des messages, "
                + "Gérer les webhooks, Voir les anciens messages, Ajouter des réactions, Créer des fils publics)"),
        MISSING_ACCESS("the bot cannot see the Discord channel", "le bot ne peut pas voir le salon Discord"),
        FILE_TOO_LARGE("the file is too large for Discord", "le fichier est trop lourd pour Discord"),
        UNKNOWN_CHANNEL("the Discord channel no longer exists", "le salon Discord n'existe plus"),
        TOO_LONG("the message is too long for Discord", "le message est trop long pour Discord");

        final String english;
        final String french;

        Text(String english, String french) {
            this.english = english;
            this.french = french;
        }
    }

    static String text(boolean french, Text t) {
        return french ? t.french : t.english;
    }

    /** Whether a refusal is about a text over Discord's length limit (JDA's check, or Discord's form error). */
    private static boolean tooLong(String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("longer than") || m.contains("base_type_max_length") || m.contains("or fewer in length");
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof RuntimeException && !(e instanceof ErrorResponseException) && e.getCause() instanceof IOException io) {
            return io;
        }
        return e;
    }

    private static final java.util.regex.Pattern WEBHOOK_PATH =
            java.util.regex.Pattern.compile("(webhooks/\\d+/)[^/\\s?#\"']+");
    private static final java.util.regex.Pattern BOT_TOKEN =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{20,}");

    /**
     * Drops anything that looks like a secret or an address from a message meant for people or logs:
     * URLs, a webhook's token in a {@code webhooks/{id}/{token}} path, bot tokens (three dot-separated
     * base64url parts) and any other long token-like run.
     */
    static String safe(String message) {
        if (message == null) {
            return "";
        }
        String s = WEBHOOK_PATH.matcher(message).replaceAll("$1***");
        s = BOT_TOKEN.matcher(s).replaceAll("***");
        return s.replaceAll("https?://\\S+", "<address>").replaceAll("[A-Za-z0-9_-]{40,}", "***");
    }

    /**
     * A copy of {@code t} for the logs: the same classes' names, stack frames and causes, with every
     * message passed through {@link #safe}. JDA's exceptions may quote a route with a webhook token.
     */
    static Throwable cleaned(Throwable t) {
        return cleaned(t, 0);
    }

    private static Throwable cleaned(Throwable t, int depth) {
        Throwable copy = new CleanedException(t.getClass().getName() + ": " + safe(t.getMessage()));
        copy.setStackTrace(t.getStackTrace());
        if (t.getCause() != null && t.getCause() != t && depth < 8) {
            copy.initCause(cleaned(t.getCause(), depth + 1));
        }
        return copy;
    }

    /** Stands for a logged exception whose message was cleaned; its text starts with the original class. */
    static final class CleanedException extends RuntimeException {
        CleanedException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
