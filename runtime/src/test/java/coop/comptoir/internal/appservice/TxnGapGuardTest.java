package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TxnGapGuardTest {
    @Test
    void refusesOnceTheTransactionAfterAMissingOneThenAcceptsInOrder() {
        TxnGapGuard g = new TxnGapGuard(List.of("76", "75"));
        assertThat(g.admit("78")).as("77 never came").isFalse();
        assertThat(g.admit("77")).isTrue();
        assertThat(g.admit("78")).isTrue();
        assertThat(g.admit("79")).isTrue();
    }

    @Test
    void anOlderTransactionAlreadyStoredIsARepeatNotANewNumbering() {
        // a homeserver restored from a backup, or a late retry, sends again a transaction Comptoir
        // stored long ago: the journal acknowledges it as a repeat; it must not be refused, and the
        // numbering goes on from where it was
        TxnGapGuard g = new TxnGapGuard(List.of("76", "75"));
        assertThat(g.admit("12", () -> true)).as("stored before: acknowledged as a repeat").isTrue();
        assertThat(g.admit("77")).isTrue();
        assertThat(g.admit("79")).as("78 never came: still noticed").isFalse();
        assertThat(g.admit("78")).isTrue();
    }

    @Test
    void aGapThatWasNeverALostTransactionOnlyCostsOneRetry() {
        TxnGapGuard g = new TxnGapGuard(List.of());
        assertThat(g.admit("10")).isTrue();
        assertThat(g.admit("11")).isTrue();
        assertThat(g.admit("13")).isFalse();
        assertThat(g.admit("13")).isTrue();
        assertThat(g.admit("14")).isTrue();
    }

    @Test
    void numericIdsThatNeverCountUpOneByOneAreNeverRefused() {
        // a homeserver numbering transactions by a position shared with other appservices, or by time
        TxnGapGuard g = new TxnGapGuard(List.of("1000", "990"));
        assertThat(g.admit("1005")).isTrue();
        assertThat(g.admit("1012")).isTrue();
        assertThat(g.admit("1040")).isTrue();
        TxnGapGuard fresh = new TxnGapGuard(List.of());
        assertThat(fresh.admit("10")).isTrue();
        assertThat(fresh.admit("12")).as("no evidence yet that IDs are contiguous").isTrue();
    }

    @Test
    void dendriteAndConduitIdsAreLeftAlone() {
        TxnGapGuard g = new TxnGapGuard(List.of("1733480000000000001", "1733480000000000000"));
        assertThat(g.admit("1733480000000000005")).as("Dendrite: nanosecond times").isTrue();
        assertThat(g.admit("1733480000123_2")).as("Dendrite without metadata").isTrue();
        assertThat(g.admit("q2nB8Zk0l3oJxw7cS0mT1yR2vP4uE6aH9dF1gK3jL5M")).as("Conduit family: a hash").isTrue();
    }

    @Test
    void retriesResetsAndOtherNumberingsAreLeftAlone() {
        TxnGapGuard g = new TxnGapGuard(List.of("500", "499"));
        assertThat(g.admit("500")).as("a retry").isTrue();
        assertThat(g.admit("1")).as("a homeserver that starts again from 1").isTrue();
        assertThat(g.admit("1000000")).as("a jump too large to be lost transactions").isTrue();
        assertThat(g.admit("run-1-5")).isTrue();
        assertThat(g.admit("run-1-9")).isTrue();
    }

    @Test
    void afterASynapseRestartNumberingFromOneAGapIsNoticedAgainAtOnce() {
        // Synapse on SQLite numbers from 1 again after a restart (measured in scenario 2)
        TxnGapGuard g = new TxnGapGuard(List.of("60", "59"));
        assertThat(g.admit("1")).isTrue();
        assertThat(g.admit("2")).isTrue();
        assertThat(g.admit("4")).as("3 never came").isFalse();
        assertThat(g.admit("3")).isTrue();
        assertThat(g.admit("4")).isTrue();
    }

    @Test
    void aNewNumberingThatDoesNotStartAtOneAsksForTheTransactionsKeptUnsentFirst() {
        // stopped while 3 and 4 were in flight: Synapse starts again after the highest one it kept
        TxnGapGuard g = new TxnGapGuard(List.of("60", "59"));
        assertThat(g.admit("5")).as("3 and 4 are still in the homeserver's database").isFalse();
        assertThat(g.admit("3")).as("its retry loop sends the oldest first").isTrue();
        assertThat(g.admit("4")).isTrue();
        assertThat(g.admit("5")).isTrue();
        assertThat(g.admit("6")).isTrue();
        TxnGapGuard nothingKept = new TxnGapGuard(List.of("60", "59"));
        assertThat(nothingKept.admit("5")).isFalse();
        assertThat(nothingKept.admit("5")).as("nothing was kept after all: one retry lost").isTrue();
        assertThat(nothingKept.admit("6")).isTrue();
    }
}
