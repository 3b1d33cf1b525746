package coop.comptoir.bots.shifts.source;

/**
 * A source's data is readable but wrong, e.g. {@code event "abc@coop": RRULE: unknown FREQ "WEEKY"}.
 * The message names the entry and the field, and never holds a secret.
 */
public class ShiftSourceException extends Exception {
    public ShiftSourceException(String message) {
        super(message);
    }

    public ShiftSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
