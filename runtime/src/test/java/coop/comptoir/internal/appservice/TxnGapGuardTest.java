package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TxnGapGuardTest {
    @Test
    void refusesOnceTheTransactionAfterAMissingOneThenAcceptsInOrder() {
        TxnGapGuard g = new TxnGapGuard("76");
        assertThat(g.admit("78")).as("77 never came").isFalse();
        assertThat(g.admit("77")).isTrue();
        assertThat(g.admit("78")).isTrue();
        assertThat(g.admit("79")).isTrue();
    }

    @Test
    void aGapThatWasNeverALostTransactionOnlyCostsOneRetry() {
        TxnGapGuard g = new TxnGapGuard(null);
        assertThat(g.admit("10")).isTrue();
        assertThat(g.admit("12")).isFalse();
        assertThat(g.admit("12")).isTrue();
        assertThat(g.admit("13")).isTrue();
    }

    @Test
    void retriesResetsAndOtherNumberingsAreLeftAlone() {
        TxnGapGuard g = new TxnGapGuard("500");
        assertThat(g.admit("500")).as("a retry").isTrue();
        assertThat(g.admit("3")).as("a homeserver that starts again from 1").isTrue();
        assertThat(g.admit("1000000")).as("a jump too large to be lost transactions").isTrue();
        assertThat(g.admit("run-1-5")).isTrue();
        assertThat(g.admit("run-1-9")).isTrue();
    }
}
