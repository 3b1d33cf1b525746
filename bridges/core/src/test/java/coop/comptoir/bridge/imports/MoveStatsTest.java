package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The numbers of the migration summary and page, from the messages the bridges carried. */
class MoveStatsTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final RoomId CAFE = RoomId.of("!cafe:coop.test");
    static final RoomId STOCK = RoomId.of("!stock:coop.test");
    static final MoveStats.Portal CAFE_PORTAL = new MoveStats.Portal("discord", CAFE, "555");
    static final MoveStats.Portal STOCK_PORTAL = new MoveStats.Portal("discord", STOCK, "556");
    static final UserId ALICE = UserId.of("@alice:coop.test");
    static final UserId ZOE = UserId.of("@zoe:coop.test");
    static final UserId BOB = UserId.of("@_discord_42:coop.test");
    static final UserId CAROL = UserId.of("@_discord_43:coop.test");
    static final UserId DAN = UserId.of("@_discord_44:coop.test");

    private final List<MoveStats.Message> messages = new ArrayList<>();

    private void said(RoomId room, UserId who, boolean fromMatrix, Duration ago) {
        messages.add(new MoveStats.Message("discord", room, fromMatrix, who, NOW.minus(ago)));
    }

    @Test
    void countsPeopleAndMessagesOfEachSideInTheLastThirtyDays() {
        said(CAFE, ALICE, true, Duration.ofDays(1));
        said(CAFE, ALICE, true, Duration.ofDays(2));
        said(CAFE, ZOE, true, Duration.ofDays(29));
        said(CAFE, BOB, false, Duration.ofHours(3));
        said(CAFE, CAROL, false, Duration.ofDays(10));
        said(CAFE, CAROL, false, Duration.ofDays(12));
        said(CAFE, CAROL, false, Duration.ofDays(13));
        // outside the 30 days: in the chart only
        said(CAFE, DAN, false, Duration.ofDays(31));
        said(CAFE, ZOE, true, Duration.ofDays(40));
        // another room, and a room that is no portal
        said(STOCK, BOB, false, Duration.ofDays(1));
        said(RoomId.of("!autre:coop.test"), ALICE, true, Duration.ofDays(1));

        List<MoveStats.Channel> out = MoveStats.compute(List.of(CAFE_PORTAL, STOCK_PORTAL), messages, NOW);

        MoveStats.Channel cafe = out.get(0);
        assertThat(cafe.portal()).isEqualTo(CAFE_PORTAL);
        assertThat(cafe.matrixPeople()).isEqualTo(2);
        assertThat(cafe.oldPeople()).isEqualTo(2);
        assertThat(cafe.matrixMessages()).isEqualTo(3);
        assertThat(cafe.oldMessages()).isEqualTo(4);
        assertThat(cafe.matrixPercent()).as("3 of 7").isEqualTo(43);
        assertThat(cafe.stillOld()).as("most messages first").containsExactly(CAROL, BOB);

        MoveStats.Channel stock = out.get(1);
        assertThat(stock.matrixPeople()).isZero();
        assertThat(stock.oldPeople()).isEqualTo(1);
        assertThat(stock.matrixPercent()).isZero();
        assertThat(stock.stillOld()).containsExactly(BOB);
    }

    @Test
    void theChartCountsEachSideWeekByWeekTheCurrentWeekLast() {
        said(CAFE, ALICE, true, Duration.ofDays(1));
        said(CAFE, ALICE, true, Duration.ofDays(6));
        said(CAFE, BOB, false, Duration.ofDays(8));
        said(CAFE, BOB, false, Duration.ofDays(31));
        said(CAFE, BOB, false, Duration.ofDays(7 * 11 + 3));
        said(CAFE, BOB, false, Duration.ofDays(7 * 12 + 1)); // before the chart
        said(CAFE, ALICE, true, Duration.ofDays(-1)); // a clock ahead: not counted

        MoveStats.Channel cafe = MoveStats.compute(List.of(CAFE_PORTAL), messages, NOW).get(0);

        assertThat(cafe.weeks()).hasSize(MoveStats.WEEKS);
        assertThat(cafe.weeks().get(11)).containsExactly(2, 0);
        assertThat(cafe.weeks().get(10)).containsExactly(0, 1);
        assertThat(cafe.weeks().get(7)).as("31 days ago: week 4 back").containsExactly(0, 1);
        assertThat(cafe.weeks().get(0)).containsExactly(0, 1);
        assertThat(cafe.weeks().stream().mapToInt(w -> w[0] + w[1]).sum()).isEqualTo(5);
    }

    @Test
    void aChannelWithoutMessagesShowsZeros() {
        MoveStats.Channel quiet = MoveStats.compute(List.of(CAFE_PORTAL), List.of(), NOW).get(0);
        assertThat(quiet.matrixPercent()).isZero();
        assertThat(quiet.stillOld()).isEmpty();
        assertThat(quiet.weeks()).allSatisfy(w -> assertThat(w).containsExactly(0, 0));
    }

    @Test
    void aPersonWhoseAccountIsLinkedCountsAsMovedNotAsStillThere() {
        said(CAFE, ALICE, true, Duration.ofDays(1));
        said(CAFE, BOB, false, Duration.ofDays(2));
        said(CAFE, CAROL, false, Duration.ofDays(3));
        said(STOCK, BOB, false, Duration.ofDays(2));

        List<MoveStats.Channel> out = MoveStats.compute(List.of(CAFE_PORTAL, STOCK_PORTAL), messages,
                java.util.Set.of(MoveStats.linkKey("discord", BOB), MoveStats.linkKey("rocketchat", CAROL)), NOW);

        MoveStats.Channel cafe = out.get(0);
        assertThat(cafe.moved()).isEqualTo(1);
        assertThat(cafe.stillOld()).as("Carol is linked on another bridge only").containsExactly(CAROL);
        assertThat(cafe.oldPeople()).isEqualTo(2);
        assertThat(cafe.oldMessages()).as("what a linked person writes there still counts as written there").isEqualTo(2);
        assertThat(out.get(1).moved()).isEqualTo(1);
        assertThat(out.get(1).stillOld()).isEmpty();
    }
}
