package coop.comptoir.internal.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetFileClockTest {
    private static final Instant BASE = Instant.parse("2026-03-27T08:00:00Z");
    private final Clock base = Clock.fixed(BASE, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void withoutTheVariableThePluginsGetTheBaseClock() {
        assertThat(OffsetFileClock.fromEnvironment(Map.of(), base)).isSameAs(base);
        assertThat(OffsetFileClock.fromEnvironment(Map.of(OffsetFileClock.ENV, " "), base)).isSameAs(base);
    }

    @Test
    void aMissingFileMeansNoOffsetAndSoDoesAnEmptyOneAtFirst() throws Exception {
        Path file = dir.resolve("clock");
        OffsetFileClock c = OffsetFileClock.of(file, base);
        assertThat(c.instant()).isEqualTo(BASE);
        Files.writeString(file, "");
        assertThat(c.instant()).isEqualTo(BASE);
    }

    @Test
    void theOffsetIsReadAsIsoDurationOrMillisAndAgainWhenTheFileChanges() throws Exception {
        Path file = dir.resolve("clock");
        Files.writeString(file, "PT47H59M30S\n");
        Clock c = OffsetFileClock.fromEnvironment(Map.of(OffsetFileClock.ENV, file.toString()), base);
        assertThat(c.instant()).isEqualTo(BASE.plus(Duration.parse("PT47H59M30S")));

        Files.writeString(file, "-300000");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.instant()).isEqualTo(BASE.minusSeconds(300));
        assertThat(c.millis()).isEqualTo(BASE.minusSeconds(300).toEpochMilli());
    }

    @Test
    void anEmptyFileBeingRewrittenKeepsTheOffsetAndAMissingOneMeansNone() throws Exception {
        Path file = dir.resolve("clock");
        Files.writeString(file, "PT1H");
        OffsetFileClock c = OffsetFileClock.of(file, base);
        Files.writeString(file, "");
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.offset()).as("truncated, not yet written").isEqualTo(Duration.ofHours(1));
        Files.writeString(file, "PT2H");
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.offset()).isEqualTo(Duration.ofHours(2));
        Files.delete(file);
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.offset()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aChangeIsSeenEvenWithTheSameTimeStampAndSize() throws Exception {
        Path file = dir.resolve("clock");
        Files.writeString(file, "PT1H");
        FileTime stamp = Files.getLastModifiedTime(file);
        OffsetFileClock c = OffsetFileClock.of(file, base);
        Files.writeString(file, "PT3H");
        Files.setLastModifiedTime(file, stamp);
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.offset()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void anUnreadableOffsetKeepsThePreviousOne() throws Exception {
        Path file = dir.resolve("clock");
        Files.writeString(file, "PT1H");
        OffsetFileClock c = OffsetFileClock.of(file, base);
        Files.writeString(file, "tomorrow, please");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Thread.sleep(OffsetFileClock.CHECK_EVERY_MS + 20);
        assertThat(c.offset()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> OffsetFileClock.parse("soon")).hasMessageContaining("\"soon\"");
    }
}
