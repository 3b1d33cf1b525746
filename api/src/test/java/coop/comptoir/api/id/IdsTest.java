package coop.comptoir.api.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void userIdsAreCheckedAndSplit() {
        UserId u = UserId.of("@alice:coop.example:8448");
        assertThat(u.localpart()).isEqualTo("alice");
        assertThat(u.serverName()).isEqualTo("coop.example:8448");
        assertThat(UserId.of("@_discord_123:[::1]:8448").serverName()).isEqualTo("[::1]:8448");
        assertThat(UserId.of("alice", "coop.example")).isEqualTo(UserId.of("@alice:coop.example"));
        assertThatThrownBy(() -> UserId.of("alice:coop.example")).hasMessageContaining("must start with '@'");
        assertThatThrownBy(() -> UserId.of("@alice")).hasMessageContaining("@local:server");
        assertThatThrownBy(() -> UserId.of("@al ice:coop.example")).hasMessageContaining("space");
        assertThatThrownBy(() -> UserId.of("@alice:coop_example")).hasMessageContaining("server name");
        assertThatThrownBy(() -> UserId.of("@alice:coop.example:99999999")).hasMessageContaining("port");
        assertThatThrownBy(() -> UserId.of("@" + "a".repeat(260) + ":x.org")).hasMessageContaining("255");
    }

    @Test
    void roomIdsOfEveryRoomVersionAreAccepted() {
        assertThat(RoomId.of("!abc:coop.example").value()).isEqualTo("!abc:coop.example");
        // room version 12: no server part
        assertThat(RoomId.of("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM").value()).startsWith("!");
        assertThatThrownBy(() -> RoomId.of("#alias:coop.example")).hasMessageContaining("'!'");
        assertThatThrownBy(() -> RoomId.of("!")).hasMessageContaining("empty");
    }

    @Test
    void aliasesEventIdsAndMxcUris() {
        assertThat(RoomAlias.of("#cafe:coop.example").localpart()).isEqualTo("cafe");
        assertThat(EventId.of("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg").value()).startsWith("$");
        assertThatThrownBy(() -> EventId.of("abc")).hasMessageContaining("'$'");
        MxcUri m = MxcUri.parse("mxc://coop.example/AbC_12-x");
        assertThat(m.serverName()).isEqualTo("coop.example");
        assertThat(m.toString()).isEqualTo("mxc://coop.example/AbC_12-x");
        assertThatThrownBy(() -> MxcUri.parse("https://coop.example/x")).hasMessageContaining("mxc://");
        assertThatThrownBy(() -> MxcUri.parse("mxc://coop.example/../etc")).hasMessageContaining("media ID");
    }
}
