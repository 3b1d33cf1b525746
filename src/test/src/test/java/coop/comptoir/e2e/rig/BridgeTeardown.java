package coop.comptoir.e2e.rig;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.rocketchat.FakeRocketChat;

/**
 * How a bridge end-to-end class ends ({@code @AfterAll}): Comptoir's log is checked for the bridge
 * token, Comptoir stops, the fakes are checked against their spec, and they are closed whatever
 * failed before.
 */
public final class BridgeTeardown {
    private BridgeTeardown() {}

    /**
     * Checks and stops, in that order: Comptoir's log must not contain {@code token}; Comptoir stops;
     * Rocket.Chat then Discord have seen no request outside their spec; {@code afterChecks} runs (the
     * class's own checks). Then closes the fakes and {@code more}, even when a check failed. Any
     * argument may be null (a start that failed half-way). Blocks while Comptoir stops.
     *
     * @throws AssertionError when a check fails (after everything is closed)
     */
    public static void stop(ComptoirProcess comptoir, String token, FakeRocketChat rc, FakeDiscord discord,
            Runnable afterChecks, AutoCloseable... more) throws Exception {
        try {
            if (comptoir != null) {
                assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(token);
                comptoir.stop();
            }
            if (rc != null) {
                rc.assertNoSpecViolations();
            }
            if (discord != null) {
                discord.assertNoSpecViolations();
            }
            if (afterChecks != null) {
                afterChecks.run();
            }
        } finally {
            closeAll(concat(rc, discord, more));
        }
    }

    /**
     * Stops Comptoir (when there is one), then closes {@code then} in order, each even when what came
     * before failed; null entries are skipped. For a test that checks nothing more at the end (a fault
     * test, whose fakes and logs are asserted in the test itself). Blocks while Comptoir stops.
     *
     * @throws Exception the first failure, the others suppressed in it
     */
    public static void stopThenClose(ComptoirProcess comptoir, AutoCloseable... then) throws Exception {
        AutoCloseable stop = comptoir == null ? null : comptoir::stop;
        closeAll(concat(stop, null, then));
    }

    private static void closeAll(AutoCloseable... all) throws Exception {
        Exception failed = null;
        for (AutoCloseable closing : all) {
            try {
                if (closing != null) {
                    closing.close();
                }
            } catch (Exception e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static AutoCloseable[] concat(AutoCloseable first, AutoCloseable second, AutoCloseable... more) {
        AutoCloseable[] all = new AutoCloseable[more.length + 2];
        all[0] = first;
        all[1] = second;
        System.arraycopy(more, 0, all, 2, more.length);
        return all;
    }
}
