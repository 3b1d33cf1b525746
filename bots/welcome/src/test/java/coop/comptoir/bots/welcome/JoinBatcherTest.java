package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bots.welcome.JoinBatcher.Person;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JoinBatcherTest {
    private static final RoomId HELP = RoomId.of("!aide:coop.test");
    private static final RoomId SHOP = RoomId.of("!magasin:coop.test");

    private final coop.comptoir.testing.FakeClock clock = new coop.comptoir.testing.FakeClock(java.time.Instant.parse("2026-03-14T18:00:00Z"), java.time.ZoneOffset.UTC);
    private final JoinBatcher batcher = new JoinBatcher(clock, Duration.ofSeconds(3), Duration.ofSeconds(15));

    private static Person person(int i) {
        return new Person(UserId.of("@membre" + i + ":coop.test"), "Membre " + i);
    }

    @Test
    void aBurstOfJoinsBecomesOneBatchInArrivalOrder() {
        for (int i = 0; i < 50; i++) {
            batcher.add(HELP, person(i));
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(batcher.takeIfDue(HELP)).as("not due while people keep arriving").isEmpty();

        clock.advance(Duration.ofSeconds(3));

        assertThat(batcher.takeIfDue(HELP)).hasSize(50).first().isEqualTo(person(0));
        assertThat(batcher.takeIfDue(HELP)).as("taken once").isEmpty();
        assertThat(batcher.dueAt(HELP)).isNull();
    }

    @Test
    void eachJoinPushesTheDueTimeButNeverPastTheMaximumWait() {
        var first = clock.instant();
        assertThat(batcher.add(HELP, person(1)).due()).isEqualTo(first.plusSeconds(3));
        clock.advance(Duration.ofSeconds(2));
        assertThat(batcher.add(HELP, person(2)).due()).isEqualTo(first.plusSeconds(5));
        for (int i = 3; i < 20; i++) {
            clock.advance(Duration.ofSeconds(2));
            batcher.add(HELP, person(i));
        }
        assertThat(batcher.dueAt(HELP)).isEqualTo(first.plusSeconds(15));
    }

    @Test
    void roomsAreBatchedApartAndAUserOnce() {
        batcher.add(HELP, person(1));
        batcher.add(HELP, person(1));
        batcher.add(SHOP, person(1));

        assertThat(batcher.isPending(HELP, person(1).id())).isTrue();
        assertThat(batcher.isPending(HELP, person(2).id())).isFalse();
        clock.advance(Duration.ofSeconds(3));
        assertThat(batcher.takeIfDue(HELP)).containsExactly(person(1));
        assertThat(batcher.takeIfDue(SHOP)).containsExactly(person(1));
    }

    @Test
    void aJobFiredSlightlyEarlyStillTakesTheBatchItWasScheduledFor() {
        clock.advance(Duration.ofNanos(123_456));
        var added = batcher.add(HELP, person(1));
        assertThat(added.due().getNano() % 1_000_000).as("milliseconds, as the scheduler keeps them").isZero();

        assertThat(batcher.takeIfDueBy(HELP, added.due().minusMillis(1))).as("a job for an earlier time").isEmpty();
        assertThat(batcher.takeIfDueBy(HELP, added.due())).containsExactly(person(1));
    }

    @Test
    void aLateArrivalStartsANewBatch() {
        batcher.add(HELP, person(1));
        clock.advance(Duration.ofSeconds(3));
        assertThat(batcher.takeIfDue(HELP)).containsExactly(person(1));

        batcher.add(HELP, person(2));

        assertThat(batcher.takeIfDue(HELP)).isEmpty();
        clock.advance(Duration.ofSeconds(3));
        assertThat(batcher.takeIfDue(HELP)).containsExactly(person(2));
    }
}
