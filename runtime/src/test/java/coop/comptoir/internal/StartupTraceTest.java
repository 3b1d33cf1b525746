package coop.comptoir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupTraceTest {
    @Test
    void theTraceIsOnWithTheBarePropertyOrTrueOnly() {
        assertThat(StartupTrace.enabled("")).isTrue();
        assertThat(StartupTrace.enabled("true")).isTrue();
        assertThat(StartupTrace.enabled("TRUE")).isTrue();
        assertThat(StartupTrace.enabled(null)).isFalse();
        assertThat(StartupTrace.enabled("false")).isFalse();
        assertThat(StartupTrace.enabled("no")).isFalse();
    }

    @Test
    void marksAreSilentAndHarmlessWhenTheTraceIsOff() {
        assertThat(StartupTrace.on()).isFalse();
        StartupTrace.mark("a step");
        StartupTrace.firstTransaction();
    }
}
