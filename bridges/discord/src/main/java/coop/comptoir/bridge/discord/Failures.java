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
        return map(t, what, DiscordTexts.EN);
    }

    /**
     * @param what  what was being done, for the English message ("posting in #general")
     * @param texts the language the main failures people can fix (a permission, a size, a channel)
     *              are told in: the engine shows the message in the room
     */
    static BridgeException map(Throwable t, String what, DiscordTexts texts) {
        boolean french = !texts.english();
        Throwable e = unwrap(t);
        if (e instanceof ErrorResponseException er) {
            return fromResponse(er, what, texts);
        }
        if (e instanceof RateLimitedException rl) {
            return BridgeException.retryable("Discord is rate-limiting " + what,
                    Duration.ofMillis(Math.max(0, rl.getRetryAfter())), null);
        }
        if (e instanceof InsufficientPermissionException ip) {
            return BridgeException.permanent(texts.text("failure.permission.named", "permission", ip.getPermission().getName())
                    + (french ? "" : " for " + what), null);
        }
        if (e instanceof MissingAccessException || e instanceof PermissionException) {
            return BridgeException.permanent(texts.text("failure.cannot.use.channel") + (french ? "" : " for " + what), null);
        }
        if (e instanceof IOException || e instanceof TimeoutException || e instanceof CancellationException
                || e instanceof RejectedExecutionException || e instanceof java.io.UncheckedIOException) {
            return BridgeException.retryable("Discord could not be reached for " + what, null, null);
        }
        if (e instanceof IllegalArgumentException && tooLong(e.getMessage())) {
            return BridgeException.permanent(text(texts, Text.TOO_LONG) + (french ? "" : ": " + what), null);
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
        return fromResponse(er, what, DiscordTexts.EN);
    }

    static BridgeException fromResponse(ErrorResponseException er, String what, DiscordTexts texts) {
        boolean french = !texts.english();
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
            return BridgeException.permanent(text(texts, known) + (french ? "" : ": " + what), null);
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

    /** The failures people can fix or understand, told in their language ({@link DiscordTexts}). */
    enum Text {
        MISSING_PERMISSION("failure.missing.permission"),
        MISSING_ACCESS("failure.missing.access"),
        FILE_TOO_LARGE("failure.file.too.large"),
        UNKNOWN_CHANNEL("failure.unknown.channel"),
        TOO_LONG("failure.too.long");

        final String key;

        Text(String key) {
            this.key = key;
        }
    }

    static String text(DiscordTexts texts, Text t) {
        return texts.text(t.key);
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
