package coop.comptoir.bridge.text;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import org.junit.jupiter.api.Test;

/** Pills are recognised in every spelling of a Matrix permalink, and only for users and rooms. */
class MatrixLinksTest {
    @Test
    void permalinksInAllSpellings() {
        assertThat(MatrixLinks.parse("https://matrix.to/#/@alice:example.org")).contains(new MatrixLinks.UserTarget(UserId.of("@alice:example.org")));
        assertThat(MatrixLinks.parse("https://matrix.to/#/%40alice%3Aexample.org?via=x")).contains(new MatrixLinks.UserTarget(UserId.of("@alice:example.org")));
        assertThat(MatrixLinks.parse("matrix:u/alice:example.org?action=chat")).contains(new MatrixLinks.UserTarget(UserId.of("@alice:example.org")));
        assertThat(MatrixLinks.parse("matrix:r/general:example.org")).contains(new MatrixLinks.RoomTarget("#general:example.org"));
        assertThat(MatrixLinks.parse("matrix:roomid/abc:example.org")).contains(new MatrixLinks.RoomTarget("!abc:example.org"));
        assertThat(MatrixLinks.parse("https://matrix.to/#/!abc:example.org/$event")).isEmpty();
        assertThat(MatrixLinks.parse("matrix:roomid/abc:example.org/e/event")).isEmpty();
        assertThat(MatrixLinks.parse("https://matrix.to/#/@bad user")).isEmpty();
        assertThat(MatrixLinks.parse("https://example.org/#/@alice:example.org")).isEmpty();
    }

    @Test
    void permalinkOfAnIdentifier() {
        assertThat(MatrixLinks.permalink("@alice:example.org")).isEqualTo("https://matrix.to/#/@alice:example.org");
        assertThat(MatrixLinks.parse(MatrixLinks.permalink("#general:example.org"))).contains(new MatrixLinks.RoomTarget("#general:example.org"));
    }
}
