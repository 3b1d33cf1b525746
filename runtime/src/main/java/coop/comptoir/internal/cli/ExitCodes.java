package coop.comptoir.internal.cli;

/** The process's exit status. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything else: I/O, a failure while running. */
    public static final int FAILURE = 1;
    /** Invalid configuration or command line: fix the input, retrying will not help. */
    public static final int CONFIG = 2;

    private ExitCodes() {}
}
