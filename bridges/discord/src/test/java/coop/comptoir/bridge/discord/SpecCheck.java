package coop.comptoir.bridge.discord;

import coop.comptoir.testing.discord.DiscordSpec;
import coop.comptoir.testing.discord.FakeDiscord;

/**
 * Whether requests to the fake Discord are checked against Discord's API description, read in place
 * from {@code ../shared}. A user's clone without it still runs the tests, with a clear note that
 * this check is skipped; CI must have it.
 */
final class SpecCheck {
    private static volatile boolean told;

    private SpecCheck() {}

    /** Fails (or says it is skipped) when the fake started without the spec. */
    static void require(FakeDiscord discord) {
        if (discord.spec().isPresent()) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but Discord's API description is missing (" + DiscordSpec.RELATIVE_PATH
                    + " under -D" + DiscordSpec.SHARED_DIR_PROPERTY + ")");
        }
        if (!told) {
            told = true;
            System.out.println("skipped: requests are not checked against Discord's API description (" + DiscordSpec.RELATIVE_PATH
                    + " not found; set -D" + DiscordSpec.SHARED_DIR_PROPERTY + "=<path to shared>)");
        }
    }
}
