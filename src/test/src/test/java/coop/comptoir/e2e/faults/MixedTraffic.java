package coop.comptoir.e2e.faults;

import coop.comptoir.e2e.plugin.WitnessPlugin;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.testing.discord.FakeDiscord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The three kinds of traffic the bridge fault scenarios send in turn, each recorded in the ledger:
 * a witness command in the command room, a Matrix message in the bridged room (to cross to Discord),
 * a message said on Discord in the linked channel (to cross to Matrix).
 *
 * @param discordUserId who speaks on Discord
 */
record MixedTraffic(FaultLedger ledger, MatrixTestClient alice, String commandRoom, String bridgedRoom,
        FakeDiscord discord, String channelId, String discordUserId) {

    /**
     * In the background: {@code count} items, one every {@code interval}, item {@code n} of the kind
     * {@code n % 3}; commands carry {@code tag + n}, messages {@code textPrefix + "vers discord " + n}
     * or {@code textPrefix + "vers matrix " + n}. {@code done} is set when the loop ends (all sent, or
     * interrupted); a failed send fails the future.
     */
    CompletableFuture<Void> sendAsync(int count, Duration interval, String tag, String textPrefix, AtomicBoolean done) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int n = 0; n < count; n++) {
                    switch (n % 3) {
                        case 0 -> ledger.command(alice.sendText(commandRoom, WitnessPlugin.COMMAND + tag + n),
                                WitnessPlugin.ANSWER + tag + n);
                        case 1 -> {
                            String text = textPrefix + "vers discord " + n;
                            ledger.toDiscord(alice.sendText(bridgedRoom, text), text);
                        }
                        default -> {
                            String text = textPrefix + "vers matrix " + n;
                            discord.userSays(channelId, discordUserId, text);
                            ledger.toMatrix(text);
                        }
                    }
                    Thread.sleep(interval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.set(true);
            }
        });
    }
}
