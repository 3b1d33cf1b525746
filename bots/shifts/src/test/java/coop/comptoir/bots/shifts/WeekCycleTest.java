package coop.comptoir.bots.shifts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeekCycleTest {
    /** A Monday. */
    private static final LocalDate ANCHOR = LocalDate.of(2026, 1, 5);
    private final WeekCycle cycle = WeekCycle.anchoredAt(ANCHOR);

    @ParameterizedTest(name = "{0} is in week {1}")
    @CsvSource({
            "2026-01-05, A", "2026-01-11, A", "2026-01-12, B", "2026-01-19, C", "2026-01-26, D", "2026-02-01, D",
            "2026-02-02, A", "2026-03-02, A",
            // before the anchor: the Sunday before is the end of a week D, not week A
            "2026-01-04, D", "2025-12-29, D", "2025-12-28, C", "2025-12-22, C", "2025-12-15, B", "2025-12-08, A",
            "2025-12-07, D", "2024-01-01, D",
            // far after, across year ends and leap days
            "2026-12-28, D", "2027-01-03, D", "2027-01-04, A", "2028-02-28, A", "2028-02-29, A", "2028-03-05, A",
            "2028-03-06, B"})
    void lettersFollowTheAnchorWeekByWeek(LocalDate date, char letter) {
        assertThat(cycle.letter(date)).isEqualTo(letter);
    }

    @Test
    void theCycleIgnoresIsoWeekNumbers() {
        // 2026 has 53 ISO weeks: week numbers mod 4 would give week 53 and week 1 of 2027 the same
        // letter as weeks 1 and 49; the cycle just goes on.
        LocalDate lastMonday2026 = LocalDate.of(2026, 12, 28);
        assertThat(cycle.letter(lastMonday2026)).isEqualTo('D');
        assertThat(cycle.letter(lastMonday2026.plusWeeks(1))).isEqualTo('A');
        for (LocalDate d = LocalDate.of(2020, 1, 1); d.isBefore(LocalDate.of(2032, 1, 1)); d = d.plusDays(1)) {
            assertThat(cycle.letter(d.plusWeeks(4))).as("four weeks after %s", d).isEqualTo(cycle.letter(d));
            long days = ChronoUnit.DAYS.between(ANCHOR, WeekCycle.monday(d));
            assertThat(cycle.letter(d)).isEqualTo(WeekCycle.LETTERS.charAt((int) Math.floorMod(days / 7, 4L)));
        }
    }

    @Test
    void anAnchorInTheFutureWorksTheSame() {
        WeekCycle future = WeekCycle.anchoredAt(LocalDate.of(2030, 6, 3));
        assertThat(future.letter(LocalDate.of(2030, 6, 3))).isEqualTo('A');
        assertThat(future.letter(LocalDate.of(2030, 6, 2))).isEqualTo('D');
        // 2026-01-05 is 230 weeks before 2030-06-03: -230 mod 4 = 2, so C
        assertThat(future.letter(ANCHOR)).isEqualTo('C');
        assertThat(future.letter(LocalDate.of(2026, 1, 12))).isEqualTo('D');
    }

    @Test
    void twoAnchorsFourWeeksApartAgreeEverywhere() {
        WeekCycle later = WeekCycle.anchoredAt(ANCHOR.plusWeeks(4 * 30));
        for (LocalDate d = LocalDate.of(2025, 1, 1); d.isBefore(LocalDate.of(2029, 1, 1)); d = d.plusDays(3)) {
            assertThat(later.letter(d)).isEqualTo(cycle.letter(d));
        }
    }

    @Test
    void anAnchorThatIsNotAMondayIsRefusedWithItsDayAndTheRightMonday() {
        assertThatThrownBy(() -> WeekCycle.anchoredAt(LocalDate.of(2026, 1, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2026-01-08 is a thursday, not a Monday (the Monday of that week is 2026-01-05)");
    }

    @Test
    void nextDatesOfALetterAndWeekday() {
        assertThat(cycle.next('A', DayOfWeek.SATURDAY, LocalDate.of(2026, 1, 5))).isEqualTo(LocalDate.of(2026, 1, 10));
        assertThat(cycle.next('A', DayOfWeek.SATURDAY, LocalDate.of(2026, 1, 10))).isEqualTo(LocalDate.of(2026, 1, 10));
        assertThat(cycle.next('A', DayOfWeek.SATURDAY, LocalDate.of(2026, 1, 11))).isEqualTo(LocalDate.of(2026, 2, 7));
        assertThat(cycle.next('C', DayOfWeek.MONDAY, LocalDate.of(2026, 1, 20))).isEqualTo(LocalDate.of(2026, 2, 16));
        assertThat(cycle.next('D', DayOfWeek.SUNDAY, LocalDate.of(2025, 12, 30))).isEqualTo(LocalDate.of(2026, 1, 4));
        // across the year end
        assertThat(cycle.dates('B', DayOfWeek.TUESDAY, LocalDate.of(2026, 12, 1), LocalDate.of(2027, 2, 1)))
                .containsExactly(LocalDate.of(2026, 12, 15), LocalDate.of(2027, 1, 12));
        for (LocalDate d : cycle.dates('C', DayOfWeek.FRIDAY, LocalDate.of(2024, 1, 1), LocalDate.of(2029, 1, 1))) {
            assertThat(cycle.letter(d)).isEqualTo('C');
            assertThat(d.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
        }
        assertThatThrownBy(() -> cycle.next('E', DayOfWeek.MONDAY, ANCHOR)).hasMessageContaining("A, B, C or D");
    }
}
