package coop.comptoir.bridge.imports;

/** An export file that cannot be read: {@link #getMessage()} says where (file, key path) and why. */
public final class ExportFormatException extends Exception {
    /** A reading error at {@code where} (a file name and key path), for {@code why}. */
    public ExportFormatException(String where, String why) {
        super(where + ": " + why);
    }

    /** As {@link #ExportFormatException(String, String)}, keeping the underlying cause. */
    public ExportFormatException(String where, String why, Throwable cause) {
        super(where + ": " + why, cause);
    }
}
